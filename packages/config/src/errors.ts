/**
 * Errors of the config package. Every one is an operating error: the operator gave a file or a
 * value that cannot be used, and the caller reports it and exits or keeps its old config.
 */
import type { ConfigProblem } from './problem.ts';
import { formatProblem } from './problem.ts';

export const ConfigErrorCode = {
  INVALID: 'RL_CONFIG_INVALID',
  READ_FAILED: 'RL_CONFIG_READ_FAILED',
  DAEMON_NOT_FOUND: 'RL_CONFIG_DAEMON_NOT_FOUND',
  BAD_LISTEN_ADDRESS: 'RL_CONFIG_BAD_LISTEN_ADDRESS',
  BAD_SEGMENT_KEY: 'RL_CONFIG_BAD_SEGMENT_KEY',
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const ConfigErrorDescription: Readonly<Record<ConfigErrorCode, string>> = {
  RL_CONFIG_INVALID:
    'The config file has problems (syntax, unknown keys, bad values); `.problems` lists every one with file, line and column.',
  RL_CONFIG_READ_FAILED: 'The config file could not be read (missing, unreadable, or larger than the size limit).',
  RL_CONFIG_DAEMON_NOT_FOUND:
    'spread.conf does not say which daemon this is: the given name is not in it, or none (or several) of its daemons has a local address. ' +
    'Or spreadlogd.conf names several daemons (one collector follows one) and no block was chosen, or the chosen block does not exist.',
  RL_CONFIG_BAD_LISTEN_ADDRESS: 'A listener is not "tcp:HOST:PORT", "tcp:[IPv6]:PORT" or "unix:/absolute/path".',
  RL_CONFIG_BAD_SEGMENT_KEY:
    'The segment key file (segment.key_file, or RinglogKeyFile in spread.conf) cannot be used: it is missing, unreadable, ' +
    'not a regular file, too big, empty, or holds fewer than 16 bytes once trailing white space is removed.',
};

/** Base class: every error thrown by this package is a `ConfigError`. */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One or more problems in a config; all of them are in `problems`, one per line in `message`. */
export class ConfigValidationError extends ConfigError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    const count = problems.length;
    const head = `Invalid configuration (${count} problem${count === 1 ? '' : 's'}):`;
    super(ConfigErrorCode.INVALID, [head, ...problems.map(formatProblem)].join('\n'), options);
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }
}

/** The config file could not be read. */
export class ConfigReadError extends ConfigError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(ConfigErrorCode.READ_FAILED, message, options);
    this.file = file;
  }
}

/**
 * spread.conf does not identify this daemon (like `spread -n NAME` with a NAME not in the file), or
 * spreadlogd.conf names several daemons and the collector was not told which one to follow.
 */
export class ConfigDaemonNotFoundError extends ConfigError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(ConfigErrorCode.DAEMON_NOT_FOUND, message, options);
    this.file = file;
  }
}

/** `parseListenAddress` was given text that is not a listener. */
export class ListenAddressError extends ConfigError {
  readonly text: string;
  constructor(text: string, message: string, options?: { cause?: unknown }) {
    super(ConfigErrorCode.BAD_LISTEN_ADDRESS, message, options);
    this.text = text;
  }
}

/** `loadSegmentKey` cannot use the segment key file. */
export class SegmentKeyError extends ConfigError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(ConfigErrorCode.BAD_SEGMENT_KEY, message, options);
    this.file = file;
  }
}
