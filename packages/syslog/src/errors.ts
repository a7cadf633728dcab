/**
 * Errors of syslog framing. A malformed frame from a sender is an operating error: the decoders
 * report it through `onError` and their counters, never by throwing, so one bad client cannot
 * break the others. Only local misuse (invalid options) throws.
 */

export const SyslogErrorCode = {
  BAD_FRAME_LENGTH: 'RL_SYSLOG_BAD_FRAME_LENGTH',
  FRAME_TOO_LONG: 'RL_SYSLOG_FRAME_TOO_LONG',
  TRUNCATED_FRAME: 'RL_SYSLOG_TRUNCATED_FRAME',
  BAD_OPTION: 'RL_SYSLOG_BAD_OPTION',
} as const;
export type SyslogErrorCode = (typeof SyslogErrorCode)[keyof typeof SyslogErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const SyslogErrorDescription: Readonly<Record<SyslogErrorCode, string>> = {
  RL_SYSLOG_BAD_FRAME_LENGTH:
    'An octet-counted (RFC 6587) stream sent a malformed length prefix (not digits, a leading zero, zero, or no space after it); the stream cannot be resynchronized and the rest of it is dropped.',
  RL_SYSLOG_FRAME_TOO_LONG:
    'An octet-counted (RFC 6587) frame announced more bytes than the configured maximum; it is rejected before any of it is buffered and the rest of the stream is dropped.',
  RL_SYSLOG_TRUNCATED_FRAME: 'A syslog stream ended in the middle of an octet-counted frame; the partial frame is dropped.',
  RL_SYSLOG_BAD_OPTION: 'A syslog decoder was created with an invalid option (a maximum that is not a positive safe integer, an unknown policy).',
};

/** Base class: every error of this package is a `SyslogError`. */
export class SyslogError extends Error {
  readonly code: SyslogErrorCode;
  constructor(code: SyslogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A sender broke the stream framing; passed to `onError`, never thrown. */
export class SyslogFramingError extends SyslogError {
  constructor(
    code: typeof SyslogErrorCode.BAD_FRAME_LENGTH | typeof SyslogErrorCode.FRAME_TOO_LONG | typeof SyslogErrorCode.TRUNCATED_FRAME,
    message: string,
  ) {
    super(code, message);
  }
}

/** A decoder was constructed with an invalid option: a bug in the caller, thrown. */
export class SyslogOptionError extends SyslogError {
  constructor(message: string) {
    super(SyslogErrorCode.BAD_OPTION, message);
  }
}
