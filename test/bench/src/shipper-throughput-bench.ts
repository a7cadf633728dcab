/**
 * Shipper benchmark (b): lines/s from 20 writer connections (in child processes) through a
 * ringlog-shipper process (unix input → batches → spool → one upstream session) into a ringlogd
 * process, with one receiving client in another process that counts the lines and afterwards
 * checks every sequence number arrived once, each writer's in order. Timed from the first byte
 * written until the shipper's spool is empty and confirmed and the receiver has every line.
 *
 * Baseline, same run: the same writers into a bare Node server that only counts newlines (what
 * the socket path itself allows). Reference: the same lines in batches sent by one plain client
 * session straight to ringlogd and the receiver (what the daemon and receiver take without a
 * shipper in front).
 */
import { join } from 'node:path';
import { splitIntoBatches } from './access-lines.ts';
import { freePort, rssKiB, startDaemonProcess } from './processes.ts';
import { round } from './report.ts';
import { startReceiver, startSink, startWriters, type Receiver } from './shipper-children.ts';
import { inWorkDir, pollUntil, sleep, Stoppers } from './shipper-common.ts';
import type { SequencedLines, WriterPart } from './shipper-lines.ts';
import { cpuSeconds, logTail, startShipperProcess, type ShipperProcess } from './shipper-process.ts';
import type { ReceiverVerdict } from './shipper-receiver.ts';
import { floodBatches } from './split-sender.ts';

export const WRITER_CONNECTIONS = 20;
/** Processes the 20 writer connections are spread over. */
export const WRITER_PROCESSES = 4;
/** Bytes the reference sender may be ahead of the receiver (the daemon drops a member 1,000 messages behind). */
const DIRECT_WINDOW_BYTES = 16 * 1024 * 1024;

export interface LinesInput {
  readonly lines: SequencedLines;
  readonly file: string;
  readonly parts: readonly WriterPart[];
}

/** One timed run of one path. */
export interface PathRun {
  readonly seconds: number;
  readonly linesPerSec: number;
  readonly mbPerSec: number;
  /** CPU of the process under test (shipper, sink), as % of one core over the run. */
  readonly cpuPercent: number;
  /** The same CPU per line, in microseconds. */
  readonly cpuMicrosPerLine: number;
  readonly daemonCpuPercent: number | null;
  readonly rssPeakMiB: number;
  readonly verified: string;
  readonly ok: boolean;
  /** Shipper runs: first byte until the shipper had read every line, and the share of lines sent upstream by then. */
  readonly ingest?: { readonly seconds: number; readonly sentShare: number };
}

function timeoutMs(lines: number): number {
  return 60_000 + lines / 5;
}

export function verdictText(verdict: ReceiverVerdict, expected: number): { text: string; ok: boolean } {
  const ok = verdict.unique === expected && verdict.duplicates === 0 && verdict.outOfOrder === 0 && verdict.malformed === 0;
  if (ok) return { text: `${verdict.unique} lines, each once, in order per writer`, ok };
  return { text: `FAILED: ${verdict.missing} missing, ${verdict.duplicates} repeated, ${verdict.outOfOrder} out of order, ${verdict.malformed} malformed`, ok };
}

function pathRun(input: LinesInput, seconds: number, cpu: number, daemonCpu: number | null, rssPeakKiB: number, verdict: { text: string; ok: boolean }): PathRun {
  return {
    seconds,
    linesPerSec: input.lines.lines / seconds,
    mbPerSec: input.lines.bytes / seconds / 1e6,
    cpuPercent: (cpu / seconds) * 100,
    cpuMicrosPerLine: (cpu / input.lines.lines) * 1e6,
    daemonCpuPercent: daemonCpu === null ? null : (daemonCpu / seconds) * 100,
    rssPeakMiB: rssPeakKiB / 1024,
    verified: verdict.text,
    ok: verdict.ok,
  };
}

/** Follows one shipper run: when the input had every line (and how many were sent upstream by then), and when all were delivered. */
class DeliveryWatch {
  ingestSeconds: number | null = null;
  sentAtIngestEnd = 0;
  rssPeakKiB: number;

  constructor(
    readonly shipper: ShipperProcess,
    readonly receiver: Receiver,
    readonly lines: number,
    readonly startedMs: number,
  ) {
    this.rssPeakKiB = rssKiB(shipper.pid);
  }

  /** True once the shipper took every line, spooled it and has it confirmed, and the receiver has them all. */
  readonly delivered = async (): Promise<boolean> => {
    this.rssPeakKiB = Math.max(this.rssPeakKiB, rssKiB(this.shipper.pid));
    const status = await this.shipper.status();
    const input = status.inputs[0];
    if (input === undefined || input.lines < this.lines) return false;
    if (this.ingestSeconds === null) {
      this.ingestSeconds = (performance.now() - this.startedMs) / 1000;
      this.sentAtIngestEnd = status.upstream.sentLines;
    }
    if (status.queue.openBytes > 0 || status.spool.pendingBytes > 0) return false;
    return (await this.receiver.status()).lines >= this.lines;
  };
}

async function describeShipper(shipper: ShipperProcess, receiver: Receiver): Promise<string> {
  const status = await shipper.status();
  return `input lines ${status.inputs[0]?.lines}, spool pending ${status.spool.pendingBytes} B, upstream ${status.upstream.state}, receiver ${JSON.stringify(await receiver.status())}; log: ${logTail(shipper)}`;
}

