/**
 * After the load and the chaos: poll both collectors' files until each holds every accepted
 * line, or nothing has changed for `stallTimeoutMs` (a line missing by then is not coming), or
 * `maxMs` have passed. The shippers resend from their spools and the ring re-forms meanwhile.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CollectorProgress } from './collector-progress.ts';

export interface SettleOptions {
  readonly stallTimeoutMs: number;
  readonly maxMs: number;
  readonly pollMs: number;
  /** How often a "still settling" line is printed. */
  readonly reportEveryMs: number;
  /** Aborts the wait (it then throws). */
  readonly signal?: AbortSignal | undefined;
}

export interface SettleResult {
  /** Every collector holds every accepted line. */
  readonly complete: boolean;
  readonly waitedMs: number;
  /** Accepted lines each collector still lacked at the end of the wait. */
  readonly missing: readonly number[];
}

export async function settle(collectors: readonly CollectorProgress[], acceptedIds: readonly string[], options: SettleOptions, write: (line: string) => void): Promise<SettleResult> {
  const startMs = performance.now();
  // Per collector, the accepted ids not yet seen: shrinks as lines arrive, so each poll is cheap.
  let missing = collectors.map(() => [...acceptedIds]);
  let lastSignature = '';
  let changedAtMs = startMs;
  let reportedAtMs = startMs;
  for (;;) {
    for (const collector of collectors) collector.scan();
    missing = missing.map((ids, index) => ids.filter((id) => !collectors[index]!.has(id)));
    const nowMs = performance.now();
    const signature = collectors.map((collector, index) => `${collector.lines}/${missing[index]!.length}`).join(' ');
    if (signature !== lastSignature) [lastSignature, changedAtMs] = [signature, nowMs];
    const counts = missing.map((ids) => ids.length);
    const complete = counts.every((count) => count === 0);
    if (complete || nowMs - changedAtMs > options.stallTimeoutMs || nowMs - startMs > options.maxMs) {
      return { complete, waitedMs: nowMs - startMs, missing: counts };
    }
    if (nowMs - reportedAtMs >= options.reportEveryMs) {
      reportedAtMs = nowMs;
      write(`settling: ${counts.map((count, index) => `collector${index + 1} lacks ${count}`).join(', ')} accepted lines; unchanged for ${((nowMs - changedAtMs) / 1000).toFixed(0)} s`);
    }
    await sleep(options.pollMs, undefined, { signal: options.signal });
  }
}
