/**
 * Errors of the shipper's spool. Bad bytes in spool files are operating conditions: recovery and
 * reads count them in `SpoolStats` and carry on, never throw. What throws is local misuse (bad
 * options, arguments outside the contract, use after close), a second shipper on the same state
 * directory, and filesystem calls that fail (full disk, permissions), wrapped with their `cause`.
 */

export const SpoolErrorCode = {
  BAD_OPTION: 'RL_SPOOL_BAD_OPTION',
  BAD_RECORD: 'RL_SPOOL_BAD_RECORD',
  BAD_OFFSET: 'RL_SPOOL_BAD_OFFSET',
  BAD_ARGUMENT: 'RL_SPOOL_BAD_ARGUMENT',
  OFFSET_EXHAUSTED: 'RL_SPOOL_OFFSET_EXHAUSTED',
  LOCKED: 'RL_SPOOL_LOCKED',
  CLOSED: 'RL_SPOOL_CLOSED',
  IO: 'RL_SPOOL_IO',
} as const;
export type SpoolErrorCode = (typeof SpoolErrorCode)[keyof typeof SpoolErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const SpoolErrorDescription: Readonly<Record<SpoolErrorCode, string>> = {
  RL_SPOOL_BAD_OPTION:
    'The spool was opened with an invalid option (an empty dir; a size or interval that is not a non-negative safe integer; segmentBytes, maxBytes or memoryMaxBytes of zero).',
  RL_SPOOL_BAD_RECORD:
    'append() was given an invalid record: a group that is not 1..31 printable ASCII bytes, a body over 256 KiB, or a lineCount that is negative, fractional or larger than the body allows.',
  RL_SPOOL_BAD_OFFSET:
    'read() or ack() was given an offset outside [ackedOffset, endOffset] or one that is not a record boundary the spool knows.',
  RL_SPOOL_BAD_ARGUMENT: 'A spool method was given an invalid non-offset argument (a read size that is not a positive safe integer, a non-finite time).',
  RL_SPOOL_OFFSET_EXHAUSTED: 'The next record would end past 2^53 bytes of total history, beyond what offsets can represent exactly; the state directory must be reset.',
  RL_SPOOL_LOCKED: 'Another live process (its pid is in the message) holds the spool directory lock; two shippers on one state directory would corrupt it.',
  RL_SPOOL_CLOSED: 'A spool method other than close() was called after close().',
  RL_SPOOL_IO: 'A filesystem call on the spool directory failed (no space, permissions, I/O error); the cause holds the system error.',
};

/** Base class: every error of the spool is a `SpoolError`. */
export class SpoolError extends Error {
  readonly code: SpoolErrorCode;
  constructor(code: SpoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The spool was opened with invalid options: a bug in the caller, thrown. */
export class SpoolOptionError extends SpoolError {
  constructor(message: string) {
    super(SpoolErrorCode.BAD_OPTION, message);
  }
}

/** append() was given a record the spool refuses to store: a bug in the caller, thrown. */
export class SpoolRecordError extends SpoolError {
  constructor(message: string) {
    super(SpoolErrorCode.BAD_RECORD, message);
  }
}

/** read() or ack() was given an offset outside the contract: a bug in the caller, thrown. */
export class SpoolOffsetError extends SpoolError {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(SpoolErrorCode.BAD_OFFSET, message);
    this.offset = offset;
  }
}

/** A non-offset argument was invalid: a bug in the caller, thrown. */
export class SpoolArgumentError extends SpoolError {
  constructor(message: string) {
    super(SpoolErrorCode.BAD_ARGUMENT, message);
  }
}

/** Offsets would leave the range of exact integers. */
export class SpoolOffsetExhaustedError extends SpoolError {
  constructor(message: string) {
    super(SpoolErrorCode.OFFSET_EXHAUSTED, message);
  }
}

/** Another live process holds the directory lock. */
export class SpoolLockedError extends SpoolError {
  readonly pid: number;
  constructor(lockPath: string, pid: number) {
    super(SpoolErrorCode.LOCKED, `Spool lock ${lockPath} is held by live process ${pid}`);
    this.pid = pid;
  }
}

/** The spool was used after close(). */
export class SpoolClosedError extends SpoolError {
  constructor(operation: string) {
    super(SpoolErrorCode.CLOSED, `Spool ${operation}() called after close()`);
  }
}

/** A filesystem call failed; `cause` is the system error. */
export class SpoolIoError extends SpoolError {
  constructor(operation: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(SpoolErrorCode.IO, `Spool ${operation} failed: ${detail}`, { cause });
  }
}
