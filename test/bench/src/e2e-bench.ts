/**
 * `pnpm bench e2e`: access lines from 20 local writers all the way to per-vhost files.
 *   ringlog        writers → ringlog-shipper (unix socket input) → one ringlogd → ringlog-collector
 *                  → <vhost>/access.log, each service its own process with its defaults
 *                  (e2e-ringlog.ts): lines/s and MB/s from the first line written to the last on
 *                  disk, CPU seconds and peak RSS per process, every line checked; then a paced
 *                  phase at half that rate for the write-to-file latency (p50/p99).
 *   ringlog-queue  the same with ringlogd's per-session queue raised to hold the whole burst
 *                  (daemon.session_queue_max_bytes 1 GiB): with the defaults (64 MiB), ringlogd
 *                  kills the collector's session when the shipper sends faster than the collector
 *                  writes, as Spread does with a slow reader, and the lines queued for it are lost.
 *   rsyslog / syslog-ng  the same lines over TCP into their fastest honest per-vhost configuration
 *                  (syslog-comparators.ts; one process each, so one hop where ringlog has three).
 * Each run does every row once, in that order; tables show medians over --runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { e2eLines, E2E_VHOSTS, E2E_WRITERS, type E2eLines } from './e2e-lines.ts';
import { PROCESS_NAMES, ringlogRun, SAMPLE_EVERY, WRITER_PROCESSES, type DaemonQueue, type ProcessName, type RinglogRun } from './e2e-ringlog.ts';
import { printTable, round, type Row, writeJson } from './report.ts';
import { failureText, median } from './shipper-common.ts';
import { isSkipped, runRsyslog, runSyslogNg, type ComparatorOptions, type ComparatorResult, type Skipped } from './syslog-comparators.ts';

export const E2E_BENCH_SYSTEMS = ['ringlog', 'ringlog-queue', 'rsyslog', 'syslog-ng'] as const;
export type E2eBenchSystem = (typeof E2E_BENCH_SYSTEMS)[number];
type RinglogVariant = Extract<E2eBenchSystem, 'ringlog' | 'ringlog-queue'>;
type ComparatorSystem = Extract<E2eBenchSystem, 'rsyslog' | 'syslog-ng'>;

export interface E2eBenchOptions {
  readonly lines: number;
  readonly runs: number;
  /** Length of the paced (latency) phase. */
  readonly pacedSeconds: number;
  /** Lines/s of the paced phase; default half the flood's measured rate. */
  readonly pacedRate?: number;
  readonly systems?: readonly E2eBenchSystem[];
}

const TARGET_LINES_PER_SEC = 500_000;
const TARGET_P99_MS = 20;
/** The first second of the paced phase, reported apart: the stack is still settling after the flood (GC, the collector's last writes). */
const WARM_UP_MICROS = 1_000_000;
/** The paced phase runs at this share of the flood's measured rate. */
const PACED_SHARE = 0.5;
const INSTALL_HINT = 'not installed: run scripts/install-bench-tools.sh as root (rsyslog from apt, syslog-ng unpacked into /opt/ringlog-bench)';
/** ringlog-queue: room for a burst of the whole run (1 GiB and as many messages as that takes). */
const RAISED_QUEUE: DaemonQueue = { maxMessages: 100_000, maxBytes: 1024 ** 3 };
const VARIANTS: Readonly<Record<RinglogVariant, { readonly label: string; readonly queue?: DaemonQueue }>> = {
  ringlog: { label: 'ringlog, defaults' },
  'ringlog-queue': { label: 'ringlog, ringlogd session queue 1 GiB', queue: RAISED_QUEUE },
};
const PROCESS_LABELS: Readonly<Record<ProcessName, string>> = {
  writers: `writers (${WRITER_PROCESSES} processes, ${E2E_WRITERS} connections; peak RSS of one)`,
  shipper: 'ringlog-shipper',
  ringlogd: 'ringlogd',
  collector: 'ringlog-collector',
};

const say = (text: string): void => void process.stdout.write(`${text}\n`);
const runsText = (values: readonly number[]): string => values.map((v) => Math.round(v).toLocaleString('en-US')).join(' / ');
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

type ComparatorRun = ComparatorResult | Skipped;

