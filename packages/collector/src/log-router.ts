/**
 * One configured log: takes message bodies of its groups, cuts them into lines, applies
 * `match` and the timestamp rewrite, and hands each line to its output: one target, or the
 * target its vhost picks. Routing only queues bytes; the engine flushes them.
 *
 * Rules of this file: a line is appended whole, newline included, in one chunk, so no later
 * step can split or interleave it; lines of one body keep their order within each target.
 */
import type { OutputTarget } from '@ringlog/vhost-files';
import type { CatchAllReason, LogCounters } from './log-counters.ts';
import type { LineMatcher } from './line-matcher.ts';
import type { TimestampRewriter } from './timestamp-rewriter.ts';
import type { VhostTable } from './vhost-table.ts';

const NEWLINE = 0x0a;
const SPACE = 0x20;
const NEWLINE_BYTES = Buffer.from('\n');

export interface LogRouterOptions {
  readonly name: string;
  readonly groups: readonly string[];
  readonly counters: LogCounters;
  readonly matcher?: LineMatcher;
  /** Where lines matching none of `matcher` go; absent = dropped and counted. */
  readonly unmatched?: OutputTarget;
  readonly rewriter?: TimestampRewriter;
  /** Exactly one of `target` (one file or pipe) and `vhosts` (split). */
  readonly target?: OutputTarget;
  readonly vhosts?: VhostTable;
  /** Longest vhost token looked for before a line is declared to have none. */
  readonly vhostMaxLength: number;
}

export class LogRouter {
  readonly name: string;
  readonly groups: readonly string[];
  readonly counters: LogCounters;
  readonly #options: LogRouterOptions;

  constructor(options: LogRouterOptions) {
    if ((options.target === undefined) === (options.vhosts === undefined)) throw new Error('a log router needs exactly one of target and vhosts');
    this.name = options.name;
    this.groups = options.groups;
    this.counters = options.counters;
    this.#options = options;
  }

  /** Routes every line of `data`, a message body sent to `group`, at collector time `date`. */
  route(data: Buffer, group: string, date: Date): void {
    this.#options.vhosts?.startBatch(date);
    const simple = this.#options.matcher === undefined && this.#options.rewriter === undefined && this.#options.target !== undefined;
    if (simple) this.#routeRuns(data, this.#options.target as OutputTarget);
    else this.#routeLines(data, group);
  }

  /**
   * One file, no per-line work: consecutive non-empty lines are contiguous in the body, so
   * they go out as one chunk (a whole shipper batch is usually a single run).
   */
  #routeRuns(data: Buffer, target: OutputTarget): void {
    const counters = this.counters;
    let runStart = 0;
    let start = 0;
    while (start < data.length) {
      const newline = data.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.#appendRun(target, data, runStart, start);
        this.#appendUnterminated(target, data.subarray(start));
        counters.lines++;
        counters.bytes += data.length - start + 1;
        return;
      }
      if (newline === start) {
        this.#appendRun(target, data, runStart, start);
        counters.emptyLines++;
        runStart = newline + 1;
      } else {
        counters.lines++;
        counters.bytes += newline + 1 - start;
      }
      start = newline + 1;
    }
    this.#appendRun(target, data, runStart, data.length);
  }

  #appendRun(target: OutputTarget, data: Buffer, start: number, end: number): void {
    if (end > start) target.append(data.subarray(start, end));
  }

  #appendUnterminated(target: OutputTarget, line: Buffer): void {
    target.append(Buffer.concat([line, NEWLINE_BYTES]));
  }

  #routeLines(data: Buffer, group: string): void {
    let start = 0;
    while (start < data.length) {
      const newline = data.indexOf(NEWLINE, start);
      const end = newline === -1 ? data.length : newline;
      if (end === start) this.counters.emptyLines++;
      else this.#routeLine(data, start, end, newline !== -1, group);
      start = end + 1;
    }
  }

  /** `end` excludes the newline; `terminated` says whether data[end] is one. */
  #routeLine(data: Buffer, start: number, end: number, terminated: boolean, group: string): void {
    const { matcher, rewriter } = this.#options;
    if (matcher !== undefined && !matcher.test(data, start, end)) return this.#unmatched(data, start, end, terminated);
    let line = data;
    let lineStart = start;
    let lineEnd = end;
    if (rewriter !== undefined) {
      // The newline rides along, so the rewritten copy needs no second copy to terminate it.
      line = rewriter.rewrite(data, start, terminated ? end + 1 : end);
      lineStart = 0;
      lineEnd = terminated ? line.length - 1 : line.length;
    }
    this.counters.lines++;
    this.counters.bytes += lineEnd - lineStart + 1;
    const vhosts = this.#options.vhosts;
    if (vhosts === undefined) this.#append(this.#options.target as OutputTarget, line, lineStart, lineEnd, terminated);
    else this.#split(vhosts, line, lineStart, lineEnd, terminated, group);
  }

  #split(vhosts: VhostTable, line: Buffer, start: number, end: number, terminated: boolean, group: string): void {
    const limit = Math.min(end, start + this.#options.vhostMaxLength + 1);
    let space = start;
    while (space < limit && line[space] !== SPACE) space++;
    if (space === limit) {
      const reason: CatchAllReason = limit < end ? 'too_long' : 'no_separator';
      this.counters.catchAllLines[reason]++;
      return this.#append(vhosts.catchAll(group, reason).target, line, start, end, terminated);
    }
    const entry = vhosts.lookup(line.toString('latin1', start, space), group);
    if (entry.reason !== null) this.counters.catchAllLines[entry.reason]++;
    else this.counters.bucketLines[entry.bucket] = (this.counters.bucketLines[entry.bucket] ?? 0) + 1;
    this.#append(entry.target, line, entry.strip ? space + 1 : start, end, terminated);
  }

  #unmatched(data: Buffer, start: number, end: number, terminated: boolean): void {
    this.counters.unmatchedLines++;
    const target = this.#options.unmatched;
    if (target === undefined) this.counters.unmatchedDropped++;
    else this.#append(target, data, start, end, terminated);
  }

  #append(target: OutputTarget, line: Buffer, start: number, end: number, terminated: boolean): void {
    if (terminated) target.append(line.subarray(start, end + 1));
    else this.#appendUnterminated(target, line.subarray(start, end));
  }
}
