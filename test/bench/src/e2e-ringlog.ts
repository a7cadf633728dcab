/**
 * The ringlog row of `pnpm bench e2e`, once: writers (20 connections in 4 processes) →
 * ringlog-shipper process (unix input) → one ringlogd process → ringlog-collector process →
 * per-vhost files, every service with its defaults (but ringlogd's session queue, when
 * `daemonQueue` is given).
 *   flood  every writer writes its run of the lines at once; timed from the first write until the
 *          files hold every byte (polled sizes; the end is the newest file's mtime), then checked
 *          line by line (e2e-verify.ts). CPU seconds and peak RSS of each process from /proc.
 *   paced  into the same running stack, `pacedShare` × the flood's rate for `pacedSeconds`, each
 *          line stamped when written; a probe process follows the files (e2e-probe.ts) and gives
 *          the write-to-file latency of every 10th line per writer; then the same line check.
 */
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { startCollectorProcess, type CollectorProcess } from './collector-process.ts';
import { baseLinesPrefix, E2E_WRITERS, firstLine, pacedBaseIndex, PACED_BASE_LINES, type E2eLines } from './e2e-lines.ts';
import type { ProbeReport } from './e2e-probe.ts';
import { verifyFiles, type Verdict } from './e2e-verify.ts';
import type { FloodRequest, PacedRequest, WriterReport } from './e2e-writer.ts';
import { cpuSeconds, forkTs, freePort, peakRssKiB, REPO_ROOT, startDaemonProcess, stopChild } from './processes.ts';
import { askHelper } from './shipper-children.ts';
import { inWorkDir, pollUntil, sleep, Stoppers } from './shipper-common.ts';
import { logTail, startShipperProcess, type ShipperProcess } from './shipper-process.ts';

export const WRITER_PROCESSES = 4;
/** Every Nth line of each writer has its latency taken in the paced phase. */
export const SAMPLE_EVERY = 10;
const POLL_MS = 10;
const STATUS_POLL_MS = 100;
/** Output that has not grown for this long will not grow any more. */
const STALL_MS = 15_000;

export const PROCESS_NAMES = ['writers', 'shipper', 'ringlogd', 'collector'] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

export interface ProcessFigures {
  readonly processes: number;
  readonly cpuSeconds: number;
  /** Largest VmHWM among the processes (each writer process's own peak, not their sum). */
  readonly peakRssKiB: number;
}

export interface PacedRun {
  readonly targetLinesPerSec: number;
  readonly sentLines: number;
  readonly seconds: number;
  readonly samplesMicros: readonly number[];
  /** When each sampled line was written (CLOCK_MONOTONIC µs). */
  readonly sampleStampsMicros: readonly number[];
  readonly probeCpuSeconds: number;
  readonly linesFoundBySweep: number;
  readonly maxTickGapMs: number;
  readonly maxQueuedBytes: number;
  readonly cpu: Readonly<Record<ProcessName, number>>;
  readonly verdict: Verdict;
}

export interface RinglogRun {
  /** Whether the files came to hold every byte (false: they stopped growing short of it; see verdict for what was lost). */
  readonly complete: boolean;
  readonly writtenBytes: number;
  /** Times the collector lost its daemon session and reconnected (ringlogd kills a reader that falls too far behind). */
  readonly collectorReconnects: number;
  readonly seconds: number;
  readonly linesPerSec: number;
  readonly mbPerSec: number;
  /** From the first write until the shipper's input had read every line. */
  readonly shipperReadAllSeconds: number | null;
  readonly processes: Readonly<Record<ProcessName, ProcessFigures>>;
  readonly verdict: Verdict;
  readonly paced: PacedRun | null;
  readonly pacedError: string | null;
}

