/**
 * Two collector engines (A and B) with full exactly-once delivery (ledger, write journal, order
 * log, collector id) on their own temp split roots, wired to each other through a fake ring
 * that delivers every message to both in one total order: shipper batches, catch-up requests (to
 * the ack group) and answers (to a private group). B misses a stretch of the stream (away, or
 * restarted from its journal and order log) while A writes on; B comes back and catches up with A
 * while the shippers send again from B's committed offsets, interleaved with new batches in
 * another order than the first time. With catch-up, A's and B's files end byte-identical; without
 * it, they hold the same lines. Flushes run at random points, some while messages arrive (held).
 * Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBatch, type BatchHeader, type NodeId } from '@ringlog/delivery';
import { baseSeed, caseSeedFrom, createPrng, type Prng } from '@ringlog/prng';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectorEngine, EngineDelivery } from '../src/collector-engine.ts';
import { DeliveryLedger } from '../src/delivery-ledger.ts';
import { OrderLog } from '../src/order-log.ts';
import type { SyncEvent } from '../src/sync-coordinator.ts';
import { JOURNAL_FILE, WriteJournal } from '../src/write-journal.ts';
import { fileLines, listTree, splitConfig, startEngine, tempDir } from './support/engine-harness.ts';

const SHIPPER_1: NodeId = '0123456789abcdef0123456789abcdef';
const SHIPPER_2: NodeId = 'fedcba9876543210fedcba9876543210';
const COLLECTOR_A: NodeId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const COLLECTOR_B: NodeId = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const VHOSTS = ['a.example.com', 'b.example.com', 'c.example.org'] as const;
const GROUP = 'www';
const BATCHES = 36;
const BASE_SEED = baseSeed(0xca7c_0b00);
/** A fixed clock: catch-up timeouts never fire, whatever the machine's speed. */
const NOW_MS = Date.UTC(2024, 0, 2, 3, 4, 5);

let base: string;

beforeEach(async () => {
  base = await tempDir('ringlog-catch-up-');
});

afterEach(async () => {
  for (const box of boxes.splice(0)) await box.stop();
  await rm(base, { recursive: true, force: true });
});

interface Batch {
  readonly header: BatchHeader;
  readonly message: Buffer;
}

interface ShipperHistory {
  readonly id: NodeId;
  readonly tag: string;
  readonly batches: readonly Batch[];
  readonly total: number;
  readonly expected: ReadonlyMap<string, readonly string[]>;
}

/** `count` batches of 1-4 lines over VHOSTS. */
function shipperHistory(id: NodeId, tag: string, count: number): ShipperHistory {
  const batches: Batch[] = [];
  const expected = new Map<string, string[]>();
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const lines: string[] = [];
    for (let line = 0; line <= index % 4; line++) {
      const vhost = VHOSTS[(index * 3 + line) % VHOSTS.length] as string;
      const rest = `GET /${tag}/${index}/${line} HTTP/1.1 200 ${index * 10 + line}`;
      lines.push(`${vhost} ${rest}\n`);
      let list = expected.get(vhost);
      if (list === undefined) expected.set(vhost, (list = []));
      list.push(rest);
    }
    const body = Buffer.from(lines.join(''), 'latin1');
    const header: BatchHeader = { shipperId: id, floorOffset: 0, startOffset: offset, endOffset: offset + body.length };
    offset += body.length;
    batches.push({ header, message: encodeBatch(header, body) });
  }
  return { id, tag, batches, total: offset, expected };
}

/** One collector: an engine with its state dir, split root and private group name. */
class Box {
  readonly name: string;
  readonly id: NodeId;
  readonly privateGroup: string;
  readonly root: string;
  readonly stateDir: string;
  readonly events: SyncEvent[] = [];
  present = true;
  engine!: CollectorEngine;
  delivery!: Required<Omit<EngineDelivery, 'peersFile'>>;
  readonly #ring: FakeRing;

  constructor(name: string, id: NodeId, ring: FakeRing) {
    this.name = name;
    this.id = id;
    this.privateGroup = `#${name}#box`;
    this.root = join(base, name, 'root');
    this.stateDir = join(base, name, 'state');
    this.#ring = ring;
    mkdirSync(this.root, { recursive: true });
    this.start();
    boxes.push(this);
    ring.members.push(this);
  }

