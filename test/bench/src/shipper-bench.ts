/**
 * `pnpm bench shipper`: the ringlog-shipper sidecar, as its own process between local writers
 * and a ringlogd process.
 *   writers  (a) concurrent writer connections held, and RSS per connection (baseline: a bare
 *            Node unix server holding as many)
 *   lines    (b) lines/s of ~220-byte access lines from 20 writers through the shipper into
 *            ringlogd and a receiver (baseline: the same writers into a newline-counting sink;
 *            reference: one plain client session straight into ringlogd)
 *   spool    (c) daemon down for N lines, then back: time to drain and lines lost (baseline:
 *            the plain client session's rate into the same daemon and receiver)
 * Every measurement runs `runs` times, interleaved with its baseline; tables show medians.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable, round, type Row, writeJson } from './report.ts';
import { failureText, median } from './shipper-common.ts';
import { sequencedAccessLines, writeLinesFile, writerParts } from './shipper-lines.ts';
import { spoolRun, type SpoolRun } from './shipper-spool-bench.ts';
import { directRun, shipperRun, sinkRun, WRITER_CONNECTIONS, WRITER_PROCESSES, type LinesInput, type PathRun } from './shipper-throughput-bench.ts';
import { shipperHold, SHIPPER_FD_RESERVE, sinkHold, type HoldResult, type ShipperHoldResult } from './shipper-writers-bench.ts';

export const SHIPPER_BENCH_PARTS = ['writers', 'lines', 'spool'] as const;
export type ShipperBenchPart = (typeof SHIPPER_BENCH_PARTS)[number];

export interface ShipperBenchOptions {
  /** (a) writer connections to open. */
  readonly writers: number;
  /** (b) lines through the shipper per run. */
  readonly lines: number;
  /** (c) lines written while the daemon is down. */
  readonly spoolLines: number;
  readonly runs: number;
  /** (b) batch.max_bytes values to run (default 64 KiB and 128 KiB). */
  readonly batchBytes?: readonly number[];
  readonly parts?: readonly ShipperBenchPart[];
}

const TARGET_WRITERS = 50_000;
const TARGET_KIB_PER_WRITER = 10;
const TARGET_LINES_PER_SEC = 500_000;
const DEFAULT_BATCH_BYTES = 65_536;

const say = (text: string): void => void process.stdout.write(`${text}\n`);
const runsText = (values: readonly number[]): string => values.map((v) => Math.round(v).toLocaleString('en-US')).join(' / ');

/** Runs `body` `runs` times; a failed run is reported and left out. */
async function repeat<T>(runs: number, label: string, body: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < runs; run++) {
    try {
      results.push(await body(run));
    } catch (error) {
      say(`  ${label}, run ${run + 1}: ${failureText(error)}`);
    }
  }
  return results;
}

function holdRow(server: string, results: readonly HoldResult[]): Row {
  const pick = (f: (r: HoldResult) => number): number => median(results.map(f));
  return {
    server,
    requested: pick((r) => r.requested),
    held: pick((r) => r.held),
    refused: pick((r) => r.refused),
    open_secs: round(pick((r) => r.openSeconds)),
    idle_rss_mib: round(pick((r) => r.idleKiB) / 1024),
    held_rss_mib: round(pick((r) => r.heldKiB) / 1024),
    kib_per_writer: round(pick((r) => r.kibPerConnection), 2),
    kib_per_writer_runs: results.map((r) => round(r.kibPerConnection, 2)).join(' / '),
  };
}

async function writersPart(options: ShipperBenchOptions): Promise<unknown> {
  const pairs = await repeat(options.runs, 'writers', async () => {
    const shipper = await shipperHold(options.writers);
    const sink = await sinkHold(shipper.held);
    return { shipper, sink };
  });
  if (pairs.length === 0) return { failed: true };
  const shippers = pairs.map((p) => p.shipper);
  const first = shippers[0] as ShipperHoldResult;
  printTable(`shipper (a): writer connections held by one ringlog-shipper (unix input, one line each; median of ${pairs.length} runs)`, [
    holdRow('ringlog-shipper (one upstream session)', shippers),
    holdRow('bare Node unix server (baseline)', pairs.map((p) => p.sink)),
  ]);
  const ratios = pairs.map((p) => p.shipper.kibPerConnection / Math.max(0.001, p.sink.kibPerConnection));
  const held = median(shippers.map((s) => s.held));
  const kib = median(shippers.map((s) => s.kibPerConnection));
  say(`RSS per held writer is ${round(median(ratios), 2)}× the bare server's (per run: ${ratios.map((r) => round(r, 2)).join(' / ')}).`);
  say(`Upstream: ${shippers.map((s) => s.upstream).join(' | ')}. Lines: ${shippers.map((s) => s.verified).join(' | ')}.`);
  if (held < options.writers) {
    say(
      `The shipper held ${held} of ${options.writers}: its per-process open-file limit here is ${first.fileLimit}; it uses ${first.idleDescriptors} descriptors at idle, and ` +
        `the benchmark set the input's max_connections to ${first.maxConnections} (the limit less ${SHIPPER_FD_RESERVE} for its own files, admin HTTP and upstream). ` +
        'This OS limit, not the shipper, is what stops it.',
    );
  }
  const heldVerdict = held >= TARGET_WRITERS ? 'met' : held < options.writers ? 'NOT met (the OS open-file limit)' : `not measured (${options.writers} requested)`;
  say(`Target ≥ ${TARGET_WRITERS} writers: ${heldVerdict}; ≤ ${TARGET_KIB_PER_WRITER} KiB each: ${kib <= TARGET_KIB_PER_WRITER ? 'met' : 'NOT met'} (${round(kib, 2)} KiB).`);
  if (shippers.some((s) => !s.ok)) say('Some writers runs FAILED their checks: see the JSON.');
  return { requested: options.writers, runs: pairs, ratioToBaseline: round(median(ratios), 3) };
}