/** ringlogd's per-session outbound queue (daemon.session_queue_max_messages / _bytes); absent = its defaults (1,000 messages, 64 MiB). */
export interface DaemonQueue {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

export interface RinglogRunOptions {
  readonly daemonQueue?: DaemonQueue;
  readonly pacedSeconds: number;
  /** The paced phase's rate as a share of the flood's measured rate… */
  readonly pacedShare: number;
  /** …or this many lines/s when set. */
  readonly pacedRate?: number;
}

interface Stack {
  readonly daemon: ChildProcess;
  readonly collector: CollectorProcess;
  readonly shipper: ShipperProcess;
  readonly inputPath: string;
  readonly files: readonly { readonly vhost: string; readonly path: string }[];
}

interface WriterPool {
  readonly pids: readonly number[];
  go(): Promise<WriterReport[]>;
  stop(): Promise<void>;
}

async function startWriterPool(requests: readonly ({ flood: FloodRequest } | { paced: PacedRequest })[]): Promise<WriterPool> {
  const children = requests.map(() => forkTs(`${REPO_ROOT}test/bench/src/e2e-writer.ts`, []));
  const stop = async (): Promise<void> => void (await Promise.all(children.map((child) => stopChild(child))));
  try {
    const replies = await Promise.all(children.map((child, i) => askHelper<{ ready: boolean; error?: string }>(child, requests[i], 'a writer')));
    const failed = replies.find((reply) => !reply.ready);
    if (failed !== undefined) throw new Error(`a writer could not start: ${failed.error}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pids: children.map((child) => child.pid as number), go: () => Promise.all(children.map((child) => askHelper<WriterReport>(child, { go: true }, 'a writer'))), stop };
}

function daemonArgs(workDir: string, queue: DaemonQueue | undefined): string[] {
  if (queue === undefined) return [];
  const path = join(workDir, 'ringlogd.yaml');
  writeFileSync(path, `daemon:\n  session_queue_max_messages: ${queue.maxMessages}\n  session_queue_max_bytes: ${queue.maxBytes}\n`);
  return ['-c', path];
}

async function startStack(workDir: string, vhosts: readonly string[], queue: DaemonQueue | undefined, stoppers: Stoppers): Promise<Stack> {
  const daemonSocket = join(workDir, 'd.sock');
  const daemon = stoppers.add(await startDaemonProcess(await freePort(), daemonSocket, daemonArgs(workDir, queue)));
  const collector = stoppers.add(await startCollectorProcess({ daemon: `unix:${daemonSocket}`, workDir, group: 'www', maxOpenFiles: 1024, maxVhosts: 100_000 }));
  const inputPath = join(workDir, 'in.sock');
  const shipper = stoppers.add(await startShipperProcess({ workDir, daemon: `unix:${daemonSocket}`, inputPath }));
  await pollUntil(async () => (await shipper.status()).upstream.state === 'connected', 'the shipper to connect', 20_000, () => logTail(shipper));
  const files = vhosts.map((vhost) => ({ vhost, path: join(collector.outDir, vhost, 'access.log') }));
  return { daemon: daemon.child, collector, shipper, inputPath, files };
}

function fileSize(path: string): { size: number; mtimeMs: number } {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { size: 0, mtimeMs: 0 };
  }
}

/**
 * Polls the files' sizes until they hold `expectedBytes`, or have not grown for STALL_MS; the end
 * is the newest mtime (so the poll interval does not count), or the poll that saw it when mtimes
 * are outside the run.
 */
async function waitForBytes(stack: Stack, expectedBytes: number, onPoll: () => Promise<void>): Promise<{ complete: boolean; bytes: number; newestMtimeMs: number; polledEpochMs: number }> {
  let lastBytes = -1;
  let grewAt = performance.now();
  for (;;) {
    let bytes = 0;
    let newest = 0;
    for (const file of stack.files) {
      const { size, mtimeMs } = fileSize(file.path);
      bytes += size;
      newest = Math.max(newest, mtimeMs);
    }
    const complete = bytes >= expectedBytes;
    if (bytes !== lastBytes) [lastBytes, grewAt] = [bytes, performance.now()];
    if (complete || performance.now() - grewAt > STALL_MS) return { complete, bytes, newestMtimeMs: newest, polledEpochMs: performance.timeOrigin + performance.now() };
    await onPoll();
    await sleep(POLL_MS);
  }
}

/** A verdict that also fails on anything in the output root but the vhosts' directories (a catch-all file, say). */
function withUnexpectedEntries(stack: Stack, verdict: Verdict): Verdict {
  const known = new Set(stack.files.map((f) => f.vhost));
  const unexpected = readdirSync(stack.collector.outDir).filter((name) => !known.has(name));
  if (unexpected.length === 0) return verdict;
  return { ...verdict, ok: false, text: `FAILED: unexpected entries in the output: ${unexpected.slice(0, 3).join(', ')}; ${verdict.text}` };
}

function snapshot(pids: Readonly<Record<ProcessName, readonly number[]>>): Record<ProcessName, number> {
  const sum = (list: readonly number[]): number => list.reduce((total, pid) => total + cpuSeconds(pid), 0);
  return { writers: sum(pids.writers), shipper: sum(pids.shipper), ringlogd: sum(pids.ringlogd), collector: sum(pids.collector) };
}

function stackPids(stack: Stack, writers: WriterPool): Record<ProcessName, readonly number[]> {
  return { writers: writers.pids, shipper: [stack.shipper.pid], ringlogd: [stack.daemon.pid as number], collector: [stack.collector.child.pid as number] };
}

function floodRequests(lines: E2eLines, file: string, inputPath: string): { flood: FloodRequest }[] {
  return Array.from({ length: WRITER_PROCESSES }, (_, p) => ({ flood: { file, path: inputPath, shares: lines.shares.filter((_, i) => i % WRITER_PROCESSES === p) } }));
}

type FloodRun = Omit<RinglogRun, 'paced' | 'pacedError'>;

async function floodPhase(stack: Stack, lines: E2eLines, file: string, stoppers: Stoppers): Promise<FloodRun> {
  const writers = stoppers.add(await startWriterPool(floodRequests(lines, file, stack.inputPath)));
  const pids = stackPids(stack, writers);
  const before = snapshot(pids);
  const written = writers.go();
  const startedMs = performance.now();
  let readAll: number | null = null;
  let nextStatusMs = 0;
  const watchShipper = async (): Promise<void> => {
    if (readAll !== null || performance.now() < nextStatusMs) return;
    nextStatusMs = performance.now() + STATUS_POLL_MS;
    if (((await stack.shipper.status()).inputs[0]?.lines ?? 0) >= lines.lines) readAll = performance.now();
  };
  const end = await waitForBytes(stack, lines.expectedBytes, watchShipper);
  const after = snapshot(pids);
  const reports = await written;
  const failed = reports.find((r) => r.failed > 0);
  if (failed !== undefined) throw new Error(`writes failed: ${failed.firstError}`);
  const firstWriteEpochMs = Math.min(...reports.map((r) => r.firstWriteEpochMs));
  const endEpochMs = end.newestMtimeMs >= firstWriteEpochMs && end.newestMtimeMs <= end.polledEpochMs ? end.newestMtimeMs : end.polledEpochMs;
  const seconds = (endEpochMs - firstWriteEpochMs) / 1000;
  const collectorReconnects = (await stack.collector.status()).reconnects;
  const figures = (name: ProcessName): ProcessFigures => ({ processes: pids[name].length, cpuSeconds: after[name] - before[name], peakRssKiB: Math.max(...pids[name].map(peakRssKiB)) });
  const processes = { writers: figures('writers'), shipper: figures('shipper'), ringlogd: figures('ringlogd'), collector: figures('collector') };
  await writers.stop();
  const verdict = withUnexpectedEntries(stack, verifyFiles({
    files: stack.files.map((f) => ({ ...f, fromOffset: 0 })),
    sentPerWriter: lines.shares.map((share) => share.lines),
    base: lines.base,
    baseIndex: (writer, seq) => firstLine(writer, lines.lines) + seq,
    stamped: false,
  }));
  const shipperReadAllSeconds = readAll === null ? null : (readAll - startedMs) / 1000;
  return { complete: end.complete, writtenBytes: end.bytes, collectorReconnects, seconds, linesPerSec: lines.lines / seconds, mbPerSec: lines.bytes / seconds / 1e6, shipperReadAllSeconds, processes, verdict };
}

async function startProbe(files: readonly string[], stoppers: Stoppers): Promise<ChildProcess> {
  const probe = forkTs(`${REPO_ROOT}test/bench/src/e2e-probe.ts`, []);
  stoppers.add({ stop: () => stopChild(probe) });
  await askHelper(probe, { watch: { files, sampleEvery: SAMPLE_EVERY } }, 'the probe');
  return probe;
}

async function pacedPhase(stack: Stack, lines: E2eLines, rate: number, options: RinglogRunOptions, workDir: string, stoppers: Stoppers): Promise<PacedRun> {
  const offsets = stack.files.map((f) => fileSize(f.path).size);
  const baseFile = join(workDir, 'paced-base.txt');
  writeFileSync(baseFile, baseLinesPrefix(lines.base, PACED_BASE_LINES));
  const baseCount = Math.min(PACED_BASE_LINES, lines.base.count);
  const ratePerWriter = rate / E2E_WRITERS;
  const requests = Array.from({ length: WRITER_PROCESSES }, (_, p) => ({
    paced: { baseFile, path: stack.inputPath, writers: Array.from({ length: E2E_WRITERS }, (_, w) => w).filter((w) => w % WRITER_PROCESSES === p), ratePerWriter, seconds: options.pacedSeconds },
  }));
  const writers = stoppers.add(await startWriterPool(requests));
  const probe = await startProbe(stack.files.map((f) => f.path), stoppers);
  const pids = stackPids(stack, writers);
  const before = snapshot(pids);
  const probeCpuBefore = cpuSeconds(probe.pid as number);
  const reports = await writers.go();
  const sentPerWriter = Array.from({ length: E2E_WRITERS }, (_, w) => reports.reduce((n, r) => n + (r.sent[w] ?? 0), 0));
  const sentLines = sentPerWriter.reduce((a, b) => a + b, 0);
  let seen = 0;
  let grewAt = performance.now();
  await pollUntil(
    async () => {
      const now = (await askHelper<{ lines: number }>(probe, { status: true }, 'the probe')).lines;
      if (now !== seen) [seen, grewAt] = [now, performance.now()];
      if (performance.now() - grewAt > STALL_MS) throw new Error(`the probe saw ${seen} of ${sentLines} paced lines, then nothing for ${STALL_MS / 1000} s`);
      return now >= sentLines;
    },
    'the paced lines in the files',
    options.pacedSeconds * 1000 + 120_000,
    () => `${seen} of ${sentLines} lines`,
    50,
  );
  const after = snapshot(pids);
  const probeCpuSeconds = cpuSeconds(probe.pid as number) - probeCpuBefore;
  const report = await askHelper<ProbeReport>(probe, { stop: true }, 'the probe');
  await writers.stop();
  const verdict = verifyFiles({
    files: stack.files.map((f, i) => ({ ...f, fromOffset: offsets[i] as number })),
    sentPerWriter,
    base: lines.base,
    baseIndex: (writer, seq) => pacedBaseIndex(writer, seq, baseCount),
    stamped: true,
  });
  const cpu = { writers: after.writers - before.writers, shipper: after.shipper - before.shipper, ringlogd: after.ringlogd - before.ringlogd, collector: after.collector - before.collector };
  const maxOf = (f: (r: WriterReport) => number): number => Math.max(...reports.map(f));
  return {
    targetLinesPerSec: rate,
    sentLines,
    seconds: options.pacedSeconds,
    samplesMicros: report.samplesMicros,
    sampleStampsMicros: report.sampleStampsMicros,
    probeCpuSeconds,
    linesFoundBySweep: report.linesFoundBySweep,
    maxTickGapMs: maxOf((r) => r.maxTickGapMs),
    maxQueuedBytes: maxOf((r) => r.maxQueuedBytes),
    cpu,
    verdict,
  };
}

/** One ringlog run: the flood, then (if the flood passed its check) the paced phase. */
export async function ringlogRun(lines: E2eLines, file: string, options: RinglogRunOptions): Promise<RinglogRun> {
  return inWorkDir('e2e', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const stack = await startStack(workDir, [...lines.perVhost.keys()], options.daemonQueue, stoppers);
      const run = await floodPhase(stack, lines, file, stoppers);
      if (!run.verdict.ok) return { ...run, paced: null, pacedError: 'not run: the flood phase failed its check' };
      try {
        const paced = await pacedPhase(stack, lines, options.pacedRate ?? run.linesPerSec * options.pacedShare, options, workDir, stoppers);
        return { ...run, paced, pacedError: null };
      } catch (error) {
        return { ...run, paced: null, pacedError: error instanceof Error ? error.message : String(error) };
      }
    } finally {
      await stoppers.stopAll();
    }
  });
}
