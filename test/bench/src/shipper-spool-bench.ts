/**
 * Shipper benchmark (c): the daemon is down while N lines are written to the shipper, which
 * must hold them all in its spool; then a ringlogd comes up with a receiver already joined
 * (bound at a staging socket path and renamed into place, so the shipper cannot reach the
 * daemon before the receiver is there), and the spool drains. Measured: the time to take the
 * lines with no daemon, the wait until the shipper reconnects (its backoff), the time to drain,
 * and lines lost or repeated, checked by each line's sequence number.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, rssKiB, startDaemonProcess } from './processes.ts';
import { startReceiver, startWriters, type Receiver, type Writers } from './shipper-children.ts';
import { inWorkDir, pollUntil, Stoppers } from './shipper-common.ts';
import { cpuSeconds, logTail, startShipperProcess, type ShipperProcess, type ShipperStatusDocument } from './shipper-process.ts';
import { verdictText, WRITER_PROCESSES, type LinesInput } from './shipper-throughput-bench.ts';

export interface SpoolRun {
  /** Writers' first byte until every line is in the spool, with no daemon. */
  readonly ingestSeconds: number;
  /** The shipper's CPU (user + system) per line while taking them. */
  readonly ingestCpuMicrosPerLine: number;
  readonly spooledLines: number;
  readonly spooledBytes: number;
  readonly spooledRecords: number;
  /** The daemon's socket in place until the shipper's session is up (its reconnect backoff). */
  readonly reconnectSeconds: number;
  /** Session up until the spool is empty and confirmed and the receiver has every line. */
  readonly drainSeconds: number;
  readonly drainLinesPerSec: number;
  /** The shipper's CPU per line while draining. */
  readonly drainCpuMicrosPerLine: number;
  readonly lost: number;
  readonly repeated: number;
  readonly rssPeakMiB: number;
  readonly diskReadMiB: number;
  readonly verified: string;
  readonly ok: boolean;
}

const PHASE_TIMEOUT_MS = 120_000;

async function spoolLines(shipper: ShipperProcess, lines: number): Promise<ShipperStatusDocument> {
  let status: ShipperStatusDocument | null = null;
  const check = async (): Promise<boolean> => {
    status = await shipper.status();
    return (status.inputs[0]?.lines ?? 0) >= lines && status.queue.openBytes === 0;
  };
  await pollUntil(check, 'every line in the spool', PHASE_TIMEOUT_MS, () => `${JSON.stringify(status?.spool)}; ${logTail(shipper)}`);
  return (status as ShipperStatusDocument | null) ?? shipper.status();
}

async function drained(shipper: ShipperProcess, receiver: Receiver, lines: number): Promise<boolean> {
  const status = await shipper.status();
  if (status.spool.pendingBytes > 0 || status.upstream.state !== 'connected') return false;
  return (await receiver.status()).lines >= lines;
}

/** Starts ringlogd at a staging path, joins the receiver, then moves the socket where the shipper looks. */
async function daemonComesBack(workDir: string, daemonSocket: string, stoppers: Stoppers): Promise<{ receiver: Receiver; backAtMs: number }> {
  const staging = join(workDir, 'staging.sock');
  stoppers.add(await startDaemonProcess(await freePort(), staging));
  const receiver = stoppers.add(await startReceiver(`unix:${staging}`, 'www'));
  renameSync(staging, daemonSocket);
  return { receiver, backAtMs: performance.now() };
}

interface IngestPhase {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly spooled: ShipperStatusDocument;
}

/** Writers write every line to a shipper whose daemon is absent; resolves once all are in its spool. */
async function ingestPhase(shipper: ShipperProcess, writers: Writers, lines: number): Promise<IngestPhase> {
  const cpuBefore = cpuSeconds(shipper.pid);
  const startedMs = performance.now();
  await writers.go();
  const spooled = await spoolLines(shipper, lines);
  const seconds = (performance.now() - startedMs) / 1000;
  if (spooled.upstream.state === 'connected') throw new Error('the shipper reached a daemon that should be absent');
  return { seconds, cpuSeconds: cpuSeconds(shipper.pid) - cpuBefore, spooled };
}

interface DrainPhase {
  readonly reconnectSeconds: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rssPeakKiB: number;
}

/** From the daemon's socket in place: until the shipper reconnects, then until everything is at the receiver. */
async function drainPhase(shipper: ShipperProcess, receiver: Receiver, backAtMs: number, lines: number): Promise<DrainPhase> {
  await pollUntil(async () => (await shipper.status()).upstream.state === 'connected', 'the shipper to reconnect', PHASE_TIMEOUT_MS, () => logTail(shipper), 10);
  const connectedMs = performance.now();
  const cpuBefore = cpuSeconds(shipper.pid);
  let rssPeakKiB = rssKiB(shipper.pid);
  const check = async (): Promise<boolean> => {
    rssPeakKiB = Math.max(rssPeakKiB, rssKiB(shipper.pid));
    return drained(shipper, receiver, lines);
  };
  await pollUntil(check, 'the spool to drain', PHASE_TIMEOUT_MS, async () => `${JSON.stringify((await shipper.status()).spool)}; receiver ${JSON.stringify(await receiver.status())}`);
  const seconds = (performance.now() - connectedMs) / 1000;
  return { reconnectSeconds: (connectedMs - backAtMs) / 1000, seconds, cpuSeconds: cpuSeconds(shipper.pid) - cpuBefore, rssPeakKiB };
}

export async function spoolRun(input: LinesInput, batchBytes: number): Promise<SpoolRun> {
  return inWorkDir('spool', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const daemonSocket = join(workDir, 'd.sock');
      const inputPath = join(workDir, 'in.sock');
      const shipper = stoppers.add(await startShipperProcess({ workDir, daemon: `unix:${daemonSocket}`, inputPath, batchMaxBytes: batchBytes }));
      const writers = stoppers.add(await startWriters(input.file, inputPath, input.parts, WRITER_PROCESSES));
      const ingest = await ingestPhase(shipper, writers, input.lines.lines);
      const back = await daemonComesBack(workDir, daemonSocket, stoppers);
      const drain = await drainPhase(shipper, back.receiver, back.backAtMs, input.lines.lines);
      const after = await shipper.status();
      const verdict = await back.receiver.verify(input.lines.lines, input.parts.map((p) => p.firstSeq));
      const { text, ok } = verdictText(verdict, input.lines.lines);
      const lines = input.lines.lines;
      return {
        ingestSeconds: ingest.seconds,
        ingestCpuMicrosPerLine: (ingest.cpuSeconds / lines) * 1e6,
        spooledLines: ingest.spooled.spool.appendedLines,
        spooledBytes: ingest.spooled.spool.pendingBytes,
        spooledRecords: ingest.spooled.spool.pendingRecords,
        reconnectSeconds: drain.reconnectSeconds,
        drainSeconds: drain.seconds,
        drainLinesPerSec: lines / drain.seconds,
        drainCpuMicrosPerLine: (drain.cpuSeconds / lines) * 1e6,
        lost: verdict.missing,
        repeated: verdict.duplicates,
        rssPeakMiB: drain.rssPeakKiB / 1024,
        diskReadMiB: after.spool.diskReadBytes / 1048576,
        verified: text,
        ok,
      };
    } finally {
      await stoppers.stopAll();
    }
  });
}
