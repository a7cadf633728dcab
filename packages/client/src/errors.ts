/**
 * Errors of the client. Every error carries a stable `code` (RL_CLIENT_*) and the numeric
 * libspread result code it corresponds to (`spreadCode`, spec §6.6), so tools can print
 * `SP_error: (-6) Connection rejected, name not unique.` exactly as libspread does.
 *
 * Operating errors (the daemon refused us, the network failed) are `SpreadConnectError`
 * and `SessionClosedError`; local misuse (a bad group name, an oversized message) is
 * `ClientUsageError`, thrown synchronously before anything is sent.
 */
import { ResultCode, ResultMessage } from '@ringlog/wire';

export const ClientErrorCode = {
  ILLEGAL_SPREAD: 'RL_CLIENT_ILLEGAL_SPREAD',
  COULD_NOT_CONNECT: 'RL_CLIENT_COULD_NOT_CONNECT',
  CONNECT_TIMEOUT: 'RL_CLIENT_CONNECT_TIMEOUT',
  CONNECT_REJECTED: 'RL_CLIENT_CONNECT_REJECTED',
  AUTH_UNAVAILABLE: 'RL_CLIENT_AUTH_UNAVAILABLE',
  HANDSHAKE_CLOSED: 'RL_CLIENT_HANDSHAKE_CLOSED',
  CONNECTION_CLOSED: 'RL_CLIENT_CONNECTION_CLOSED',
  PROTOCOL_VIOLATION: 'RL_CLIENT_PROTOCOL_VIOLATION',
  SESSION_CLOSED: 'RL_CLIENT_SESSION_CLOSED',
  ILLEGAL_GROUP: 'RL_CLIENT_ILLEGAL_GROUP',
  ILLEGAL_SERVICE: 'RL_CLIENT_ILLEGAL_SERVICE',
  ILLEGAL_MESSAGE: 'RL_CLIENT_ILLEGAL_MESSAGE',
  MESSAGE_TOO_LONG: 'RL_CLIENT_MESSAGE_TOO_LONG',
  ILLEGAL_OPTION: 'RL_CLIENT_ILLEGAL_OPTION',
  ITERATOR_BUSY: 'RL_CLIENT_ITERATOR_BUSY',
  RECONNECT_EXHAUSTED: 'RL_CLIENT_RECONNECT_EXHAUSTED',
  NOT_CONNECTED: 'RL_CLIENT_NOT_CONNECTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const ClientErrorDescription: Readonly<Record<ClientErrorCode, string>> = {
  RL_CLIENT_ILLEGAL_SPREAD: 'The spread name is not "", "<port>", "<port>@<host>", "tcp:<host>:<port>" or "unix:<path>" (libspread ILLEGAL_SPREAD, -1).',
  RL_CLIENT_COULD_NOT_CONNECT: 'The socket could not be opened: no daemon listens there, or the host does not resolve (COULD_NOT_CONNECT, -2).',
  RL_CLIENT_CONNECT_TIMEOUT: 'The connect and handshake did not finish within connectTimeoutMs (ILLEGAL_TIME, -20, as SP_connect_timeout reports it).',
  RL_CLIENT_CONNECT_REJECTED: 'The daemon answered the handshake with a reject byte; spreadCode holds it (-3 quota, -5 illegal name, -6 not unique, -7 version, -9 auth).',
  RL_CLIENT_AUTH_UNAVAILABLE: 'The daemon offered none of the authentication methods this client may use (REJECT_AUTH, -9).',
  RL_CLIENT_HANDSHAKE_CLOSED: 'The daemon closed the connection in the middle of the handshake without a reject byte (CONNECTION_CLOSED, -8).',
  RL_CLIENT_CONNECTION_CLOSED: 'The daemon closed an established session, or the socket failed (CONNECTION_CLOSED, -8).',
  RL_CLIENT_PROTOCOL_VIOLATION: 'The daemon sent bytes that break the protocol; the session was closed (NET_ERROR_ON_SESSION, -18).',
  RL_CLIENT_SESSION_CLOSED: 'An operation was attempted on a session that is already closed (CONNECTION_CLOSED, -8).',
  RL_CLIENT_ILLEGAL_GROUP: 'A group name is empty, 32 bytes or longer, or has characters libspread refuses (ILLEGAL_GROUP, -14).',
  RL_CLIENT_ILLEGAL_SERVICE: 'The service is not exactly one of UNRELIABLE, RELIABLE, FIFO, CAUSAL, AGREED, SAFE (ILLEGAL_SERVICE, -12).',
  RL_CLIENT_ILLEGAL_MESSAGE: 'A multicast names more than 100 groups, or its mess_type is outside -32768..65535 (ILLEGAL_MESSAGE, -13).',
  RL_CLIENT_MESSAGE_TOO_LONG: 'data + 32 x groups exceeds the body limit (144 000 bytes, as libspread checks) (MESSAGE_TOO_LONG, -17).',
  RL_CLIENT_ILLEGAL_OPTION: 'A connect or reconnect option is out of range (private name too long, negative timeout, bad backoff).',
  RL_CLIENT_ITERATOR_BUSY: 'The session already has an event consumer: use either onEvent() or one async iterator, not both.',
  RL_CLIENT_RECONNECT_EXHAUSTED: 'A reconnecting session used up attemptsMax consecutive dial attempts; cause holds the last failure.',
  RL_CLIENT_NOT_CONNECTED: 'A reconnecting session was asked to send while it has no live connection.',
};

/** Base class: a stable `code`, the matching libspread result code, and an optional `cause`. */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** libspread's numeric result code (spec §6.6), e.g. -6 for REJECT_NOT_UNIQUE. */
  readonly spreadCode: number;
  constructor(code: ClientErrorCode, spreadCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.spreadCode = spreadCode;
  }
}

/** Opening a session failed: bad spread name, socket error, timeout or a daemon reject. */
export class SpreadConnectError extends ClientError {}

/** The session ended (daemon closed it, socket error, protocol violation) or was used after close. */
export class SessionClosedError extends ClientError {}

/** Local code asked for something libspread would refuse; nothing was sent. */
export class ClientUsageError extends ClientError {}

/** A reconnecting session gave up; `cause` is the last dial failure. */
export class ReconnectExhaustedError extends ClientError {}

/** Codes libspread knows that ResultMessage (the daemon-facing table) does not spell out. */
const EXTRA_MESSAGES: Readonly<Record<number, string>> = {
  [ResultCode.ILLEGAL_TIME]: 'Illegal time, or the connect timed out',
  [ResultCode.SP_BUG]: 'Spread library bug',
};

/** libspread's text for a result code, without the trailing period. */
export function spreadCodeText(spreadCode: number): string {
  return ResultMessage[spreadCode] ?? EXTRA_MESSAGES[spreadCode] ?? `Unrecognized error ${spreadCode}`;
}

/** The line libspread's SP_error prints, e.g. `SP_error: (-6) Connection rejected, name not unique.` */
export function formatSpError(spreadCode: number): string {
  const text = spreadCodeText(spreadCode);
  const end = text.endsWith('.') || text.endsWith('?') ? '' : '.';
  return `SP_error: (${spreadCode}) ${text}${end}`;
}