function pathRow(path: string, batchKiB: number | string, runs: readonly PathRun[], ratios: readonly number[] | null): Row {
  const pick = (f: (r: PathRun) => number): number => median(runs.map(f));
  return {
    path,
    batch_kib: batchKiB,
    lines_per_sec: Math.round(pick((r) => r.linesPerSec)),
    mb_per_sec: round(pick((r) => r.mbPerSec)),
    seconds: round(pick((r) => r.seconds), 2),
    cpu_pct: runs.every((r) => r.cpuPercent === 0) ? '-' : Math.round(pick((r) => r.cpuPercent)),
    cpu_us_per_line: runs.every((r) => r.cpuPercent === 0) ? '-' : round(pick((r) => r.cpuMicrosPerLine), 2),
    daemon_cpu_pct: runs.some((r) => r.daemonCpuPercent === null) ? '-' : Math.round(pick((r) => r.daemonCpuPercent ?? 0)),
    rss_peak_mib: runs.every((r) => r.rssPeakMiB === 0) ? '-' : Math.round(pick((r) => r.rssPeakMiB)),
    read_all_secs: runs.every((r) => r.ingest !== undefined) ? round(pick((r) => r.ingest?.seconds ?? 0), 2) : '-',
    sent_by_then_pct: runs.every((r) => r.ingest !== undefined) ? Math.round(pick((r) => r.ingest?.sentShare ?? 0) * 100) : '-',
    vs_sink: ratios === null ? '1.00' : round(median(ratios), 2),
    lines_per_sec_runs: runsText(runs.map((r) => r.linesPerSec)),
    verified: runs.every((r) => r.ok) ? (runs[0]?.verified ?? '') : (runs.find((r) => !r.ok)?.verified ?? ''),
  };
}

/** Generates the lines once, writes them where writer processes read them, and cuts the 20 shares. */
function prepareLines(count: number, dir: string): LinesInput {
  const lines = sequencedAccessLines(count);
  const file = writeLinesFile(lines, join(dir, `lines-${count}.txt`));
  return { lines, file, parts: writerParts(lines, WRITER_CONNECTIONS) };
}

async function linesPart(options: ShipperBenchOptions, dir: string): Promise<unknown> {
  const input = prepareLines(options.lines, dir);
  const batchSizes = options.batchBytes ?? [DEFAULT_BATCH_BYTES, 2 * DEFAULT_BATCH_BYTES];
  const rounds = await repeat(options.runs, 'lines', async () => {
    const sink = await sinkRun(input);
    const shippers: PathRun[] = [];
    for (const batchBytes of batchSizes) shippers.push(await shipperRun(input, batchBytes));
    const direct = await directRun(input, DEFAULT_BATCH_BYTES);
    return { sink, shippers, direct };
  });
  if (rounds.length === 0) return { failed: true };
  const rows: Row[] = [pathRow('writers → bare newline-counting sink (baseline)', '-', rounds.map((r) => r.sink), null)];
  batchSizes.forEach((batchBytes, i) => {
    const runs = rounds.map((r) => r.shippers[i] as PathRun);
    rows.push(pathRow('writers → ringlog-shipper → ringlogd → receiver', batchBytes / 1024, runs, rounds.map((r) => (r.shippers[i] as PathRun).linesPerSec / r.sink.linesPerSec)));
  });
  rows.push(pathRow('one client session → ringlogd → receiver (no shipper; reference)', DEFAULT_BATCH_BYTES / 1024, rounds.map((r) => r.direct), rounds.map((r) => r.direct.linesPerSec / r.sink.linesPerSec)));
  const averageBytes = round(input.lines.bytes / input.lines.lines);
  printTable(
    `shipper (b): ${options.lines} access lines (${averageBytes} B average) from ${WRITER_CONNECTIONS} writer connections in ${WRITER_PROCESSES} processes; median of ${rounds.length} runs; cpu = the shipper's (or sink's) user+system CPU`,
    rows,
  );
  for (const row of rows.slice(1, 1 + batchSizes.length)) {
    const rate = Number(row['lines_per_sec']);
    say(`Target ≥ ${TARGET_LINES_PER_SEC} lines/s at batch ${row['batch_kib']} KiB: ${rate >= TARGET_LINES_PER_SEC ? 'met' : 'NOT met'} (${rate}).`);
  }
  return { lines: options.lines, averageLineBytes: averageBytes, rounds, rows };
}

