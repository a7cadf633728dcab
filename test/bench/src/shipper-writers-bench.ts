/**
 * Shipper benchmark (a): many concurrent writer connections held by one ringlog-shipper process
 * with one upstream session, and the RSS each costs. Helper processes (each well under the
 * per-process descriptor limit) connect to the shipper's unix input in waves of 500; each
 * connection writes one line and stays open. Checked: the shipper's /status counts them, every
 * line reaches a receiver on ringlogd, and the upstream is still the one session it started with.
 *
 * The shipper is a single process, so the OS open-file limit caps what it can hold. The
 * benchmark reads that limit and sets the input's max_connections just under it (keeping
 * descriptors for the shipper's own files, admin HTTP and upstream), so connections past it are
 * refused and counted rather than starving the shipper of descriptors.
 *
 * Baseline, same run: a bare Node unix server that reads and counts newlines, holding as many
 * connections as the shipper did.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forkTs, freePort, REPO_ROOT, rssKiB, startDaemonProcess, stopChild } from './processes.ts';
import { askHelper, startReceiver, startSink } from './shipper-children.ts';
import { inWorkDir, pollUntil, sleep, Stoppers } from './shipper-common.ts';
import type { HolderHeld, HolderOpened } from './shipper-holder.ts';
import { logTail, openDescriptors, startShipperProcess, type ShipperProcess, type ShipperStatusDocument } from './shipper-process.ts';
import type { ReceiverVerdict } from './shipper-receiver.ts';

const CONNECTIONS_PER_HOLDER = 15_000;
const WAVE = 500;
const SETTLE_MS = 2_000;
const WAVE_TIMEOUT_MS = 30_000;
/** Descriptors kept for the shipper itself: ~30 at idle (stdio, IPC, epoll, spool, log, listeners, upstream) plus admin requests and spool segments. */
export const SHIPPER_FD_RESERVE = 64;

export interface HoldResult {
  readonly requested: number;
  readonly opened: number;
  /** Connections the server closed after they connected (over max_connections). */
  readonly refused: number;
  readonly failed: number;
  readonly held: number;
  readonly openSeconds: number;
  readonly idleKiB: number;
  readonly heldKiB: number;
  readonly kibPerConnection: number;
}

export interface ShipperHoldResult extends HoldResult {
  readonly fileLimit: number;
  readonly maxConnections: number;
  readonly idleDescriptors: number;
  readonly shipperConnections: number;
  readonly upstream: string;
  readonly oneSession: boolean;
  readonly verified: string;
  readonly ok: boolean;
}

/** A server holding connections: its pid, and how many it has taken or refused so far. */
interface HoldTarget {
  readonly pid: number;
  readonly path: string;
  handled(): Promise<number>;
}

/** The soft open-file limit of a running process. */
export function fileLimitOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3]);
}

async function openWaves(target: HoldTarget, holders: readonly ChildProcess[], count: number): Promise<{ opened: number; failed: number; firstError: string | null }> {
  let opened = 0;
  let failed = 0;
  let firstError: string | null = null;
  for (let start = 0; start < count; start += WAVE) {
    const holder = holders[Math.floor(start / CONNECTIONS_PER_HOLDER)] as ChildProcess;
    const reply = await askHelper<HolderOpened>(holder, { open: { count: Math.min(WAVE, count - start), path: target.path, firstIndex: start } }, 'a holder');
    opened += reply.opened;
    failed += reply.failed;
    firstError ??= reply.firstError;
    // The next wave goes once the server has taken or refused this one: the listen backlog never overflows.
    await pollUntil(async () => (await target.handled()) >= opened, 'the server to take a wave', WAVE_TIMEOUT_MS, () => `opened ${opened}`, 10);
  }
  return { opened, failed, firstError };
}

/** Opens `count` writer connections to the target in waves and waits until they settle; returns the holders (to close later). */
async function holdWriters(target: HoldTarget, count: number): Promise<{ result: Omit<HoldResult, 'idleKiB' | 'heldKiB' | 'kibPerConnection'>; holders: ChildProcess[] }> {
  const holders = Array.from({ length: Math.ceil(count / CONNECTIONS_PER_HOLDER) }, () => forkTs(`${REPO_ROOT}test/bench/src/shipper-holder.ts`, []));
  try {
    const startedMs = performance.now();
    const { opened, failed, firstError } = await openWaves(target, holders, count);
    const openSeconds = (performance.now() - startedMs) / 1000;
    await sleep(SETTLE_MS);
    let held = 0;
    let refused = 0;
    for (const holder of holders) {
      const reply = await askHelper<HolderHeld>(holder, { held: true }, 'a holder');
      held += reply.held;
      refused += reply.closedByServer;
    }
    if (firstError !== null) process.stderr.write(`  first failed connect: ${firstError}\n`);
    return { result: { requested: count, opened, refused, failed, held, openSeconds }, holders };
  } catch (error) {
    await releaseHolders(holders);
    throw error;
  }
}

