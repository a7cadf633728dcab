/**
 * The upstream sender in acknowledged delivery, against a real daemon (in this process), a real
 * spool on disk and fake collectors: real client sessions that join the data group and the ack
 * group, decode the batches and multicast acknowledgements as a collector does. What a batch
 * carries, that only collectors (not daemon markers) let the spool forget, the minimum over
 * collectors, resending for a gap (once per gap, not per echo) and for a stuck collector, and
 * acknowledgements that do not decode. Ordered delivery is checked once more for contrast.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReconnectingSession, connect, type SpreadSession } from '@ringlog/client';
import { startDaemon } from '@ringlog/daemon';
import { ACK_MESS_TYPE, BATCH_MESS_TYPE, decodeBatch, encodeAck, type DecodedBatch, type NodeId } from '@ringlog/delivery';
import { afterEach, describe, expect, it } from 'vitest';
import { ACK_TIMEOUT_MS, CollectorAcks } from '../src/collector-acks.ts';
import { Spool } from '../src/spool/spool.ts';
import { UpstreamSender } from '../src/upstream-sender.ts';

const DATA_GROUP = 'www';
const ACK_GROUP = 'rl-acks';
const SHIPPER: NodeId = '5419900000000000000000000000beef';
const C1: NodeId = 'c1000000000000000000000000000001';
const C2: NodeId = 'c2000000000000000000000000000002';
const T0 = 1_700_000_000_000;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-sender-acked-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface ReceivedBatch extends Omit<DecodedBatch, 'body'> {
  readonly messType: number;
  readonly groups: readonly string[];
  readonly lines: string[];
}

/** A client session that plays a collector: takes the data group's batches, acknowledges on demand. */
interface FakeCollector {
  readonly id: NodeId;
  readonly session: SpreadSession;
  /** Every message to the data group, decoded (acknowledged delivery). */
  readonly batches: ReceivedBatch[];
  /** Every message to the data group as it came (messType and body). */
  readonly raw: { messType: number; data: Buffer }[];
  /** Members of the ack group, as the last membership message named them. */
  ackMembers: readonly string[];
  ack(writtenTo: number, gap?: boolean): void;
  sendRaw(data: Buffer): void;
}

async function fakeCollector(socket: string, id: NodeId): Promise<FakeCollector> {
  const session = await connect({ endpoint: `unix:${socket}`, name: `c${id.slice(0, 2)}${Math.floor(Math.random() * 1e5)}`, membership: true });
  cleanups.push(() => session.disconnect());
  const joined = new Set<string>();
  const collector: FakeCollector = {
    id,
    session,
    batches: [],
    raw: [],
    ackMembers: [],
    ack(writtenTo, gap = false) {
      this.sendRaw(encodeAck({ collectorId: id, entries: [{ shipperId: SHIPPER, writtenTo, gap }] }));
    },
    sendRaw(data) {
      session.multicastNow({ service: 'AGREED', groups: [ACK_GROUP], messType: ACK_MESS_TYPE, data });
    },
  };
  session.onEvent((event) => {
    if (event.type === 'membership') {
      joined.add(event.group);
      if (event.group === ACK_GROUP) collector.ackMembers = event.members;
      return;
    }
    if (event.type !== 'message' || !event.groups.includes(DATA_GROUP)) return;
    collector.raw.push({ messType: event.messType, data: Buffer.from(event.data) });
    if (event.messType !== BATCH_MESS_TYPE) return;
    const { body, ...header } = decodeBatch(event.data);
    collector.batches.push({ ...header, messType: event.messType, groups: event.groups, lines: linesOf(body) });
  });
  session.join(DATA_GROUP);
  session.join(ACK_GROUP);
  // Joins are applied once their membership messages arrive: only then may the shipper send.
  await until(() => joined.has(DATA_GROUP) && joined.has(ACK_GROUP));
  return collector;
}

function linesOf(body: Buffer): string[] {
  return body
    .toString('latin1')
    .split('\n')
    .filter((line) => line !== '');
}

interface Setup {
  readonly dir: string;
  readonly socket: string;
  readonly spool: Spool;
  /** End offset of every appended batch, in order. */
  readonly ends: number[];
  /** Lines of every appended batch, in order. */
  readonly appended: string[][];
}

async function setup(): Promise<Setup> {
  const dir = tempDir();
  const socket = join(dir, 'd.sock');
  const daemon = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path: socket }] });
  cleanups.push(() => daemon.close());
  const spool = Spool.open({ dir: join(dir, 'spool'), segmentBytes: 1 << 20, maxBytes: 64 << 20, memoryMaxBytes: 1 << 20, fsyncIntervalMs: 0 });
  cleanups.push(() => spool.close());
  return { dir, socket, spool, ends: [], appended: [] };
}