function spoolRow(path: string, runs: readonly SpoolRun[], ratios: readonly number[]): Row {
  const pick = (f: (r: SpoolRun) => number): number => median(runs.map(f));
  return {
    path,
    lines: pick((r) => r.spooledLines),
    spooled_mib: round(pick((r) => r.spooledBytes) / 1048576),
    ingest_lines_per_sec: Math.round(pick((r) => r.spooledLines / r.ingestSeconds)),
    ingest_cpu_us_per_line: round(pick((r) => r.ingestCpuMicrosPerLine), 2),
    reconnect_secs: round(pick((r) => r.reconnectSeconds), 2),
    drain_secs: round(pick((r) => r.drainSeconds), 2),
    drain_lines_per_sec: Math.round(pick((r) => r.drainLinesPerSec)),
    drain_cpu_us_per_line: round(pick((r) => r.drainCpuMicrosPerLine), 2),
    vs_direct: round(median(ratios), 2),
    lost: Math.max(...runs.map((r) => r.lost)),
    repeated: Math.max(...runs.map((r) => r.repeated)),
    drain_runs: runsText(runs.map((r) => r.drainLinesPerSec)),
    verified: runs.every((r) => r.ok) ? (runs[0]?.verified ?? '') : (runs.find((r) => !r.ok)?.verified ?? ''),
  };
}

async function spoolPart(options: ShipperBenchOptions, dir: string): Promise<unknown> {
  const input = prepareLines(options.spoolLines, dir);
  const rounds = await repeat(options.runs, 'spool', async () => {
    const spool = await spoolRun(input, DEFAULT_BATCH_BYTES);
    const direct = await directRun(input, DEFAULT_BATCH_BYTES);
    return { spool, direct };
  });
  if (rounds.length === 0) return { failed: true };
  const directRates = rounds.map((r) => r.direct.linesPerSec);
  printTable(`shipper (c): daemon down for ${options.spoolLines} lines, then back (median of ${rounds.length} runs; batch 64 KiB)`, [
    spoolRow('ringlog-shipper spool → ringlogd → receiver', rounds.map((r) => r.spool), rounds.map((r) => r.spool.drainLinesPerSec / r.direct.linesPerSec)),
  ]);
  say(`Baseline, same runs: one client session sending the same lines straight to ringlogd → receiver: ${Math.round(median(directRates))} lines/s (${runsText(directRates)}).`);
  const lost = Math.max(...rounds.map((r) => r.spool.lost));
  say(`Lines lost: ${lost} (must be 0): ${lost === 0 && rounds.every((r) => r.spool.ok) ? 'met' : 'NOT met'}.`);
  return { lines: options.spoolLines, rounds };
}

/** The machine is shared: its load average says how much of the 2 cores other work took. */
function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function checkOptions(options: ShipperBenchOptions): void {
  for (const key of ['writers', 'lines', 'spoolLines', 'runs'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) throw new RangeError(`shipper benchmark: ${key} must be a positive integer (got ${options[key]})`);
  }
  for (const part of options.parts ?? []) {
    if (!SHIPPER_BENCH_PARTS.includes(part)) throw new RangeError(`shipper benchmark: unknown part ${JSON.stringify(part)} (use ${SHIPPER_BENCH_PARTS.join(', ')})`);
  }
  for (const bytes of options.batchBytes ?? []) {
    if (!Number.isSafeInteger(bytes) || bytes < 1024 || bytes > 131_072) throw new RangeError(`shipper benchmark: batch bytes must be 1024..131072 (got ${bytes})`);
  }
}

export async function shipperBench(options: ShipperBenchOptions): Promise<void> {
  checkOptions(options);
  const parts = new Set(options.parts ?? SHIPPER_BENCH_PARTS);
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-bench-shipper-input-'));
  const results: Record<string, unknown> = { cores: cpus().length, loadAverageBefore: loadAverage() };
  say(`shipper benchmark: ${cpus().length} cores, load average ${loadAverage()} before it starts`);
  try {
    if (parts.has('writers')) results['writers'] = await writersPart(options);
    if (parts.has('lines')) results['lines'] = await linesPart(options, dir);
    if (parts.has('spool')) results['spool'] = await spoolPart(options, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results['loadAverageAfter'] = loadAverage();
  say(`Load average after: ${results['loadAverageAfter']}.`);
  say(`JSON: ${writeJson('shipper', { options, ...results })}`);
}