async function releaseHolders(holders: readonly ChildProcess[]): Promise<void> {
  for (const holder of holders) {
    await askHelper(holder, { close: true }, 'a holder').catch(() => undefined);
    await stopChild(holder);
  }
}

function withRss(result: Omit<HoldResult, 'idleKiB' | 'heldKiB' | 'kibPerConnection'>, idleKiB: number, heldKiB: number): HoldResult {
  return { ...result, idleKiB, heldKiB, kibPerConnection: result.held > 0 ? (heldKiB - idleKiB) / result.held : 0 };
}

/** True once every line the shipper took is confirmed upstream and at the receiver. */
async function linesDelivered(shipper: ShipperProcess, receiverLines: () => Promise<number>): Promise<boolean> {
  const status = await shipper.status();
  const lines = status.inputs[0]?.lines ?? 0;
  if (status.queue.openBytes > 0 || status.spool.pendingBytes > 0 || lines < (status.inputs[0]?.connections ?? 0)) return false;
  return (await receiverLines()) >= lines;
}

export async function shipperHold(count: number): Promise<ShipperHoldResult> {
  return inWorkDir('writers', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const daemonSocket = join(workDir, 'd.sock');
      stoppers.add(await startDaemonProcess(await freePort(), daemonSocket));
      const receiver = stoppers.add(await startReceiver(`unix:${daemonSocket}`, 'www'));
      const maxConnections = fileLimitOf(process.pid) - SHIPPER_FD_RESERVE;
      const path = join(workDir, 'in.sock');
      const shipper = stoppers.add(await startShipperProcess({ workDir, daemon: `unix:${daemonSocket}`, inputPath: path, maxConnections }));
      await pollUntil(async () => (await shipper.status()).upstream.state === 'connected', 'the shipper to connect', 20_000, () => logTail(shipper));
      await sleep(SETTLE_MS);
      const idleKiB = rssKiB(shipper.pid);
      const idleDescriptors = openDescriptors(shipper.pid);
      const hold = await holdWriters({ pid: shipper.pid, path, handled: async () => handledBy(await shipper.status()) }, count);
      stoppers.add({ stop: () => releaseHolders(hold.holders) });
      await pollUntil(() => linesDelivered(shipper, async () => (await receiver.status()).lines), "the held writers' lines at the receiver", 60_000, () => logTail(shipper));
      await sleep(SETTLE_MS);
      const heldKiB = rssKiB(shipper.pid);
      const status = await shipper.status();
      const verdict = await receiver.verify(count, [0]);
      return { ...withRss(hold.result, idleKiB, heldKiB), ...heldChecks(status, verdict, hold.result.held), fileLimit: fileLimitOf(shipper.pid), maxConnections, idleDescriptors };
    } finally {
      await stoppers.stopAll();
    }
  });
}

/** Did every held writer's line arrive once, and is the upstream still the first session? */
function heldChecks(status: ShipperStatusDocument, verdict: ReceiverVerdict, held: number): Pick<ShipperHoldResult, 'shipperConnections' | 'upstream' | 'oneSession' | 'verified' | 'ok'> {
  const input = status.inputs[0];
  const linesOk = verdict.unique === input?.lines && verdict.unique === held && verdict.duplicates === 0 && verdict.malformed === 0;
  const oneSession = status.upstream.state === 'connected' && status.upstream.connects === 1 && status.upstream.disconnects === 0;
  return {
    shipperConnections: input?.connections ?? 0,
    upstream: `${status.upstream.state}, ${status.upstream.connects} connect(s), ${status.upstream.disconnects} disconnect(s)`,
    oneSession,
    verified: linesOk ? `${verdict.unique} lines, one per held writer` : `FAILED: ${verdict.unique} lines at the receiver, shipper read ${input?.lines}, ${verdict.duplicates} repeated`,
    ok: linesOk && oneSession && input?.connections === held,
  };
}

function handledBy(status: ShipperStatusDocument): number {
  const input = status.inputs[0];
  return input === undefined ? 0 : input.connectionsTotal + (input.errors['too_many_connections'] ?? 0);
}

/** The baseline: the bare server holding `count` writer connections. */
export async function sinkHold(count: number): Promise<HoldResult> {
  return inWorkDir('writers-sink', async (workDir) => {
    const stoppers = new Stoppers();
    try {
      const path = join(workDir, 'sink.sock');
      const sink = stoppers.add(await startSink(path));
      const pid = sink.child.pid as number;
      await sleep(SETTLE_MS);
      const idleKiB = rssKiB(pid);
      const hold = await holdWriters({ pid, path, handled: async () => (await sink.status()).connectionsTotal }, count);
      stoppers.add({ stop: () => releaseHolders(hold.holders) });
      await pollUntil(async () => (await sink.status()).lines >= hold.result.held, 'the sink to read every line', 60_000, async () => JSON.stringify(await sink.status()));
      await sleep(SETTLE_MS);
      return withRss(hold.result, idleKiB, rssKiB(pid));
    } finally {
      await stoppers.stopAll();
    }
  });
}
