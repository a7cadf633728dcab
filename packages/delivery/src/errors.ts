/**
 * Errors of the delivery formats. Every one means bytes from the ring that are not what a
 * ringlog shipper or collector sends: the receiver counts them and carries on.
 */

export const DeliveryErrorCode = {
  BAD_BATCH: 'RL_DELIVERY_BAD_BATCH',
  BAD_ACK: 'RL_DELIVERY_BAD_ACK',
  BAD_ID_FILE: 'RL_DELIVERY_BAD_ID_FILE',
  BAD_SYNC: 'RL_DELIVERY_BAD_SYNC',
} as const;
export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const DeliveryErrorDescription: Readonly<Record<DeliveryErrorCode, string>> = {
  RL_DELIVERY_BAD_BATCH: 'A message typed as a shipper batch has a header that is truncated, of an unknown version, or with offsets that are not 0 <= floor <= start < end < 2^53.',
  RL_DELIVERY_BAD_ACK: 'A message typed as a collector acknowledgement is truncated, of an unknown version, has trailing bytes, or carries an offset that is not a safe integer.',
  RL_DELIVERY_BAD_SYNC: "A collector catch-up message (SYNC_REQUEST or SYNC_ORDER) is truncated, of an unknown version or kind, has an entry count that does not match its length, or an offset past 2^53; it is dropped and the catch-up falls back to the collector's own order.",
  RL_DELIVERY_BAD_ID_FILE: 'A shipper or collector id file exists but does not hold 32 hexadecimal digits; delete it to start as a new shipper or collector (which resends or rewrites what the old id had not confirmed).',
};

export class DeliveryError extends Error {
  readonly code: DeliveryErrorCode;
  constructor(code: DeliveryErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class BadBatchError extends DeliveryError {
  constructor(message: string) {
    super(DeliveryErrorCode.BAD_BATCH, message);
  }
}

export class BadAckError extends DeliveryError {
  constructor(message: string) {
    super(DeliveryErrorCode.BAD_ACK, message);
  }
}

export class BadIdFileError extends DeliveryError {
  constructor(path: string, detail: string) {
    super(DeliveryErrorCode.BAD_ID_FILE, `${path}: ${detail}`);
  }
}