/** Writers → shipper → ringlogd → receiver, once. */
export async function shipperRun(input: LinesInput, batchBytes: number): Promise<PathRun> {
  return inWorkDir('through', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const daemonSocket = join(workDir, 'd.sock');
      const daemon = stoppers.add(await startDaemonProcess(await freePort(), daemonSocket));
      const receiver = stoppers.add(await startReceiver(`unix:${daemonSocket}`, 'www'));
      const inputPath = join(workDir, 'in.sock');
      const shipper = stoppers.add(await startShipperProcess({ workDir, daemon: `unix:${daemonSocket}`, inputPath, batchMaxBytes: batchBytes }));
      await pollUntil(async () => (await shipper.status()).upstream.state === 'connected', 'the shipper to connect', 20_000, () => logTail(shipper));
      const writers = stoppers.add(await startWriters(input.file, inputPath, input.parts, WRITER_PROCESSES));
      const cpuBefore = cpuSeconds(shipper.pid);
      const daemonCpuBefore = cpuSeconds(daemon.child.pid as number);
      const startedMs = performance.now();
      const written = writers.go();
      const watch = new DeliveryWatch(shipper, receiver, input.lines.lines, startedMs);
      await pollUntil(watch.delivered, 'every line through the shipper', timeoutMs(input.lines.lines), () => describeShipper(shipper, receiver));
      const seconds = (performance.now() - startedMs) / 1000;
      const cpu = cpuSeconds(shipper.pid) - cpuBefore;
      const daemonCpu = cpuSeconds(daemon.child.pid as number) - daemonCpuBefore;
      const failedWrites = (await written).filter((done) => done.failed > 0);
      if (failedWrites.length > 0) throw new Error(`writes failed: ${failedWrites[0]?.firstError}`);
      const verdict = verdictText(await receiver.verify(input.lines.lines, input.parts.map((p) => p.firstSeq)), input.lines.lines);
      const ingest = { seconds: watch.ingestSeconds ?? seconds, sentShare: watch.sentAtIngestEnd / input.lines.lines };
      return { ...pathRun(input, seconds, cpu, daemonCpu, watch.rssPeakKiB, verdict), ingest };
    } finally {
      await stoppers.stopAll();
    }
  });
}

/** The baseline: the same writers into a bare server that counts newlines, once. */
export async function sinkRun(input: LinesInput): Promise<PathRun> {
  return inWorkDir('sink', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const path = join(workDir, 'sink.sock');
      const sink = stoppers.add(await startSink(path));
      const writers = stoppers.add(await startWriters(input.file, path, input.parts, WRITER_PROCESSES));
      const pid = sink.child.pid as number;
      let rssPeakKiB = rssKiB(pid);
      const cpuBefore = cpuSeconds(pid);
      const startedMs = performance.now();
      const written = writers.go();
      const check = async (): Promise<boolean> => {
        rssPeakKiB = Math.max(rssPeakKiB, rssKiB(pid));
        return (await sink.status()).lines >= input.lines.lines;
      };
      await pollUntil(check, 'every line in the sink', timeoutMs(input.lines.lines), async () => JSON.stringify(await sink.status()), 5);
      const seconds = (performance.now() - startedMs) / 1000;
      const cpu = cpuSeconds(pid) - cpuBefore;
      await written;
      const status = await sink.status();
      const ok = status.lines === input.lines.lines && status.bytes === input.lines.bytes;
      return pathRun(input, seconds, cpu, null, rssPeakKiB, { text: ok ? `${status.lines} lines, ${status.bytes} bytes` : `FAILED: ${status.lines} lines`, ok });
    } finally {
      await stoppers.stopAll();
    }
  });
}

/** The reference: one plain client session sends the lines in batches to ringlogd → receiver, once. */
export async function directRun(input: LinesInput, batchBytes: number): Promise<PathRun> {
  return inWorkDir('direct', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const daemonSocket = join(workDir, 'd.sock');
      const daemon = stoppers.add(await startDaemonProcess(await freePort(), daemonSocket));
      const receiver = stoppers.add(await startReceiver(`unix:${daemonSocket}`, 'www'));
      let receivedBytes = 0;
      const window = async (sentBytes: number): Promise<void> => {
        while (sentBytes - receivedBytes > DIRECT_WINDOW_BYTES) {
          receivedBytes = (await receiver.status()).bytes;
          if (sentBytes - receivedBytes > DIRECT_WINDOW_BYTES) await sleep(2);
        }
      };
      const daemonCpuBefore = cpuSeconds(daemon.child.pid as number);
      const { startedAtMs, session } = await floodBatches(`unix:${daemonSocket}`, 'www', splitIntoBatches(input.lines.buffer, batchBytes), window);
      stoppers.add({ stop: () => session.disconnect() });
      await pollUntil(async () => (await receiver.status()).lines >= input.lines.lines, 'every line at the receiver', timeoutMs(input.lines.lines), async () => JSON.stringify(await receiver.status()), 5);
      const seconds = (performance.now() - startedAtMs) / 1000;
      const daemonCpu = cpuSeconds(daemon.child.pid as number) - daemonCpuBefore;
      // One "writer": the batches are sent in sequence order.
      const verdict = verdictText(await receiver.verify(input.lines.lines, [0]), input.lines.lines);
      return pathRun(input, seconds, 0, daemonCpu, 0, verdict);
    } finally {
      await stoppers.stopAll();
    }
  });
}

export const roundRun = (run: PathRun): Record<string, number> => ({ lines_per_sec: Math.round(run.linesPerSec), mb_per_sec: round(run.mbPerSec), seconds: round(run.seconds, 2) });
