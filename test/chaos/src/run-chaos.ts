/**
 * One chaos run, start to verdict:
 *
 * 1. Start the topology (chaos-topology.ts): three daemons in one ring, two collectors, two
 *    shippers, each until healthy.
 * 2. For `durationS`: the writers POST paced batches to both shippers, while the monkey kills
 *    and restarts processes on the seeded schedule (unless `chaos` is off).
 * 3. Stop the load (every request in flight settles, so every line is accepted or uncertain),
 *    end the schedule, restart anything still down.
 * 4. Settle: poll until both collectors hold every accepted line or nothing changes any more.
 * 5. SIGTERM everything in order, then judge each collector's files against the ledger and the
 *    two collectors against each other.
 *
 * Processes are SIGKILLed in `finally` whatever happens, at once when `signal` aborts (the run
 * then throws), and on the harness's own exit. The run's
 * directory is removed when it passes, unless `keep`; kept (and named) otherwise.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit } from './chaos-service.ts';
import { ChaosAction, ChaosEventLog, formatEvent } from './chaos-events.ts';
import { ChaosMonkey, restartDown } from './chaos-monkey.ts';
import { expectsByteIdentical, replayCommand, type ChaosOptions } from './chaos-options.ts';
import { formatReport, passes, type ChaosReport } from './chaos-report.ts';
import { chaosSteps } from './chaos-schedule.ts';
import { ChaosTopology, type StopRecord } from './chaos-topology.ts';
import { CollectorProgress } from './collector-progress.ts';
import { compareCollectors } from './compare-collectors.ts';
import { LineFate } from './line-ledger.ts';
import { LoadGenerator } from './load-generator.ts';
import { parseTree } from './parsed-tree.ts';
import { settle, type SettleResult } from './settle.ts';
import { verifyCollector } from './verify-collector.ts';

const SETTLE_POLL_MS = 500;
const SETTLE_REPORT_EVERY_MS = 5000;
const LOAD_PROGRESS_EVERY_MS = 30_000;

/** Runs the test and returns its report; throws (keeping the directory) when the system cannot even start. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ringlog-chaos-'));
  const { write } = options;
  write(`ringlog chaos test: seed ${options.seed}, ${options.durationS} s at ${options.rateLinesPerSec} lines/s${options.chaos ? '' : ', no chaos'}; files in ${dir}`);
  let topology: ChaosTopology | null = null;
  const closeAll = (): void => topology?.closeAll();
  process.on('exit', closeAll);
  options.signal?.addEventListener('abort', closeAll);
  let report: ChaosReport | null = null;
  try {
    topology = await ChaosTopology.create(dir, { startTimeoutMs: options.startTimeoutMs, stopTimeoutMs: options.stopTimeoutMs });
    options.signal?.throwIfAborted();
    report = await runOnTopology(topology, options);
    return report;
  } catch (error) {
    const why = options.signal?.aborted === true ? 'was stopped' : 'failed';
    throw new Error(`The chaos run ${why} before its verdict; kept ${dir}. Replay: ${replayCommand(options)}`, { cause: error });
  } finally {
    topology?.closeAll();
    process.off('exit', closeAll);
    options.signal?.removeEventListener('abort', closeAll);
    if (report !== null && report.passed && !options.keep) await rm(dir, { recursive: true, force: true });
  }
}

async function runOnTopology(topology: ChaosTopology, options: ChaosOptions): Promise<ChaosReport> {
  const { write } = options;
  const log = new ChaosEventLog(write);
  for (const service of topology.services) service.onUnexpectedExit((exit) => log.record(ChaosAction.CRASH, service.name, describeExit(exit)));
  write('Starting d1, d2, d3 (until one ring), collector1 on d2, collector2 on d3, shipperA on d1, shipperB on d2');
  await topology.startAll();
  const load = new LoadGenerator({
    seed: options.seed,
    targets: [
      { letter: 'a', ingestUrl: topology.ingestUrls[0] },
      { letter: 'b', ingestUrl: topology.ingestUrls[1] },
    ],
    rateLinesPerSec: options.rateLinesPerSec,
    writersPerShipper: options.writersPerShipper,
    linesPerRequest: options.linesPerRequest,
    requestTimeoutMs: options.requestTimeoutMs,
    failurePauseMs: options.failurePauseMs,
  });
  write(`Load and chaos for ${options.durationS} s`);
  log.restartClock();
  await loadPhase(topology, load, log, options);
  const settled = await settlePhase(topology, load, options);
  write('Stopping: shippers, collectors, daemons (SIGTERM)');
  const stops = await topology.stopAll();
  return judge(topology, load, log, settled, stops, options);
}

async function loadPhase(topology: ChaosTopology, load: LoadGenerator, log: ChaosEventLog, options: ChaosOptions): Promise<void> {
  const monkey = options.chaos ? new ChaosMonkey(topology, chaosSteps(options.seed, options.victims), log) : null;
  load.start();
  monkey?.start();
  const progress = setInterval(() => {
    const totals = load.totals();
    options.write(`load: ${totals.requests} requests, ${totals.acceptedRequests} accepted`);
  }, LOAD_PROGRESS_EVERY_MS);
  try {
    await sleep(options.durationS * 1000, undefined, { signal: options.signal });
  } finally {
    clearInterval(progress);
    await Promise.all([load.stop(), monkey?.stop()]);
  }
  options.signal?.throwIfAborted();
  await restartDown(topology, log);
}

async function settlePhase(topology: ChaosTopology, load: LoadGenerator, options: ChaosOptions): Promise<SettleResult> {
  const accepted = load.ledger.idsWith(LineFate.ACCEPTED);
  options.write(`Load stopped: ${load.ledger.size} lines sent, ${accepted.length} accepted. Settling (until both collectors hold them all, or ${options.settleStallTimeoutMs / 1000} s without change)`);
  const progress = topology.outDirs.map((dir) => new CollectorProgress(dir));
  return settle(progress, accepted, { stallTimeoutMs: options.settleStallTimeoutMs, maxMs: options.settleMaxMs, pollMs: SETTLE_POLL_MS, reportEveryMs: SETTLE_REPORT_EVERY_MS, signal: options.signal }, options.write);
}

function judge(topology: ChaosTopology, load: LoadGenerator, log: ChaosEventLog, settled: SettleResult, stops: readonly StopRecord[], options: ChaosOptions): ChaosReport {
  const trees = [parseTree(topology.outDirs[0]), parseTree(topology.outDirs[1])] as const;
  const collectors = [verifyCollector(trees[0], load.ledger), verifyCollector(trees[1], load.ledger)] as const;
  const comparison = compareCollectors(trees[0], trees[1]);
  const byteIdenticalExpected = expectsByteIdentical(options);
  const passed = passes(collectors, comparison, byteIdenticalExpected);
  const report: ChaosReport = {
    seed: options.seed,
    durationS: options.durationS,
    rateLinesPerSec: options.rateLinesPerSec,
    chaos: options.chaos,
    dir: topology.dir,
    kept: !passed || options.keep,
    events: log.events,
    load: { ...load.totals(), sentLines: load.ledger.size, acceptedLines: load.ledger.count(LineFate.ACCEPTED), uncertainLines: load.ledger.count(LineFate.UNCERTAIN) },
    settle: settled,
    collectors,
    comparison,
    uncleanStops: stops.filter(({ outcome }) => outcome.killed || outcome.exit.code !== 0),
    byteIdenticalExpected,
    passed,
    replayCommand: replayCommand(options),
  };
  const summary = formatReport(report);
  for (const line of summary) options.write(line);
  if (report.kept) writeFileSync(path.join(topology.dir, 'report.txt'), [`t=0 is ${log.startedAt.toISOString()}`, ...log.events.map(formatEvent), ...summary, ''].join('\n'));
  return report;
}
