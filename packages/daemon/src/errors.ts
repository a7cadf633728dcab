/** Errors of the daemon package: stable codes, one class per kind. */
export class DaemonError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class DaemonOptionsError extends DaemonError {}
export class ListenError extends DaemonError {}
/** A peer daemon sent a ring payload this daemon cannot use; it is counted and dropped. */
export class RingPayloadError extends DaemonError {}

export const DaemonErrorCode = {
  BAD_OPTIONS: 'RL_DAEMON_BAD_OPTIONS',
  LISTEN_FAILED: 'RL_DAEMON_LISTEN_FAILED',
  UNIX_PATH_NOT_SOCKET: 'RL_DAEMON_UNIX_PATH_NOT_SOCKET',
  RING_PAYLOAD_TRUNCATED: 'RL_DAEMON_RING_PAYLOAD_TRUNCATED',
  RING_PAYLOAD_UNKNOWN_KIND: 'RL_DAEMON_RING_PAYLOAD_UNKNOWN_KIND',
  RING_PAYLOAD_BAD_FRAME: 'RL_DAEMON_RING_PAYLOAD_BAD_FRAME',
  RING_PAYLOAD_BAD_NAME: 'RL_DAEMON_RING_PAYLOAD_BAD_NAME',
  RING_PAYLOAD_FOREIGN_MEMBER: 'RL_DAEMON_RING_PAYLOAD_FOREIGN_MEMBER',
} as const;
export type DaemonErrorCode = (typeof DaemonErrorCode)[keyof typeof DaemonErrorCode];

export const DaemonErrorDescription: Readonly<Record<DaemonErrorCode, string>> = {
  RL_DAEMON_BAD_OPTIONS: 'The daemon options are invalid (name length or characters, limits).',
  RL_DAEMON_LISTEN_FAILED: 'A listener could not bind its address (in use, permission, bad address).',
  RL_DAEMON_UNIX_PATH_NOT_SOCKET: 'The unix socket path exists and is not a socket; the daemon will not delete it.',
  RL_DAEMON_RING_PAYLOAD_TRUNCATED: 'A ring payload from a peer daemon ends early or has bytes left over; it is dropped.',
  RL_DAEMON_RING_PAYLOAD_UNKNOWN_KIND: 'A ring payload from a peer daemon has an unknown format version or kind (a daemon of another version?); it is dropped.',
  RL_DAEMON_RING_PAYLOAD_BAD_FRAME: 'A multicast from a peer daemon carries a client frame that does not parse; it is dropped.',
  RL_DAEMON_RING_PAYLOAD_BAD_NAME: 'A ring payload from a peer daemon names an illegal group or private group; it is dropped.',
  RL_DAEMON_RING_PAYLOAD_FOREIGN_MEMBER: 'A peer daemon spoke for a session it does not host (another daemon\'s private group); the payload is dropped.',
};

/** Why a session ended, for logs and counters. Bounded set: used as a metric label. */
export const SessionEndReason = {
  CLIENT_KILL: 'client_kill',
  CLIENT_CLOSED: 'client_closed',
  SOCKET_ERROR: 'socket_error',
  PROTOCOL_VIOLATION: 'protocol_violation',
  SLOW_READER: 'slow_reader',
  HANDSHAKE_TIMEOUT: 'handshake_timeout',
  HANDSHAKE_REJECTED: 'handshake_rejected',
  DAEMON_SHUTDOWN: 'daemon_shutdown',
} as const;
export type SessionEndReason = (typeof SessionEndReason)[keyof typeof SessionEndReason];
