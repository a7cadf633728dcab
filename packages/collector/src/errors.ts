/**
 * Errors of the collector's per-line options (line filters, timestamp rewriting, live-tail
 * filters). All are operating errors found when a pattern is compiled, before any line flows: the
 * operator gave a pattern that cannot be used, and the caller reports it and keeps its old
 * config, exits, or answers 400.
 */

export const CollectorErrorCode = {
  BAD_MATCH: 'RL_COLLECTOR_BAD_MATCH',
  BAD_TIMESTAMP_SPEC: 'RL_COLLECTOR_BAD_TIMESTAMP_SPEC',
  BAD_TAIL_FILTER: 'RL_COLLECTOR_BAD_TAIL_FILTER',
  BAD_JOURNAL: 'RL_COLLECTOR_BAD_JOURNAL',
} as const;
export type CollectorErrorCode = (typeof CollectorErrorCode)[keyof typeof CollectorErrorCode];

/** What each code means, for operators and for the test that every code is documented. */
export const CollectorErrorDescription: Readonly<Record<CollectorErrorCode, string>> = {
  RL_COLLECTOR_BAD_MATCH: 'A line filter is not a valid JavaScript regular expression; `.index` says which one of the list.',
  RL_COLLECTOR_BAD_TIMESTAMP_SPEC:
    'A timestamp rewrite pattern would write a newline, a control byte or a bracket into the line, which would break the line or its "[...]" field.',
  RL_COLLECTOR_BAD_TAIL_FILTER: 'The grep pattern of a live tail (`ringlog tail --grep`, `/tail?grep=`) is not a valid JavaScript regular expression.',
  RL_COLLECTOR_BAD_JOURNAL:
    'The write journal in collector.state_dir (written.json) is not what a collector writes: it was edited or damaged. The collector refuses to start rather than write lines twice; move the file away to start over (lines the collector had not acknowledged may then be written again).',
};

/** Base class: every error thrown by the collector package is a `CollectorError`. */
export class CollectorError extends Error {
  readonly code: CollectorErrorCode;
  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Line filter number `index` (0-based) of the list does not compile; `cause` is the SyntaxError. */
export class LineMatchError extends CollectorError {
  readonly index: number;
  readonly source: string;
  constructor(index: number, source: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(CollectorErrorCode.BAD_MATCH, `line filter #${index} ${JSON.stringify(source)} is not a valid regular expression: ${reason}`, { cause });
    this.index = index;
    this.source = source;
  }
}

/** A timestamp rewrite pattern that cannot be used; `reason` says why. */
export class TimestampSpecError extends CollectorError {
  readonly spec: string;
  constructor(spec: string, reason: string) {
    super(CollectorErrorCode.BAD_TIMESTAMP_SPEC, `timestamp rewrite ${JSON.stringify(spec)}: ${reason}`);
    this.spec = spec;
  }
}

/** A live tail's grep pattern does not compile; `cause` is the SyntaxError. */
export class TailFilterError extends CollectorError {
  readonly source: string;
  constructor(source: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(CollectorErrorCode.BAD_TAIL_FILTER, `grep pattern ${JSON.stringify(source)} is not a valid regular expression: ${reason}`, { cause });
    this.source = source;
  }
}

/** The write journal cannot be read: the collector does not start (see the code's description). */
export class JournalError extends CollectorError {
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(CollectorErrorCode.BAD_JOURNAL, `${path}: ${detail}`, options);
    this.path = path;
  }
}
