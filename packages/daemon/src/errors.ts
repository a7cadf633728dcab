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

export const DaemonErrorCode = {
  BAD_OPTIONS: 'RL_DAEMON_BAD_OPTIONS',
  LISTEN_FAILED: 'RL_DAEMON_LISTEN_FAILED',
  UNIX_PATH_NOT_SOCKET: 'RL_DAEMON_UNIX_PATH_NOT_SOCKET',
} as const;
export type DaemonErrorCode = (typeof DaemonErrorCode)[keyof typeof DaemonErrorCode];

export const DaemonErrorDescription: Readonly<Record<DaemonErrorCode, string>> = {
  RL_DAEMON_BAD_OPTIONS: 'The daemon options are invalid (name length or characters, limits).',
  RL_DAEMON_LISTEN_FAILED: 'A listener could not bind its address (in use, permission, bad address).',
  RL_DAEMON_UNIX_PATH_NOT_SOCKET: 'The unix socket path exists and is not a socket; the daemon will not delete it.',
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