/** Appends `count` batches of `perBatch` lines; returns nothing (see setup.ends). */
function appendBatches(s: Setup, count: number, perBatch = 5): void {
  for (let batch = 0; batch < count; batch += 1) {
    const index = s.appended.length;
    const lines = Array.from({ length: perBatch }, (_, line) => `b${index}-l${line} ${'y'.repeat(60)}`);
    const record = s.spool.append(DATA_GROUP, Buffer.from(`${lines.join('\n')}\n`, 'latin1'), lines.length);
    if (record === null) throw new Error('spool full');
    s.ends.push(record.endOffset);
    s.appended.push(lines);
  }
}

interface Shipper {
  readonly sender: UpstreamSender;
  readonly acks: CollectorAcks;
  /** The sender's clock (acknowledgements, stuck collectors, gap echoes); tests move it. */
  readonly clock: { now: number };
}

function acknowledgedSender(s: Setup, options: { windowBytes?: number } = {}): Shipper {
  const session = new ReconnectingSession({ endpoint: `unix:${s.socket}`, name: 'ship', membership: false, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
  const acks = new CollectorAcks({ shipperId: SHIPPER, knownFile: join(s.dir, 'collectors.json'), laggingMaxBytes: 64 << 20, startOffset: s.spool.ackedOffset });
  const clock = { now: T0 };
  const sender = new UpstreamSender(s.spool, session, {
    service: 'AGREED',
    windowBytes: options.windowBytes ?? 256 << 10,
    delivery: { shipperId: SHIPPER, ackGroup: ACK_GROUP, acks },
    now: () => clock.now,
  });
  cleanups.push(() => sender.close());
  return { sender, acks, clock };
}

/** Waits until the shipper's session is a member of the ack group, as `collector` sees it. */
async function inAckGroup(shipper: Shipper, collector: FakeCollector): Promise<void> {
  await until(() => shipper.sender.stats.privateGroup !== null && collector.ackMembers.includes(shipper.sender.stats.privateGroup));
}

/** Every batch the daemon ordered has had its marker back. */
function allConfirmed(shipper: Shipper): boolean {
  return shipper.sender.unconfirmedBytes === 0 && shipper.sender.stats.markersReturned > 0;
}

/**
 * A barrier: appends one more batch and waits until `collector` has it. The sender sends in
 * order on one session, so anything it sent before (a resend) has arrived by then.
 */
async function flushThrough(s: Setup, shipper: Shipper, collector: FakeCollector): Promise<void> {
  appendBatches(s, 1);
  shipper.sender.notify();
  const end = s.ends[s.ends.length - 1];
  await until(() => collector.batches.some((batch) => batch.endOffset === end));
}

const starts = (batches: readonly ReceivedBatch[]): number[] => batches.map((batch) => batch.startOffset);

describe('UpstreamSender - acknowledged delivery', () => {
  it('batches carry messType RB, the shipper id, the floor and contiguous [start, end) ranges; bodies are the lines', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s, { windowBytes: 4 << 10 });
    appendBatches(s, 40);
    shipper.sender.notify();
    await until(() => collector.batches.length === 40);
    const batches = collector.batches;
    expect(batches.every((batch) => batch.messType === BATCH_MESS_TYPE)).toBe(true);
    expect(batches.every((batch) => batch.shipperId === SHIPPER)).toBe(true);
    expect(batches.every((batch) => batch.groups.length === 1 && batch.groups[0] === DATA_GROUP)).toBe(true);
    // Nothing acknowledged yet: the retained history starts at 0.
    expect(batches.every((batch) => batch.floorOffset === 0)).toBe(true);
    expect(batches[0]!.startOffset).toBe(0);
    for (let i = 0; i < batches.length; i += 1) {
      expect(batches[i]!.endOffset).toBe(s.ends[i]);
      if (i > 0) expect(batches[i]!.startOffset).toBe(batches[i - 1]!.endOffset);
      expect(batches[i]!.lines).toEqual(s.appended[i]);
    }
    expect(batches[batches.length - 1]!.endOffset).toBe(s.spool.endOffset);
    expect(shipper.sender.stats.sentBatches).toBe(40);
    expect(shipper.sender.stats.sentLines).toBe(200);
  });

  it('daemon markers alone release nothing; a collector acknowledgement releases to its boundary', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s, { windowBytes: 4 << 10 });
    let released = 0;
    shipper.sender.onAck(() => (released += 1));
    appendBatches(s, 20);
    shipper.sender.notify();
    await until(() => collector.batches.length === 20 && allConfirmed(shipper));
    await inAckGroup(shipper, collector);
    // Every batch ordered by the daemon, and yet the spool keeps them all.
    expect(shipper.sender.stats.markersReturned).toBeGreaterThan(1);
    expect(s.spool.ackedOffset).toBe(0);
    expect(s.spool.pendingRecords).toBe(20);
    expect(released).toBe(0);
    expect(await shipper.sender.drain(50)).toBe(false);

    collector.ack(s.ends[6]!);
    await until(() => s.spool.ackedOffset === s.ends[6]);
    expect(released).toBe(1);
    expect(shipper.sender.collectorsKnown).toBe(1);
    expect(JSON.parse(readFileSync(join(s.dir, 'collectors.json'), 'utf8'))).toEqual({ collectors: [C1] });

    collector.ack(s.spool.endOffset);
    await until(() => s.spool.pendingBytes === 0);
    expect(await shipper.sender.drain(1000)).toBe(true);
    // What follows is sent with the new floor.
    await flushThrough(s, shipper, collector);
    expect(collector.batches[collector.batches.length - 1]!.floorOffset).toBe(s.ends[19]);
    expect(collector.batches).toHaveLength(21); // and nothing was sent twice
    expect(shipper.sender.stats.rewinds).toBe(0);
  });

  it('two collectors: the spool is released only up to the minimum of the two', async () => {
    const s = await setup();
    const c1 = await fakeCollector(s.socket, C1);
    const c2 = await fakeCollector(s.socket, C2);
    const shipper = acknowledgedSender(s);
    appendBatches(s, 10);
    shipper.sender.notify();
    await until(() => c1.batches.length === 10 && c2.batches.length === 10);
    await inAckGroup(shipper, c1);

    c2.ack(s.ends[2]!);
    await until(() => s.spool.ackedOffset === s.ends[2]);
    c1.ack(s.ends[9]!);
    await until(() => shipper.sender.collectorsKnown === 2);
    expect(s.spool.ackedOffset).toBe(s.ends[2]);

    c2.ack(s.ends[5]!);
    await until(() => s.spool.ackedOffset === s.ends[5]);
    c2.ack(s.ends[9]!);
    await until(() => s.spool.pendingBytes === 0);
    expect(shipper.acks.writtenTo()).toEqual(new Map([[C2, s.ends[9]], [C1, s.ends[9]]]));
  });

  it('a collector known from collectors.json holds the spool back until it acknowledges', async () => {
    const s = await setup();
    writeFileSync(join(s.dir, 'collectors.json'), `${JSON.stringify({ collectors: [C1, C2] })}\n`);
    const c1 = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s);
    expect(shipper.sender.collectorsKnown).toBe(2);
    appendBatches(s, 8);
    shipper.sender.notify();
    await until(() => c1.batches.length === 8);
    await inAckGroup(shipper, c1);
    c1.ack(s.ends[7]!);
    await until(() => shipper.acks.stats.acksReceived === 1);
    expect(s.spool.ackedOffset).toBe(0); // C2, silent, is still at the start offset
    const c2 = await fakeCollector(s.socket, C2);
    c2.ack(s.ends[3]!);
    await until(() => s.spool.ackedOffset === s.ends[3]);
    c2.ack(s.ends[7]!);
    await until(() => s.spool.pendingBytes === 0);
  });

  it('a gap sends again from the collector offset, once: an identical report within 1 s is an echo', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s);
    appendBatches(s, 10);
    shipper.sender.notify();
    await until(() => collector.batches.length === 10 && allConfirmed(shipper));
    await inAckGroup(shipper, collector);
    const gapAt = s.ends[2]!;

    collector.ack(gapAt, true);
    await until(() => collector.batches.length === 17);
    expect(starts(collector.batches.slice(10))).toEqual(s.ends.slice(2, 9));
    expect(collector.batches.slice(10).map((batch) => batch.lines)).toEqual(s.appended.slice(3, 10));
    // Released to the collector's offset before the resend: the floor says so.
    expect(collector.batches.slice(10).every((batch) => batch.floorOffset === gapAt)).toBe(true);
    expect(s.spool.ackedOffset).toBe(gapAt);
    expect(shipper.sender.stats.rewinds).toBe(1);
    expect(shipper.sender.stats.resentBytes).toBe(s.ends[9]! - gapAt);
    expect(shipper.acks.stats.gapsReported).toBe(1);

    // The same report again, the sender's clock not moved: an echo of the same gap.
    collector.ack(gapAt, true);
    await until(() => shipper.acks.stats.gapsReported === 2);
    expect(shipper.sender.stats.rewinds).toBe(1);
    await flushThrough(s, shipper, collector);
    expect(collector.batches).toHaveLength(18); // the 10, the 7 again, the new one: no second resend

    // More than 1 s later the same report is a new gap.
    shipper.clock.now += 1001;
    collector.ack(gapAt, true);
    await until(() => collector.batches.length === 26);
    expect(starts(collector.batches.slice(18))).toEqual(s.ends.slice(2, 10));
    expect(shipper.sender.stats.rewinds).toBe(2);
  });

  it('a stuck collector (alive, not moving, behind) gets the batches again after ACK_TIMEOUT_MS', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s);
    appendBatches(s, 10);
    shipper.sender.notify();
    await until(() => collector.batches.length === 10 && allConfirmed(shipper));
    await inAckGroup(shipper, collector);
    const stuckAt = s.ends[2]!;
    // Alive: an acknowledgement every 200 ms, never past the third batch.
    const heartbeat = setInterval(() => collector.ack(stuckAt), 200);
    cleanups.push(() => clearInterval(heartbeat));
    await until(() => s.spool.ackedOffset === stuckAt);

    // The sender's clock stands still: however many stuck checks run (every 1 s), none resends.
    const heard = shipper.acks.stats.acksReceived;
    await until(() => shipper.acks.stats.acksReceived >= heard + 8);
    expect(collector.batches).toHaveLength(10);
    expect(shipper.acks.stats.stuckResends).toBe(0);

    shipper.clock.now += ACK_TIMEOUT_MS;
    await until(() => collector.batches.length === 17);
    expect(starts(collector.batches.slice(10))).toEqual(s.ends.slice(2, 9));
    expect(collector.batches.slice(10).map((batch) => batch.lines)).toEqual(s.appended.slice(3, 10));
    expect(shipper.acks.stats.stuckResends).toBe(1);
    expect(shipper.sender.stats.rewinds).toBe(1);

    // Its clock started again: no repeat while the sender's clock does not move on.
    const heardAfter = shipper.acks.stats.acksReceived;
    await until(() => shipper.acks.stats.acksReceived >= heardAfter + 8);
    expect(shipper.acks.stats.stuckResends).toBe(1);
    expect(collector.batches).toHaveLength(17);

    // Still stuck ACK_TIMEOUT_MS later: sent again.
    shipper.clock.now += ACK_TIMEOUT_MS;
    await until(() => collector.batches.length === 24);
    expect(shipper.acks.stats.stuckResends).toBe(2);
  });

  it('malformed acknowledgements count badAcks and change nothing', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const shipper = acknowledgedSender(s);
    appendBatches(s, 5);
    shipper.sender.notify();
    await until(() => collector.batches.length === 5 && allConfirmed(shipper));
    await inAckGroup(shipper, collector);

    const valid = encodeAck({ collectorId: C1, entries: [{ shipperId: SHIPPER, writtenTo: s.ends[2]!, gap: true }] });
    const wrongVersion = Buffer.from(valid);
    wrongVersion[0] = 2;
    const lyingCount = Buffer.from(valid);
    lyingCount.writeUInt32BE(2, 18);
    const malformed = [Buffer.from('not an acknowledgement'), Buffer.alloc(0), valid.subarray(0, valid.length - 1), Buffer.concat([valid, Buffer.from([0])]), wrongVersion, lyingCount];
    for (const data of malformed) collector.sendRaw(data);
    await until(() => shipper.sender.stats.badAcks === malformed.length);
    expect(shipper.sender.stats.lastError).toMatch(/acknowledgement/);
    expect(s.spool.ackedOffset).toBe(0);
    expect(shipper.sender.collectorsKnown).toBe(0);
    expect(shipper.acks.stats.acksReceived).toBe(0);
    expect(existsSync(join(s.dir, 'collectors.json'))).toBe(false);
    expect(shipper.sender.stats.rewinds).toBe(0);
    await flushThrough(s, shipper, collector);
    expect(collector.batches).toHaveLength(6); // no resend

    // The same bytes well formed still work.
    collector.sendRaw(valid);
    await until(() => s.spool.ackedOffset === s.ends[2]);
    expect(shipper.sender.stats.rewinds).toBe(1);
  });
});

describe('UpstreamSender - ordered delivery (no delivery option)', () => {
  it('plain bodies with messType 0, released as soon as the markers return; acknowledgements are not listened to', async () => {
    const s = await setup();
    const collector = await fakeCollector(s.socket, C1);
    const session = new ReconnectingSession({ endpoint: `unix:${s.socket}`, name: 'ship', membership: false, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
    const sender = new UpstreamSender(s.spool, session, { service: 'AGREED', windowBytes: 4 << 10 });
    cleanups.push(() => sender.close());
    appendBatches(s, 20);
    sender.notify();
    await until(() => collector.raw.length === 20 && s.spool.pendingBytes === 0);
    expect(collector.batches).toHaveLength(0);
    expect(collector.raw.every((message) => message.messType === 0)).toBe(true);
    expect(collector.raw.map((message) => linesOf(message.data))).toEqual(s.appended);
    expect(sender.collectorsKnown).toBe(0);
    expect(collector.ackMembers).toEqual([collector.session.privateGroup]);
    expect(await sender.drain(1000)).toBe(true);
  });
});
