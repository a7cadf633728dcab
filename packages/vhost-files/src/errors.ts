/**
 * Errors of per-vhost output. Operating errors (a path that is unsafe, a file that cannot be
 * opened) are reported through events and counters by the cache; these classes carry the codes.
 */

export const VhostFilesErrorCode = {
  BAD_STRFTIME: 'RL_VHOST_FILES_BAD_STRFTIME',
  BAD_PATH_TEMPLATE: 'RL_VHOST_FILES_BAD_PATH_TEMPLATE',
  PIPE_SPAWN_FAILED: 'RL_VHOST_FILES_PIPE_SPAWN_FAILED',
  PIPE_WRITE_FAILED: 'RL_VHOST_FILES_PIPE_WRITE_FAILED',
  UNSAFE_PATH: 'RL_VHOST_FILES_UNSAFE_PATH',
  WRITE_FAILED: 'RL_VHOST_FILES_WRITE_FAILED',
  CACHE_CLOSED: 'RL_VHOST_FILES_CACHE_CLOSED',
} as const;
export type VhostFilesErrorCode = (typeof VhostFilesErrorCode)[keyof typeof VhostFilesErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const VhostFilesErrorDescription: Readonly<Record<VhostFilesErrorCode, string>> = {
  RL_VHOST_FILES_BAD_STRFTIME: 'A strftime pattern (file name template or timestamp rewrite) has a conversion ringlog does not know.',
  RL_VHOST_FILES_BAD_PATH_TEMPLATE:
    'An output path template (split path or catch_all) is malformed: an unknown or unclosed placeholder, a lone brace, an absolute path, an empty, "." or ".." segment, NUL or a backslash.',
  RL_VHOST_FILES_PIPE_SPAWN_FAILED:
    'The shell of a piped output could not be started (shell missing or not executable, no processes or descriptors left); it is retried with backoff.',
  RL_VHOST_FILES_PIPE_WRITE_FAILED:
    'Writing to a piped command failed (usually EPIPE: it exited or closed its input); the unwritten lines are queued again and the command restarted.',
  RL_VHOST_FILES_UNSAFE_PATH:
    'A path under the output root is a symlink, or not what belongs there (a file where a directory belongs, a FIFO or device where a log file belongs); nothing is written through it.',
  RL_VHOST_FILES_WRITE_FAILED: 'A write to an output file failed; the unwritten part stays queued and is retried after a backoff.',
  RL_VHOST_FILES_CACHE_CLOSED: 'A line was appended after the output file cache was closed.',
};

/** Base class: every error thrown by this package is a `VhostFilesError`. */
export class VhostFilesError extends Error {
  readonly code: VhostFilesErrorCode;
  constructor(code: VhostFilesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class StrftimeError extends VhostFilesError {
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(VhostFilesErrorCode.BAD_STRFTIME, `strftime pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.pattern = pattern;
  }
}

/** An output path template from the config is malformed; reported at load time, before any line is written. */
export class PathTemplateError extends VhostFilesError {
  readonly template: string;
  constructor(template: string, reason: string, options?: { cause?: unknown }) {
    super(VhostFilesErrorCode.BAD_PATH_TEMPLATE, `path template ${JSON.stringify(template)}: ${reason}`, options);
    this.template = template;
  }
}

/** Base of the pipe errors, so they stay `VhostFilesError`s. */
export class PipeError extends VhostFilesError {
  readonly command: string;
  constructor(code: typeof VhostFilesErrorCode.PIPE_SPAWN_FAILED | typeof VhostFilesErrorCode.PIPE_WRITE_FAILED, command: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.command = command;
  }
}

/** The shell could not be spawned; `cause` is the spawn error (ENOENT, EACCES, EAGAIN, EMFILE...). */
export class PipeSpawnError extends PipeError {
  constructor(command: string, cause: unknown) {
    super(VhostFilesErrorCode.PIPE_SPAWN_FAILED, command, `cannot start piped output ${JSON.stringify(command)}: ${describe(cause)}`, { cause });
  }
}

/** A write to the command's stdin failed; `cause` is the stream error (EPIPE...). */
export class PipeWriteError extends PipeError {
  constructor(command: string, cause: unknown) {
    super(VhostFilesErrorCode.PIPE_WRITE_FAILED, command, `cannot write to piped output ${JSON.stringify(command)}: ${describe(cause)}`, { cause });
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** Why a path is refused. */
export type UnsafePathReason = 'symlink' | 'not_directory' | 'not_regular_file';

/**
 * A path under the output root is not what ringlog created: a symlink (which could point outside
 * the root), a file where a directory belongs, or a FIFO/device where a log file belongs.
 */
export class UnsafePathError extends VhostFilesError {
  readonly path: string;
  readonly reason: UnsafePathReason;
  constructor(path: string, reason: UnsafePathReason, options?: { cause?: unknown }) {
    super(VhostFilesErrorCode.UNSAFE_PATH, `unsafe output path ${JSON.stringify(path)}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

/** A write failed; the first `writtenBytes` bytes of it reached the file (0 when unknown). */
export class FileWriteError extends VhostFilesError {
  readonly path: string;
  readonly writtenBytes: number;
  constructor(path: string, writtenBytes: number, options?: { cause?: unknown }) {
    const cause = options?.cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super(VhostFilesErrorCode.WRITE_FAILED, `write to ${JSON.stringify(path)} failed after ${writtenBytes} bytes${detail}`, options);
    this.path = path;
    this.writtenBytes = writtenBytes;
  }
}

/** `append()` was called on a target of a cache that is closing or closed. */
export class FileCacheClosedError extends VhostFilesError {
  readonly path: string;
  constructor(path: string) {
    super(VhostFilesErrorCode.CACHE_CLOSED, `output file cache is closed; cannot append to ${JSON.stringify(path)}`);
    this.path = path;
  }
}
