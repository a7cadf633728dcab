/**
 * The helper's standard error, which Apache copies into its error log: each kind of warning is
 * printed at most once per interval, so a shipper that stays away for a day costs a line a
 * minute, not a line per reconnect or per dropped line.
 */
import type { Writable } from 'node:stream';

export const WARNING_INTERVAL_MS = 60_000;

export class PipeWarnings {
  readonly #stderr: Writable;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #lastMs = new Map<string, number>();

  constructor(stderr: Writable, intervalMs = WARNING_INTERVAL_MS, now: () => number = Date.now) {
    this.#stderr = stderr;
    // Apache may close our stderr first; an EPIPE there must not kill the lines we hold.
    stderr.on('error', () => {});
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Prints `message` unless a warning of the same key was printed less than an interval ago. */
  warn(key: string, message: string | (() => string)): boolean {
    const now = this.#now();
    const last = this.#lastMs.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#lastMs.set(key, now);
    this.say(typeof message === 'string' ? message : message());
    return true;
  }

  /** Prints unconditionally (start and exit summaries). */
  say(message: string): void {
    this.#stderr.write(`ringlog pipe: ${message}\n`);
  }
}