interface RunSet {
  readonly ringlog: Record<RinglogVariant, RinglogRun[]>;
  readonly comparators: Record<ComparatorSystem, ComparatorRun[]>;
  readonly failures: string[];
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

interface Latency {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly samples: number;
  /** p50 and p99 of the lines written after the first WARM_UP_MICROS (the stack settling after the flood). */
  readonly steadyP50: number;
  readonly steadyP99: number;
}

function latencyMs(run: RinglogRun): Latency | null {
  if (run.paced === null) return null;
  const { samplesMicros, sampleStampsMicros } = run.paced;
  const sorted = Float64Array.from(samplesMicros).sort();
  const at = (values: Float64Array, q: number): number => round(quantile(values, q) / 1000, 2);
  const warmEnd = Math.min(...sampleStampsMicros) + WARM_UP_MICROS;
  const steady = Float64Array.from(samplesMicros.filter((_, i) => (sampleStampsMicros[i] as number) >= warmEnd)).sort();
  return { p50: at(sorted, 0.5), p90: at(sorted, 0.9), p99: at(sorted, 0.99), p999: at(sorted, 0.999), max: at(sorted, 1), samples: sorted.length, steadyP50: at(steady, 0.5), steadyP99: at(steady, 0.99) };
}

/** Lines lost in a run, flood and paced phases. */
const lostIn = (run: RinglogRun): number => run.verdict.missing + (run.paced?.verdict.missing ?? 0);

function ringlogRow(variant: RinglogVariant, lines: E2eLines, runs: readonly RinglogRun[]): Row {
  const whole = runs.filter((r) => r.complete);
  const pick = (f: (r: RinglogRun) => number): number | string => (whole.length === 0 ? '-' : median(whole.map(f)));
  const rate = pick((r) => r.linesPerSec);
  const failed = runs.find((r) => !r.verdict.ok);
  const reconnects = Math.max(...runs.map((r) => r.collectorReconnects));
  return {
    system: VARIANTS[variant].label,
    path: `${E2E_WRITERS} writers → ringlog-shipper (unix) → ringlogd → ringlog-collector → files`,
    lines_per_sec: typeof rate === 'number' ? Math.round(rate) : 'FAILED',
    mb_per_sec: whole.length === 0 ? '-' : round(median(whole.map((r) => r.mbPerSec))),
    seconds: whole.length === 0 ? '-' : round(median(whole.map((r) => r.seconds)), 2),
    shipper_read_all_secs: whole.every((r) => r.shipperReadAllSeconds !== null) && whole.length > 0 ? round(median(whole.map((r) => r.shipperReadAllSeconds ?? 0)), 2) : '-',
    lost: Math.max(...runs.map((r) => r.verdict.missing)),
    lines_per_sec_runs: runs.map((r) => (r.complete ? Math.round(r.linesPerSec).toLocaleString('en-US') : 'incomplete')).join(' / '),
    verified: failed === undefined ? (runs[0]?.verdict.text ?? '') : `${failed.verdict.text}${reconnects > 0 ? `; the collector's session was killed by ringlogd and reconnected (${reconnects}×)` : ''}`,
  };
}

function comparatorRow(system: ComparatorSystem, lines: E2eLines, runs: readonly ComparatorRun[]): Row {
  const skipped = runs.find(isSkipped);
  if (skipped !== undefined) return { system, path: `${skipped.skipped} — ${INSTALL_HINT}`, lines_per_sec: 'skipped', mb_per_sec: '-', seconds: '-', shipper_read_all_secs: '-', lost: '-', lines_per_sec_runs: '-', verified: '-' };
  const results = runs as readonly ComparatorResult[];
  const first = results[0] as ComparatorResult;
  const pick = (f: (r: ComparatorResult) => number): number => median(results.map(f));
  const dishonest = results.find((r) => r.problems.length > 0);
  return {
    system: first.name,
    path: `${first.connections} TCP connection${first.connections === 1 ? '' : 's'} → ${system} (${first.variant}) → files; one process, no relay hop`,
    lines_per_sec: Math.round(pick((r) => r.linesPerSecond)),
    mb_per_sec: round(pick((r) => lines.bytes / r.seconds / 1e6)),
    seconds: round(pick((r) => r.seconds), 2),
    shipper_read_all_secs: '-',
    lost: Math.max(...results.map((r) => lines.lines - r.lineCountVerified)),
    lines_per_sec_runs: runsText(results.map((r) => r.linesPerSecond)),
    verified: dishonest === undefined ? `${first.lineCountVerified} lines in ${first.filesWritten} files, in order per connection` : `FAILED: ${dishonest.problems.slice(0, 3).join('; ')}`,
  };
}

function processRows(lines: E2eLines, set: RunSet): Row[] {
  const rows: Row[] = [];
  for (const variant of Object.keys(VARIANTS) as RinglogVariant[]) {
    const runs = set.ringlog[variant].filter((r) => r.complete);
    for (const name of runs.length === 0 ? [] : PROCESS_NAMES) {
      const cpu = median(runs.map((r) => r.processes[name].cpuSeconds));
      rows.push({
        system: VARIANTS[variant].label,
        process: PROCESS_LABELS[name],
        cpu_secs: round(cpu, 2),
        cpu_pct_of_one_core: Math.round(median(runs.map((r) => (r.processes[name].cpuSeconds / r.seconds) * 100))),
        cpu_us_per_line: round((cpu / lines.lines) * 1e6, 2),
        peak_rss_mib: Math.round(median(runs.map((r) => r.processes[name].peakRssKiB)) / 1024),
      });
    }
  }
  for (const system of ['rsyslog', 'syslog-ng'] as const) {
    const measured = set.comparators[system].filter((r): r is ComparatorResult => !isSkipped(r) && r.daemonCpuSeconds !== null);
    if (measured.length === 0) continue;
    const cpu = median(measured.map((r) => r.daemonCpuSeconds ?? 0));
    rows.push({
      system: (measured[0] as ComparatorResult).name,
      process: `${system === 'rsyslog' ? 'rsyslogd' : 'syslog-ng'} (the whole path; its sender is the benchmark's own process)`,
      cpu_secs: round(cpu, 2),
      cpu_pct_of_one_core: Math.round(median(measured.map((r) => ((r.daemonCpuSeconds ?? 0) / r.seconds) * 100))),
      cpu_us_per_line: round((cpu / lines.lines) * 1e6, 2),
      peak_rss_mib: Math.round(median(measured.map((r) => r.daemonPeakRssKiB ?? 0)) / 1024),
    });
  }
  return rows;
}

function latencyRow(variant: RinglogVariant, run: RinglogRun, index: number): Row {
  const latency = latencyMs(run);
  const head = { system: VARIANTS[variant].label, run: index + 1 };
  if (run.paced === null || latency === null) {
    const none = { target_lines_per_sec: '-', sent_lines: '-', samples: '-', p50_ms: '-', p90_ms: '-', p99_ms: '-', p999_ms: '-', max_ms: '-', after_1s_p50_ms: '-', after_1s_p99_ms: '-', probe_cpu_pct: '-', found_by_sweep: '-', writer_tick_gap_max_ms: '-' };
    return { ...head, ...none, verified: run.pacedError ?? 'not run' };
  }
  const { paced } = run;
  return {
    ...head,
    target_lines_per_sec: Math.round(paced.targetLinesPerSec),
    sent_lines: paced.sentLines,
    samples: latency.samples,
    p50_ms: latency.p50,
    p90_ms: latency.p90,
    p99_ms: latency.p99,
    p999_ms: latency.p999,
    max_ms: latency.max,
    after_1s_p50_ms: latency.steadyP50,
    after_1s_p99_ms: latency.steadyP99,
    probe_cpu_pct: round((paced.probeCpuSeconds / paced.seconds) * 100),
    found_by_sweep: paced.linesFoundBySweep,
    writer_tick_gap_max_ms: round(paced.maxTickGapMs, 1),
    verified: paced.verdict.text,
  };
}

async function runRinglog(variant: RinglogVariant, lines: E2eLines, file: string, options: E2eBenchOptions, set: RunSet, run: number): Promise<void> {
  const { queue, label } = VARIANTS[variant];
  try {
    const result = await ringlogRun(lines, file, {
      ...(queue === undefined ? {} : { daemonQueue: queue }),
      pacedSeconds: options.pacedSeconds,
      pacedShare: PACED_SHARE,
      ...(options.pacedRate === undefined ? {} : { pacedRate: options.pacedRate }),
    });
    set.ringlog[variant].push(result);
    const rate = result.complete ? `${Math.round(result.linesPerSec).toLocaleString('en-US')} lines/s` : `stopped at ${result.writtenBytes} of ${lines.expectedBytes} bytes`;
    say(`  run ${run}: ${label}: ${rate} (${result.verdict.text}); paced: ${result.paced === null ? result.pacedError : `p99 ${latencyMs(result)?.p99} ms`}`);
  } catch (error) {
    set.failures.push(`${label}, run ${run}: ${failureText(error)}`);
    say(`  run ${run}: ${label}: ${failureText(error)}`);
  }
}

async function runComparator(system: ComparatorSystem, lines: E2eLines, set: RunSet, run: number): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'ringlog-bench-e2e-syslog-'));
  try {
    const options: ComparatorOptions = { lines: lines.buffer, lineCount: lines.lines, expectedBytes: lines.expectedBytes, vhosts: E2E_VHOSTS, perVhost: lines.perVhost, workDir };
    const result = await (system === 'rsyslog' ? runRsyslog : runSyslogNg)(options);
    set.comparators[system].push(result);
    say(`  run ${run}: ${system}: ${isSkipped(result) ? result.skipped : `${result.linesPerSecond.toLocaleString('en-US')} lines/s${result.problems.length > 0 ? ` (${result.problems[0]})` : ''}`}`);
  } catch (error) {
    set.failures.push(`${system}, run ${run}: ${failureText(error)}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function verdicts(set: RunSet, options: E2eBenchOptions): void {
  for (const variant of Object.keys(VARIANTS) as RinglogVariant[]) {
    const runs = set.ringlog[variant];
    if (runs.length === 0) continue;
    const { label } = VARIANTS[variant];
    const whole = runs.filter((r) => r.complete).map((r) => r.linesPerSec);
    const rate = whole.length === runs.length ? median(whole) : 0;
    say(`${label}: target ≥ ${TARGET_LINES_PER_SEC.toLocaleString('en-US')} lines/s end to end with one daemon: ${rate >= TARGET_LINES_PER_SEC ? 'met' : 'NOT met'} (${rate === 0 ? `${runs.length - whole.length} of ${runs.length} runs never completed` : `median ${Math.round(rate).toLocaleString('en-US')}`}).`);
    const lost = runs.reduce((n, r) => n + lostIn(r), 0);
    const failed = runs.filter((r) => !r.verdict.ok || (r.paced !== null && !r.paced.verdict.ok)).length;
    say(`${label}: target zero lines lost: ${lost === 0 && failed === 0 ? 'met' : 'NOT met'} (${lost.toLocaleString('en-US')} lost over ${runs.length} runs, flood and paced phases; ${failed} runs failed a check).`);
    const latencies = runs.map(latencyMs).filter((l) => l !== null);
    if (latencies.length === 0) continue;
    const p99s = latencies.map((l) => l.p99);
    const p99 = median(p99s);
    const steady = latencies.map((l) => l.steadyP99);
    const load = options.pacedRate === undefined ? 'at half load' : `at ${options.pacedRate} lines/s (--paced-rate), not half load`;
    say(`${label}: target p99 ≤ ${TARGET_P99_MS} ms ${load}: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (median p99 ${p99} ms; per run ${p99s.join(' / ')}; leaving out the first second after the flood: ${steady.join(' / ')}).`);
  }
  for (const failure of set.failures) say(`FAILED ${failure}`);
}

function checkOptions(options: E2eBenchOptions): void {
  for (const key of ['lines', 'runs', 'pacedSeconds'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) throw new RangeError(`e2e benchmark: ${key} must be a positive integer (got ${options[key]})`);
  }
  if (options.lines < E2E_WRITERS * E2E_VHOSTS) throw new RangeError(`e2e benchmark: lines must be at least ${E2E_WRITERS * E2E_VHOSTS}`);
  if (options.pacedRate !== undefined && !(options.pacedRate >= E2E_WRITERS)) throw new RangeError(`e2e benchmark: paced rate must be at least ${E2E_WRITERS} lines/s (got ${options.pacedRate})`);
  for (const system of options.systems ?? []) {
    if (!E2E_BENCH_SYSTEMS.includes(system)) throw new RangeError(`e2e benchmark: unknown system ${JSON.stringify(system)} (use ${E2E_BENCH_SYSTEMS.join(', ')})`);
  }
}

function printTables(lines: E2eLines, set: RunSet, options: E2eBenchOptions): void {
  const rows: Row[] = [];
  for (const variant of Object.keys(VARIANTS) as RinglogVariant[]) if (set.ringlog[variant].length > 0) rows.push(ringlogRow(variant, lines, set.ringlog[variant]));
  for (const system of ['rsyslog', 'syslog-ng'] as const) if (set.comparators[system].length > 0) rows.push(comparatorRow(system, lines, set.comparators[system]));
  printTable(
    `e2e (a): ${lines.lines} access lines (${round(lines.bytes / lines.lines)} B average incl. the writer/sequence tag, ${E2E_VHOSTS} vhosts), first line written to last on disk; MB/s of line bytes written; median of ${options.runs} runs`,
    rows,
  );
  printTable('e2e (b): CPU (user+system over the timed part) and peak RSS (VmHWM) per process, flood phase; median of the complete runs', processRows(lines, set));
  const rate = options.pacedRate === undefined ? `${PACED_SHARE * 100}% of each run's measured rate` : `${options.pacedRate} lines/s (--paced-rate)`;
  const latency = (Object.keys(VARIANTS) as RinglogVariant[]).flatMap((variant) => set.ringlog[variant].map((run, i) => latencyRow(variant, run, i)));
  printTable(`e2e (c): write-to-file latency at ${rate}, ${options.pacedSeconds} s, into the same running stack; every ${SAMPLE_EVERY}th line per writer sampled`, latency);
}

/** What the JSON keeps of a ringlog run: everything but the raw latency samples (the percentiles stand for them). */
function runJson(run: RinglogRun): unknown {
  const { paced, ...rest } = run;
  if (paced === null) return rest;
  const { samplesMicros: _samples, sampleStampsMicros: _stamps, ...pacedRest } = paced;
  return { ...rest, paced: { ...pacedRest, latencyMs: latencyMs(run) } };
}

function writeResults(lines: E2eLines, set: RunSet, options: E2eBenchOptions, machine: Record<string, unknown>): void {
  const comparatorJson = (r: ComparatorRun): unknown => (isSkipped(r) ? r : { ...r, config: undefined });
  const path = writeJson('e2e', {
    options,
    machine,
    lines: { count: lines.lines, bytes: lines.bytes, expectedBytes: lines.expectedBytes, writers: E2E_WRITERS, vhosts: E2E_VHOSTS },
    ringlog: set.ringlog.ringlog.map(runJson),
    ringlogQueue: { daemonQueue: RAISED_QUEUE, runs: set.ringlog['ringlog-queue'].map(runJson) },
    rsyslog: set.comparators.rsyslog.map(comparatorJson),
    syslogNg: set.comparators['syslog-ng'].map(comparatorJson),
    failures: set.failures,
  });
  say(`JSON: ${path}`);
}

export async function e2eBench(options: E2eBenchOptions): Promise<void> {
  checkOptions(options);
  const systems = new Set(options.systems ?? E2E_BENCH_SYSTEMS);
  const machine: Record<string, unknown> = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30), loadAverageBefore: loadAverage() };
  say(`e2e benchmark: ${machine['cores']} × ${machine['cpu']}, ${machine['memoryGiB']} GiB, load average ${machine['loadAverageBefore']} before it starts`);
  const lines = e2eLines(options.lines);
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-bench-e2e-input-'));
  const file = join(dir, 'lines.txt');
  writeFileSync(file, lines.buffer);
  const set: RunSet = { ringlog: { ringlog: [], 'ringlog-queue': [] }, comparators: { rsyslog: [], 'syslog-ng': [] }, failures: [] };
  try {
    for (let run = 1; run <= options.runs; run++) {
      for (const variant of Object.keys(VARIANTS) as RinglogVariant[]) if (systems.has(variant)) await runRinglog(variant, lines, file, options, set, run);
      for (const system of ['rsyslog', 'syslog-ng'] as const) if (systems.has(system)) await runComparator(system, lines, set, run);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTables(lines, set, options);
  verdicts(set, options);
  machine['loadAverageAfter'] = loadAverage();
  say(`Load average after: ${machine['loadAverageAfter']}.`);
  writeResults(lines, set, options, machine);
}