  /** Opens the journal, the order log at the journal's length, and an engine on them. */
  start(): void {
    const { journal, recovery } = WriteJournal.open({ dir: this.stateDir, fsync: false, roots: [this.root] });
    const orderLog = OrderLog.open(this.stateDir, recovery.orderLength);
    this.delivery = { journal, ledger: new DeliveryLedger(recovery.written), orderLog, collectorId: this.id };
    this.engine = startEngine(splitConfig(this.root), { delivery: this.delivery, now: () => NOW_MS }).engine;
    this.engine.onSync({
      reply: (to, bodies) => {
        for (const body of bodies) this.#ring.sendSync(this, to, body);
      },
      request: (body) => {
        this.#ring.sendSync(this, null, body);
        return true;
      },
      log: (event) => this.events.push(event),
    });
    // Each knows the other (in the field: from the other's acknowledgements on the ack group).
    for (const member of this.#ring.members) if (member !== this) this.engine.notePeer(member.id);
    for (const member of this.#ring.members) if (member !== this && member.engine !== undefined) member.engine.notePeer(this.id);
  }

  async stop(): Promise<void> {
    await this.engine.close();
    this.delivery.orderLog.close();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  async flush(): Promise<void> {
    await this.engine.flush();
    await this.engine.flush();
  }
}

const boxes: Box[] = [];

type RingMessage = { readonly kind: 'batch'; readonly data: Buffer } | { readonly kind: 'sync'; readonly from: Box; readonly to: string | null; readonly data: Buffer };

/**
 * The ring: every message is delivered to every present member in one order (batches to the
 * `www` group, catch-up requests to the ack group; answers only to the private group named).
 * Messages sent while delivering go to the end of the queue, as a daemon orders them.
 */
class FakeRing {
  readonly members: Box[] = [];
  readonly #queue: RingMessage[] = [];

  batches(batches: readonly Batch[]): void {
    for (const batch of batches) this.#queue.push({ kind: 'batch', data: batch.message });
  }

  sendSync(from: Box, to: string | null, data: Buffer): void {
    this.#queue.push({ kind: 'sync', from, to, data });
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Delivers the first `count` queued messages (all by default, and what they cause). */
  pump(count = Infinity): void {
    for (let left = count; left > 0; left--) {
      const message = this.#queue.shift();
      if (message === undefined) return;
      for (const member of this.members) {
        if (!member.present) continue;
        if (message.kind === 'batch') member.engine.deliverBatch([GROUP], message.data);
        else if (message.to === null || message.to === member.privateGroup) member.engine.deliverSync(message.from.privateGroup, message.data);
      }
    }
  }
}

/** Each shipper's batches [from, to), merged in a random order that keeps each shipper's order. */
function interleave(prng: Prng, streams: readonly (readonly Batch[])[]): Batch[] {
  const positions = streams.map(() => 0);
  const out: Batch[] = [];
  for (;;) {
    const open = streams.map((stream, index) => index).filter((index) => (positions[index] as number) < (streams[index] as readonly Batch[]).length);
    if (open.length === 0) return out;
    const index = prng.pick(open);
    out.push((streams[index] as readonly Batch[])[positions[index] as number] as Batch);
    positions[index] = (positions[index] as number) + 1;
  }
}

/** A few repeats of earlier batches of the stream, inserted after them (a shipper rewinding twice). */
function withRepeats(prng: Prng, batches: readonly Batch[]): Batch[] {
  const out: Batch[] = [];
  for (const batch of batches) {
    out.push(batch);
    if (prng.next() < 0.15) out.push(prng.pick(out));
  }
  return out;
}

/** Delivers everything queued in random chunks, flushing the present engines in random ways, some while messages arrive. */
async function pumpWithFlushes(prng: Prng, ring: FakeRing): Promise<void> {
  while (ring.queued > 0) {
    const chunk = prng.range(1, 8);
    const present = ring.members.filter((box) => box.present);
    switch (prng.int(4)) {
      case 0: {
        // Arriving while flushes run: held, routed after them in arrival order.
        const flushing = present.filter(() => prng.bool()).map((box) => box.engine.flush());
        ring.pump(chunk);
        await Promise.all(flushing);
        break;
      }
      case 1:
        ring.pump(chunk);
        await Promise.all(present.map((box) => box.engine.flush()));
        break;
      case 2:
        ring.pump(chunk);
        await new Promise((resolve) => setImmediate(resolve));
        break;
      default:
        ring.pump(chunk);
    }
  }
}

/** Index of the first batch of `history` not covered by `offset`. */
function batchIndexAt(history: ShipperHistory, offset: number): number {
  const index = history.batches.findIndex((batch) => batch.header.startOffset === offset);
  return index === -1 ? history.batches.length : index;
}

async function linesOf(root: string, vhost: string): Promise<string[]> {
  return fileLines(join(root, vhost, 'access.log'));
}

/** Every line of every history is in its vhost's file under `root` exactly once, in the shipper's order, and nothing else. */
async function expectExactlyOnce(root: string, histories: readonly ShipperHistory[], context: string): Promise<void> {
  for (const vhost of VHOSTS) {
    const lines = await linesOf(root, vhost);
    let count = 0;
    for (const history of histories) {
      const expected = history.expected.get(vhost) ?? [];
      count += expected.length;
      expect(
        lines.filter((line) => line.startsWith(`GET /${history.tag}/`)),
        `${context}${vhost}: lines of ${history.tag}`,
      ).toEqual(expected);
    }
    expect(lines, `${context}${vhost}: no other lines`).toHaveLength(count);
  }
}

interface Outcome {
  readonly a: Box;
  readonly b: Box;
  readonly histories: readonly ShipperHistory[];
}

/**
 * The scenario: both write the first part; B misses the second (away, or restarted when
 * `restart`); B comes back (catching up, or abandoning it at once) while some batches are already
 * in flight; the shippers send from B's committed offsets on, with new batches, in a new order.
 */
async function runScenario(seed: number, options: { readonly catchUp: boolean; readonly restart: boolean }): Promise<Outcome> {
  const prng = createPrng(seed);
  const ring = new FakeRing();
  const a = new Box('A', COLLECTOR_A, ring);
  const b = new Box('B', COLLECTOR_B, ring);
  a.engine.notePeer(COLLECTOR_B);
  b.engine.notePeer(COLLECTOR_A);
  const histories = [shipperHistory(SHIPPER_1, 's1', BATCHES), shipperHistory(SHIPPER_2, 's2', BATCHES)];
  const range = (from: number, to: number): Batch[][] => histories.map((history) => history.batches.slice(from, to));

  // Both on the ring.
  const together = prng.range(6, 12);
  ring.batches(interleave(prng, range(0, together)));
  await pumpWithFlushes(prng, ring);
  await a.flush();
  await b.flush();

  // B misses a stretch; A writes on.
  b.present = false;
  if (options.restart) await b.restart();
  const away = together + prng.range(6, 12);
  ring.batches(interleave(prng, range(together, away)));
  await pumpWithFlushes(prng, ring);

  // B is back. Some batches were ordered before its request (B captures them before the cut).
  b.present = true;
  const resendFrom = b.delivery.ledger.committedOffsets();
  const request = b.engine.beginCatchUp(seed);
  expect(request).not.toBeNull();
  if (!options.catchUp) b.engine.abandonCatchUp('test: no catch-up');
  const inFlight = away + prng.range(0, 3);
  ring.batches(interleave(prng, range(away, inFlight)));
  if (options.catchUp) ring.sendSync(b, null, request as Buffer);
  // The shippers send again from B's committed offsets, then on with new batches, interleaved anew.
  const streams = histories.map((history) => history.batches.slice(batchIndexAt(history, resendFrom.get(history.id) ?? 0)));
  const resends = withRepeats(prng, interleave(prng, streams));
  const early = prng.int(resends.length + 1);
  ring.batches(resends.slice(0, early));
  await pumpWithFlushes(prng, ring);
  ring.batches(resends.slice(early));
  await pumpWithFlushes(prng, ring);
  await a.flush();
  await b.flush();
  return { a, b, histories };
}

async function filesOf(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const [path, kind] of await listTree(root)) if (kind.startsWith('file')) files.set(path, await readFile(join(root, path)));
  return files;
}

function storedOrderLength(box: Box): number {
  return (JSON.parse(readFileSync(join(box.stateDir, JOURNAL_FILE), 'utf8')) as { order: number }).order;
}

describe('collector engine - catch-up between two collectors', () => {
  for (const restart of [false, true]) {
    it(`after ${restart ? 'a restart' : 'an outage'}, the returning collector's files end byte-identical to its peer's, each line once`, async () => {
      for (let index = 0; index < 6; index++) {
        const seed = caseSeedFrom(BASE_SEED, index + (restart ? 100 : 0));
        const context = `seed ${seed} (rerun with RINGLOG_TEST_SEED=${BASE_SEED}): `;
        const { a, b, histories } = await runScenario(seed, { catchUp: true, restart });
        try {
          expect(b.engine.syncCounters, context).toMatchObject({ requests: 1, caughtUp: 1, gaveUp: 0, badMessages: 0 });
          expect(a.engine.syncCounters, context).toMatchObject({ answers: 1, requests: 0 });
          expect(b.events.map((event) => event.type)).toEqual(['asked', 'caught-up']);
          await expectExactlyOnce(a.root, histories, `${context}A: `);
          await expectExactlyOnce(b.root, histories, `${context}B: `);
          const filesA = await filesOf(a.root);
          const filesB = await filesOf(b.root);
          expect([...filesB.keys()].sort(), context).toEqual([...filesA.keys()].sort());
          for (const [path, bytes] of filesA) expect((filesB.get(path) as Buffer).equals(bytes), `${context}${path} differs`).toBe(true);
          // The same order, recorded the same way.
          const length = a.delivery.orderLog.length;
          expect(b.delivery.orderLog.length, context).toBe(length);
          expect(b.delivery.orderLog.chainAt(length).equals(a.delivery.orderLog.chainAt(length)), context).toBe(true);
          expect(storedOrderLength(a), context).toBe(length);
          expect(storedOrderLength(b), context).toBe(length);
          const totals = new Map(histories.map((history) => [history.id, history.total]));
          expect(a.delivery.ledger.committedOffsets(), context).toEqual(totals);
          expect(b.delivery.ledger.committedOffsets(), context).toEqual(totals);
        } finally {
          for (const box of boxes.splice(0)) await box.stop();
          await rm(join(base, 'A'), { recursive: true, force: true });
          await rm(join(base, 'B'), { recursive: true, force: true });
        }
      }
    });
  }

  it('without catch-up (abandoned at once) both hold the same lines, each once, in each shipper order', async () => {
    let differ = 0;
    for (let index = 0; index < 6; index++) {
      const seed = caseSeedFrom(BASE_SEED, 200 + index);
      const context = `seed ${seed} (rerun with RINGLOG_TEST_SEED=${BASE_SEED}): `;
      const { a, b, histories } = await runScenario(seed, { catchUp: false, restart: index % 2 === 1 });
      try {
        expect(b.engine.syncCounters, context).toMatchObject({ caughtUp: 0, gaveUp: 1 });
        await expectExactlyOnce(a.root, histories, `${context}A: `);
        await expectExactlyOnce(b.root, histories, `${context}B: `);
        for (const vhost of VHOSTS) {
          const linesA = await linesOf(a.root, vhost);
          const linesB = await linesOf(b.root, vhost);
          expect([...linesB].sort(), `${context}${vhost}`).toEqual([...linesA].sort());
          if (linesA.join('\n') !== linesB.join('\n')) differ++;
        }
      } finally {
        for (const box of boxes.splice(0)) await box.stop();
        await rm(join(base, 'A'), { recursive: true, force: true });
        await rm(join(base, 'B'), { recursive: true, force: true });
      }
    }
    // Not asserted (it depends on the interleavings), only reported when nothing differed.
    if (differ === 0) console.warn('engine-catch-up: no interleaving differed without catch-up');
  });
});

describe('collector engine - catch-up given up while a flush runs', () => {
  it('what was captured is routed before what arrived during the flush (no gap, nothing left to resend)', async () => {
    const ring = new FakeRing();
    const box = new Box('B', COLLECTOR_B, ring);
    const history = shipperHistory(SHIPPER_1, 's1', 4);
    const [b0, b1, b2, b3] = history.batches as [Batch, Batch, Batch, Batch];
    box.engine.deliverBatch([GROUP], b0.message);
    await box.flush();
    box.engine.notePeer(COLLECTOR_A);
    expect(box.engine.beginCatchUp(1)).not.toBeNull();
    box.engine.deliverBatch([GROUP], b1.message); // captured
    const flushing = box.engine.flush();
    box.engine.deliverBatch([GROUP], b2.message); // held
    box.engine.abandonCatchUp('test: lost the daemon connection');
    box.engine.deliverBatch([GROUP], b3.message); // held
    await flushing;
    await box.flush();
    expect(box.delivery.ledger.committedOffsets()).toEqual(new Map([[SHIPPER_1, history.total]]));
    await expectExactlyOnce(box.root, [history], '');
    expect(box.delivery.ledger.takeChanges(true)).toEqual([{ shipperId: SHIPPER_1, writtenTo: history.total, gap: false }]);
  });
});
