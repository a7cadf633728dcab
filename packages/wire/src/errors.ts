/**
 * Errors of the wire layer. A peer's bad bytes are `WireProtocolError`s (operating errors:
 * the session that sent them ends, nothing else does); misuse by local code is `WireUsageError`.
 */
export class WireError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The peer sent bytes that break the protocol. */
export class WireProtocolError extends WireError {}

/** Local code asked the wire layer for something the protocol cannot express. */
export class WireUsageError extends WireError {}

export const WireErrorCode = {
  BAD_SERVICE_TYPE: 'RL_WIRE_BAD_SERVICE_TYPE',
  BAD_GROUP_COUNT: 'RL_WIRE_BAD_GROUP_COUNT',
  BAD_HINT: 'RL_WIRE_BAD_HINT',
  BAD_DATA_LENGTH: 'RL_WIRE_BAD_DATA_LENGTH',
  MESSAGE_TOO_LONG: 'RL_WIRE_MESSAGE_TOO_LONG',
  BAD_GROUP_NAME: 'RL_WIRE_BAD_GROUP_NAME',
  BAD_PRIVATE_NAME: 'RL_WIRE_BAD_PRIVATE_NAME',
  BAD_MEMBERSHIP_BODY: 'RL_WIRE_BAD_MEMBERSHIP_BODY',
  BAD_HANDSHAKE: 'RL_WIRE_BAD_HANDSHAKE',
  DECODER_CLOSED: 'RL_WIRE_DECODER_CLOSED',
  ENCODE_INVALID: 'RL_WIRE_ENCODE_INVALID',
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const WireErrorDescription: Readonly<Record<WireErrorCode, string>> = {
  RL_WIRE_BAD_SERVICE_TYPE: 'The header type has no, or more than one, service/control bit, or unknown bits.',
  RL_WIRE_BAD_GROUP_COUNT: 'num_groups is negative or above 100, or wrong for a control message.',
  RL_WIRE_BAD_HINT: 'The hint uses bits other than the endian marker and the 16-bit mess_type.',
  RL_WIRE_BAD_DATA_LENGTH: 'data_len is negative.',
  RL_WIRE_MESSAGE_TOO_LONG: 'data_len + 32·num_groups exceeds the body limit (143 152 bytes).',
  RL_WIRE_BAD_GROUP_NAME: 'A group name is empty, not NUL-terminated within 32 bytes, or has illegal characters.',
  RL_WIRE_BAD_PRIVATE_NAME: 'A private name is too long or has characters outside 0x24..0x7e.',
  RL_WIRE_BAD_MEMBERSHIP_BODY: 'A membership body is truncated or its counts exceed its length.',
  RL_WIRE_BAD_HANDSHAKE: 'The connect handshake bytes are malformed.',
  RL_WIRE_DECODER_CLOSED: 'Bytes were pushed into a decoder that already failed.',
  RL_WIRE_ENCODE_INVALID: 'Local code asked to encode a value the protocol cannot carry.',
};
