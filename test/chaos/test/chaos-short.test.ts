/**
 * The chaos test, short, for CI: the same harness as `pnpm test:chaos`, in this process, with a
 * fixed seed and 30 s of load and chaos over all seven processes (about a minute in all on two
 * cores). The run happens once in beforeAll; each `it` checks one property of its report, so a
 * failure says which one broke. The whole summary is printed, with the replay command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosAction, chaosOptions, formatReport, runChaos, type ChaosReport } from '../src/index.ts';

/** Its first six kills: d2, collector2, collector1, shipperB, d1, d3 (every kind of outage a collector can have). */
const SEED = 20_261_128;
const DURATION_S = 30;
const RATE_LINES_PER_SEC = 1000;
/** Short: once the shippers resend from their spools the files fill within seconds. */
const SETTLE_STALL_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 150_000;


describe('chaos, short', () => {
  const abandon = new AbortController();
  let run: Promise<ChaosReport> | null = null;
  let report: ChaosReport;

  beforeAll(async () => {
    run = runChaos(
      chaosOptions({
        seed: SEED,
        durationS: DURATION_S,
        rateLinesPerSec: RATE_LINES_PER_SEC,
        settleStallTimeoutMs: SETTLE_STALL_TIMEOUT_MS,
        signal: abandon.signal,
      }),
    );
    report = await run;
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    // A run cut short by the hook timeout is still going: kill its processes and wait for it.
    abandon.abort();
    await run?.catch(() => undefined);
  }, 30_000);

  const summary = (): string => formatReport(report).join('\n');

  it('chaos - the schedule killed processes and every line got a fate', () => {
    expect(report.events.some((event) => event.action === ChaosAction.KILL), summary()).toBe(true);
    expect(report.load.acceptedLines + report.load.uncertainLines, summary()).toBe(report.load.sentLines);
  });

  it('chaos - no accepted line lost at either collector', () => {
    expect(report.collectors.map((verdict) => verdict.lost), summary()).toEqual([0, 0]);
  });

  it('chaos - no line written twice at either collector', () => {
    expect(report.collectors.map((verdict) => verdict.duplicated), summary()).toEqual([0, 0]);
  });

  it('chaos - no unknown line at either collector', () => {
    expect(report.collectors.map((verdict) => verdict.unknown), summary()).toEqual([0, 0]);
  });

  it('chaos - both collectors hold the same lines, in the same order per writer', () => {
    expect(report.comparison.sameLines, summary()).toBe(true);
    expect(report.comparison.samePerWriterOrder, summary()).toBe(true);
  });

  it('chaos - both collectors wrote byte-identical files (the one back from an outage followed the other)', () => {
    expect(report.byteIdenticalExpected).toBe(true);
    expect(report.comparison.byteIdentical, summary()).toBe(true);
  });
});
