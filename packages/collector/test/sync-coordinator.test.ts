/**
 * The sync coordinator (catch-up) against a fake SyncHost: a real DeliveryLedger and OrderLog in
 * a temp dir, `route` admitting batches through the ledger and adding them to the order log as
 * the engine does, sends recorded, a clock moved by hand. Covers asking (the own request is the
 * cut), following a peer's script as its batches arrive in any order, routing what came after the
 * cut, giving up (diverged, out of sequence, stalls, no answer), asking again, answering in
 * chunks, and two collectors catching up at once.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { decodeSync, encodeSyncOrder, encodeSyncRequest, ORDER_ENTRIES_MAX, type BatchHeader, type BatchId, type NodeId, type SyncOrder, type SyncRequest } from '@ringlog/delivery';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CapturedMessage } from '../src/catch-up.ts';
import { DeliveryLedger } from '../src/delivery-ledger.ts';
import { OrderLog } from '../src/order-log.ts';
import { ANSWER_TIMEOUT_MS, REPLAY_STALL_MS, REQUEST_ATTEMPTS_MAX, SyncCoordinator, type SyncEvent, type SyncHost } from '../src/sync-coordinator.ts';
import { tempDir } from './support/engine-harness.ts';

const SHIPPER_A: NodeId = '0123456789abcdef0123456789abcdef';
const SHIPPER_B: NodeId = 'fedcba9876543210fedcba9876543210';
const COLLECTOR_1: NodeId = '11111111111111111111111111111111';
const COLLECTOR_2: NodeId = '22222222222222222222222222222222';
const COLLECTOR_3: NodeId = '33333333333333333333333333333333';
const GROUP = 'www';
/** Every batch is BATCH_BYTES of its shipper's history: batch n is [n * BATCH_BYTES, (n + 1) * BATCH_BYTES). */
const BATCH_BYTES = 10;

let base: string;
const logs: OrderLog[] = [];

beforeEach(async () => {
  base = await tempDir('ringlog-sync-');
});

afterEach(async () => {
  for (const log of logs.splice(0)) log.close();
  await rm(base, { recursive: true, force: true });
});

/** Batch `index` of `shipperId`, as the ring would deliver it. */
function batch(shipperId: NodeId, index: number): CapturedMessage {
  const header: BatchHeader = { shipperId, floorOffset: 0, startOffset: index * BATCH_BYTES, endOffset: (index + 1) * BATCH_BYTES };
  return { groups: [GROUP], body: Buffer.from(`${shipperId.slice(0, 2)}#${index}\n`), header };
}

function plain(text: string): CapturedMessage {
  return { groups: [GROUP], body: Buffer.from(`${text}\n`), header: null };
}

const a = (index: number): CapturedMessage => batch(SHIPPER_A, index);
const b = (index: number): CapturedMessage => batch(SHIPPER_B, index);
const idOf = (message: CapturedMessage): BatchId => {
  const header = message.header as BatchHeader;
  return { shipperId: header.shipperId, startOffset: header.startOffset, endOffset: header.endOffset };
};
const text = (messages: readonly CapturedMessage[]): string[] => messages.map((message) => message.body.toString().trimEnd());

/**
 * One collector as the coordinator sees it. `deliver` and `deliverSync` take messages from the
 * ring as the engine does when no flush runs: captured while catching up, else routed.
 */
class Collector implements SyncHost {
  readonly collectorId: NodeId;
  readonly privateGroup: string;
  readonly ledger = new DeliveryLedger();
  readonly orderLog: OrderLog;
  readonly sync: SyncCoordinator;
  /** What `route` was called with, in order. */
  readonly routed: CapturedMessage[] = [];
  /** What reached the files: batches the ledger admitted, and plain messages. */
  readonly written: CapturedMessage[] = [];
  readonly replies: { to: string; bodies: readonly Buffer[] }[] = [];
  readonly requests: Buffer[] = [];
  readonly events: SyncEvent[] = [];
  ledgerChanges = 0;
  peer = true;
  requestSucceeds = true;
  nowMs = 1_000_000;

  constructor(collectorId: NodeId) {
    this.collectorId = collectorId;
    this.privateGroup = `#c${collectorId.slice(0, 1)}#box`;
    const dir = join(base, collectorId);
    mkdirSync(dir, { recursive: true });
    this.orderLog = OrderLog.open(dir, 0);
    logs.push(this.orderLog);
    this.sync = new SyncCoordinator(this);
  }

  route(message: CapturedMessage): void {
    this.routed.push(message);
    if (message.header !== null) {
      if (this.ledger.admit(message.header) !== 'write') return;
      this.orderLog.add(message.header);
    }
    this.written.push(message);
  }

  ledgerChanged(): void {
    this.ledgerChanges++;
  }

  reply(to: string, bodies: readonly Buffer[]): void {
    this.replies.push({ to, bodies });
  }

  request(body: Buffer): boolean {
    this.requests.push(body);
    return this.requestSucceeds;
  }

  peerKnown(): boolean {
    return this.peer;
  }

  now(): number {
    return this.nowMs;
  }

  log(event: SyncEvent): void {
    this.events.push(event);
  }

  deliver(...messages: CapturedMessage[]): void {
    for (const message of messages) {
      if (this.sync.capturing) this.sync.capture(message.groups, message.body, message.header);
      else this.route(message);
    }
  }

  deliverSync(sender: string, data: Buffer): void {
    const message = this.sync.decode(data);
    if (message?.kind === 'request') this.sync.onRequest(sender, message);
    else if (message?.kind === 'order') this.sync.onOrder(message);
  }

  /** begin() with its request encoded, as the engine returns it. */
  begin(syncId: number): Buffer {
    const request = this.sync.begin(syncId);
    if (request === null) throw new Error('nothing to catch up from');
    return encodeSyncRequest(request);
  }

  /** Everything this collector replied so far, decoded, and forgotten. */
  takeReplies(): { to: string; orders: SyncOrder[] }[] {
    return this.replies.splice(0).map(({ to, bodies }) => ({ to, orders: bodies.map((body) => decodeSync(body) as SyncOrder) }));
  }

  eventTypes(): string[] {
    return this.events.map((event) => event.type);
  }
}

/** The order message a peer with `entries` after `firstIndex` would send. */
function orderBody(syncId: number, firstIndex: number, entries: readonly CapturedMessage[], fields: Partial<Omit<SyncOrder, 'kind'>> = {}): Buffer {
  return encodeSyncOrder({ responderId: COLLECTOR_2, syncId, diverged: false, final: true, firstIndex, entries: entries.map(idOf), ...fields });
}

function decodedRequest(body: Buffer): SyncRequest {
  return decodeSync(body) as SyncRequest;
}

describe('sync coordinator - catching up', () => {
  it('begin: null for an empty order log (nothing to follow); otherwise a request with the length and chain, and capturing starts', () => {
    const box = new Collector(COLLECTOR_1);
    expect(box.sync.begin(7)).toBeNull();
    expect(box.sync.capturing).toBe(false);
    expect(box.sync.counters.requests).toBe(0);

    box.deliver(a(0), b(0));
    const request = box.sync.begin(8);
    expect(request).toEqual({ kind: 'request', collectorId: COLLECTOR_1, syncId: 8, orderLength: 2, chain: box.orderLog.chainAt(2) });
    expect(box.sync.capturing).toBe(true);
    expect(box.sync.counters.requests).toBe(1);
    expect(box.events).toEqual([{ type: 'asked', orderLength: 2 }]);
    box.deliver(a(1));
    expect(box.routed).toHaveLength(2);
  });

  it('the own request is the cut: an answer before it is ignored, stale requests and other ids do not cut', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    const request = box.begin(5);
    box.deliver(a(1));
    // An answer cannot come before the request it answers: ignored.
    box.deliverSync('#peer', orderBody(5, 1, [a(1)]));
    // A request of an earlier catch-up (another sync id) comes back late: not the cut.
    box.deliverSync(box.privateGroup, encodeSyncRequest({ ...decodedRequest(request), syncId: 4 }));
    box.deliverSync('#peer', orderBody(5, 1, [a(1)]));
    expect(box.sync.capturing).toBe(true);
    expect(box.routed).toHaveLength(1);

    box.deliverSync(box.privateGroup, request);
    box.deliver(a(2));
    // The request again (a duplicate) does not move the cut.
    box.deliverSync(box.privateGroup, request);
    box.deliver(b(0));
    // An answer to another sync id is not for this catch-up.
    box.deliverSync('#peer', orderBody(6, 1, [a(1)]));
    expect(box.sync.capturing).toBe(true);
    box.deliverSync('#peer', orderBody(5, 1, [a(1)]));
    expect(box.sync.capturing).toBe(false);
    expect(text(box.written)).toEqual(text([a(0), a(1), a(2), b(0)]));
    expect(box.sync.counters.caughtUp).toBe(1);
  });

  it('follows the script in script order as contents arrive out of order (some before the cut), then routes what came after the cut', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0), b(0));
    const request = box.begin(11);
    // Before the cut: a batch the peer wrote (its content) and a repeat.
    box.deliver(b(2), a(0));
    box.deliverSync(box.privateGroup, request);
    // After the cut: new batches (the peer writes them after its script), then the answer.
    box.deliver(a(3), b(3));
    // The peer wrote a1 b1 b2 a2 in that order before the cut.
    const script = [a(1), b(1), b(2), a(2)];
    box.deliverSync('#peer', orderBody(11, 2, script));
    expect(box.sync.capturing).toBe(true);
    expect(box.events.at(-1)).toEqual({ type: 'asked', orderLength: 2 });
    // The script's shippers are asked to send again from this collector's offsets.
    expect(box.ledgerChanges).toBe(1);
    expect(box.ledger.takeChanges(false)).toEqual([
      { shipperId: SHIPPER_A, writtenTo: 0, gap: true },
      { shipperId: SHIPPER_B, writtenTo: 0, gap: true },
    ]);

    // The resends arrive shipper by shipper, b first: nothing can be written before a1.
    box.deliver(b(1));
    expect(box.routed).toHaveLength(2);
    box.deliver(a(1));
    // a1 and b1 (and b2, here since before the cut) are written; a2 is not here yet.
    expect(text(box.routed.slice(2))).toEqual(text([a(1), b(1), b(2)]));
    expect(box.sync.capturing).toBe(true);
    box.deliver(a(2));
    expect(box.sync.capturing).toBe(false);
    // Then everything after the cut, in delivery order: a3 b3, and the resends as repeats.
    expect(text(box.routed.slice(2))).toEqual(text([a(1), b(1), b(2), a(2), a(3), b(3), b(1), a(1), a(2)]));
    expect(text(box.written)).toEqual(text([a(0), b(0), a(1), b(1), b(2), a(2), a(3), b(3)]));
    expect(box.orderLog.read(0, 100).map((id) => ({ shipperId: id.shipperId, startOffset: id.startOffset, endOffset: id.endOffset }))).toEqual(box.written.map(idOf));
    expect(box.sync.counters).toMatchObject({ requests: 1, caughtUp: 1, gaveUp: 0 });
    expect(box.events.at(-1)).toEqual({ type: 'caught-up', responder: COLLECTOR_2, entries: 4, capturedMessages: 7 });

    // Caught up: messages are routed as they come.
    box.deliver(a(4));
    expect(box.written.at(-1)).toEqual(a(4));
  });

  it('plain messages captured before the cut are written too, after the script', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    const request = box.begin(3);
    box.deliver(plain('before the cut'), a(1));
    box.deliverSync(box.privateGroup, request);
    box.deliver(plain('after the cut'));
    box.deliverSync('#peer', orderBody(3, 1, [a(1)]));
    expect(box.sync.capturing).toBe(false);
    expect(text(box.written)).toEqual([...text([a(0), a(1)]), 'before the cut', 'after the cut']);
  });

  it('an answer in several messages is one script; an empty final answer means nothing was missed', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    const request = box.begin(9);
    box.deliverSync(box.privateGroup, request);
    box.deliver(b(0), a(2), a(1));
    box.deliverSync('#peer', orderBody(9, 1, [a(1)], { final: false }));
    box.deliverSync('#peer', orderBody(9, 2, [b(0), a(2)], { final: false }));
    expect(box.sync.capturing).toBe(true);
    box.deliverSync('#peer', orderBody(9, 4, [], { final: true }));
    expect(box.sync.capturing).toBe(false);
    expect(text(box.written)).toEqual(text([a(0), a(1), b(0), a(2)]));

    const nothing = new Collector(COLLECTOR_3);
    nothing.deliver(a(0));
    const again = nothing.begin(10);
    nothing.deliverSync(nothing.privateGroup, again);
    nothing.deliver(a(1));
    nothing.deliverSync('#peer', orderBody(10, 1, []));
    expect(nothing.sync.capturing).toBe(false);
    expect(text(nothing.written)).toEqual(text([a(0), a(1)]));
  });

  it('only the first peer to answer is followed', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    const request = box.begin(9);
    box.deliverSync(box.privateGroup, request);
    box.deliverSync('#peer', orderBody(9, 1, [a(1)], { final: false }));
    // Another peer answers with a different order: ignored, not a divergence.
    box.deliverSync('#other', orderBody(9, 1, [b(0)], { responderId: COLLECTOR_3, diverged: true }));
    box.deliverSync('#peer', orderBody(9, 2, [b(0)]));
    box.deliver(b(0), a(1));
    expect(box.sync.capturing).toBe(false);
    expect(text(box.written)).toEqual(text([a(0), a(1), b(0)]));
    expect(box.sync.counters.gaveUp).toBe(0);
  });
});

describe('sync coordinator - giving up', () => {
  /** A collector with a0 written, catching up (cut passed) with a1 b0 captured before and a2 after the cut. */
  function catchingUp(): { box: Collector; syncId: number } {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    const request = box.begin(21);
    box.deliver(b(0), plain('p'));
    box.deliverSync(box.privateGroup, request);
    box.deliver(a(2), a(1));
    return { box, syncId: 21 };
  }

  it('a diverged answer: everything captured is routed in delivery order', () => {
    const { box, syncId } = catchingUp();
    box.deliverSync('#peer', orderBody(syncId, 1, [], { diverged: true }));
    expect(box.sync.capturing).toBe(false);
    expect(text(box.routed)).toEqual(text([a(0), b(0), plain('p'), a(2), a(1)]));
    // a2 came before a1: beyond a gap, dropped (the shipper sends it again).
    expect(text(box.written)).toEqual(text([a(0), b(0), plain('p'), a(1)]));
    expect(box.sync.counters).toMatchObject({ gaveUp: 1, caughtUp: 0 });
    expect(box.events.at(-1)).toMatchObject({ type: 'gave-up', capturedMessages: 4 });
  });

  it('an answer out of sequence: the first, or a later part of it', () => {
    const first = catchingUp();
    first.box.deliverSync('#peer', orderBody(first.syncId, 0, [a(0), a(1)]));
    expect(first.box.sync.capturing).toBe(false);
    expect(first.box.events.at(-1)).toMatchObject({ type: 'gave-up', reason: 'an answer out of sequence' });
    expect(text(first.box.routed)).toEqual(text([a(0), b(0), plain('p'), a(2), a(1)]));

    const later = catchingUp();
    later.box.deliverSync('#peer', orderBody(later.syncId, 1, [a(1)], { final: false }));
    later.box.deliverSync('#peer', orderBody(later.syncId, 3, [a(2)]));
    expect(later.box.sync.capturing).toBe(false);
    expect(later.box.events.at(-1)).toMatchObject({ type: 'gave-up', reason: 'an answer out of sequence' });
  });

  it('a script batch that does not follow the ledger gives up; what the script wrote is not written twice', () => {
    const { box, syncId } = catchingUp();
    // The peer claims a1 then a3: a3 does not start where a1 ended.
    box.deliverSync('#peer', orderBody(syncId, 1, [a(1), a(3)]));
    expect(box.sync.capturing).toBe(true);
    box.deliver(a(3));
    expect(box.sync.capturing).toBe(false);
    expect(box.sync.counters.gaveUp).toBe(1);
    expect(text(box.written)).toEqual(text([a(0), a(1), b(0), plain('p'), a(2), a(3)]));
  });

  it('a catch-up that stops progressing gives up after REPLAY_STALL_MS; until then each check asks the shippers again', () => {
    const { box, syncId } = catchingUp();
    box.deliverSync('#peer', orderBody(syncId, 1, [a(1), b(0), b(1)]));
    expect(text(box.written)).toEqual(text([a(0), a(1), b(0)]));
    box.ledger.takeChanges(true);
    box.nowMs += REPLAY_STALL_MS;
    box.sync.check();
    expect(box.sync.capturing).toBe(true);
    expect(box.ledger.takeChanges(false)).toEqual([{ shipperId: SHIPPER_B, writtenTo: 0, gap: true }]);
    box.nowMs += 1;
    box.sync.check();
    expect(box.sync.capturing).toBe(false);
    expect(box.events.at(-1)).toMatchObject({ type: 'gave-up', reason: 'the batches to replay stopped arriving' });
    expect(text(box.written)).toEqual(text([a(0), a(1), b(0), plain('p'), a(2)]));
  });

  it('giveUp (the connection was lost) routes what was captured, once, and later messages as usual', () => {
    const { box } = catchingUp();
    box.sync.giveUp('lost the daemon connection');
    box.sync.giveUp('again: nothing to do');
    expect(box.sync.counters.gaveUp).toBe(1);
    box.deliver(a(2));
    expect(text(box.written)).toEqual(text([a(0), b(0), plain('p'), a(1), a(2)]));
  });

  it('a new begin gives the running catch-up up first', () => {
    const { box } = catchingUp();
    box.begin(22);
    expect(box.sync.counters).toMatchObject({ gaveUp: 1, requests: 2 });
    expect(box.sync.capturing).toBe(true);
    expect(text(box.written)).toEqual(text([a(0), b(0), plain('p'), a(1)]));
  });
});

describe('sync coordinator - no answer', () => {
  it('with a peer known: asks again after ANSWER_TIMEOUT_MS, REQUEST_ATTEMPTS_MAX requests in all, then gives up', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0), b(0));
    const first = box.begin(100);
    box.deliverSync(box.privateGroup, first);
    box.deliver(a(1));
    const syncIds = [100];
    for (let attempt = 2; attempt <= REQUEST_ATTEMPTS_MAX; attempt++) {
      box.nowMs += ANSWER_TIMEOUT_MS;
      box.sync.check();
      expect(box.requests, `not yet at attempt ${attempt}`).toHaveLength(attempt - 2);
      box.nowMs += 1;
      box.sync.check();
      expect(box.requests, `attempt ${attempt}`).toHaveLength(attempt - 1);
      const again = decodedRequest(box.requests.at(-1) as Buffer);
      expect(again).toMatchObject({ kind: 'request', collectorId: COLLECTOR_1, orderLength: 2 });
      expect(again.chain).toEqual(box.orderLog.chainAt(2));
      expect(syncIds).not.toContain(again.syncId);
      syncIds.push(again.syncId);
      // Odd attempts come back through the ring (a new cut), even ones are lost.
      if (attempt % 2 === 1) box.deliverSync(box.privateGroup, box.requests.at(-1) as Buffer);
      box.deliver(b(attempt - 1));
    }
    expect(box.sync.capturing).toBe(true);
    box.nowMs += ANSWER_TIMEOUT_MS + 1;
    box.sync.check();
    expect(box.requests).toHaveLength(REQUEST_ATTEMPTS_MAX - 1);
    expect(box.sync.capturing).toBe(false);
    expect(box.events.at(-1)).toMatchObject({ type: 'gave-up', reason: 'no peer answered' });
    // Everything captured over all attempts, in order.
    expect(text(box.written)).toEqual(text([a(0), b(0), a(1), ...Array.from({ length: REQUEST_ATTEMPTS_MAX - 1 }, (_, index) => b(index + 1))]));
  });

  it('an answer to an earlier attempt is ignored; one to the latest is followed', () => {
    const box = new Collector(COLLECTOR_1);
    box.deliver(a(0));
    box.deliverSync(box.privateGroup, box.begin(1));
    box.nowMs += ANSWER_TIMEOUT_MS + 1;
    box.sync.check();
    const again = box.requests[0] as Buffer;
    const syncId = decodedRequest(again).syncId;
    box.deliver(a(1));
    box.deliverSync(box.privateGroup, again);
    box.deliverSync('#peer', orderBody(1, 1, [], { diverged: true }));
    expect(box.sync.capturing).toBe(true);
    box.deliverSync('#peer', orderBody(syncId, 1, [a(1)]));
    expect(box.sync.capturing).toBe(false);
    expect(box.sync.counters.caughtUp).toBe(1);
    expect(text(box.written)).toEqual(text([a(0), a(1)]));
  });

  it('without a peer known: no catch-up at all (a lone collector never waits)', () => {
    const box = new Collector(COLLECTOR_1);
    box.peer = false;
    box.deliver(a(0));
    expect(box.sync.begin(1)).toBeNull();
    expect(box.sync.capturing).toBe(false);
    box.deliver(a(1));
    expect(text(box.written)).toEqual(text([a(0), a(1)]));
  });

  it('the request cannot be sent again: gives up', () => {
    const box = new Collector(COLLECTOR_1);
    box.requestSucceeds = false;
    box.deliver(a(0));
    box.begin(1);
    box.deliver(a(1));
    box.nowMs += ANSWER_TIMEOUT_MS + 1;
    box.sync.check();
    expect(box.requests).toHaveLength(1);
    expect(box.sync.capturing).toBe(false);
    expect(box.events.at(-1)).toMatchObject({ type: 'gave-up', reason: 'could not send the request again' });
    expect(text(box.written)).toEqual(text([a(0), a(1)]));
  });
});

describe('sync coordinator - answering', () => {
  /** A collector that wrote `count` batches alternating between the two shippers. */
  function withLog(count: number, id: NodeId = COLLECTOR_2): { box: Collector; messages: CapturedMessage[] } {
    const box = new Collector(id);
    const messages = Array.from({ length: count }, (_, index) => (index % 2 === 0 ? a(index / 2) : b((index - 1) / 2)));
    box.deliver(...messages);
    return { box, messages };
  }

  function requestFor(peer: Collector, orderLength: number, syncId = 77): Buffer {
    return encodeSyncRequest({ collectorId: COLLECTOR_1, syncId, orderLength, chain: peer.orderLog.chainAt(orderLength) });
  }

  it('sends entries [from, length) in chunks of ORDER_ENTRIES_MAX, final on the last, to the requester', () => {
    const total = 2 * ORDER_ENTRIES_MAX + 5;
    const { box, messages } = withLog(total);
    box.orderLog.persist(1000); // some entries on disk, the rest in memory
    for (const from of [0, 3, total - ORDER_ENTRIES_MAX, total - ORDER_ENTRIES_MAX - 1]) {
      box.deliverSync('#c1#box', requestFor(box, from));
      const [reply] = box.takeReplies();
      expect(reply?.to).toBe('#c1#box');
      const orders = reply?.orders ?? [];
      expect(orders.length, `from ${from}`).toBe(Math.ceil((total - from) / ORDER_ENTRIES_MAX));
      let next = from;
      for (const [index, order] of orders.entries()) {
        expect(order).toMatchObject({ kind: 'order', responderId: COLLECTOR_2, syncId: 77, diverged: false, final: index === orders.length - 1, firstIndex: next });
        expect(order.entries.length).toBe(index === orders.length - 1 ? total - next : ORDER_ENTRIES_MAX);
        next += order.entries.length;
      }
      expect(orders.flatMap((order) => order.entries)).toEqual(messages.slice(from).map(idOf));
    }
    expect(box.sync.counters.answers).toBe(4);
    expect(box.events.at(-1)).toEqual({ type: 'answered', to: '#c1#box', fromIndex: total - ORDER_ENTRIES_MAX - 1, entries: ORDER_ENTRIES_MAX + 1, diverged: false });
  });

  it('exactly ORDER_ENTRIES_MAX entries: one final message; nothing missed: one empty final message', () => {
    const { box } = withLog(ORDER_ENTRIES_MAX + 2);
    box.deliverSync('#c1#box', requestFor(box, 2));
    const [full] = box.takeReplies();
    expect(full?.orders.map((order) => [order.firstIndex, order.entries.length, order.final])).toEqual([[2, ORDER_ENTRIES_MAX, true]]);
    box.deliverSync('#c1#box', requestFor(box, ORDER_ENTRIES_MAX + 2));
    const [empty] = box.takeReplies();
    expect(empty?.orders).toEqual([{ kind: 'order', responderId: COLLECTOR_2, syncId: 77, diverged: false, final: true, firstIndex: ORDER_ENTRIES_MAX + 2, entries: [] }]);
  });

  it('a different chain at the requested length: one diverged final message without entries', () => {
    const { box } = withLog(6);
    const other = new Collector(COLLECTOR_1);
    other.deliver(b(0), a(0), a(1));
    box.deliverSync('#c1#box', encodeSyncRequest({ collectorId: COLLECTOR_1, syncId: 5, orderLength: 3, chain: other.orderLog.chainAt(3) }));
    const [reply] = box.takeReplies();
    expect(reply?.orders).toEqual([{ kind: 'order', responderId: COLLECTOR_2, syncId: 5, diverged: true, final: true, firstIndex: 3, entries: [] }]);
    expect(box.events.at(-1)).toMatchObject({ type: 'answered', diverged: true, entries: 0 });
  });

  it('behind the requester: silence', () => {
    const { box } = withLog(3);
    box.deliverSync('#c1#box', encodeSyncRequest({ collectorId: COLLECTOR_1, syncId: 5, orderLength: 4, chain: Buffer.alloc(8) }));
    expect(box.replies).toEqual([]);
    expect(box.sync.counters.answers).toBe(0);
    expect(box.events.at(-1)).toMatchObject({ type: 'not-answered', to: '#c1#box' });
  });

  it('a bad catch-up message is counted and ignored', () => {
    const { box } = withLog(3);
    box.deliverSync('#c1#box', Buffer.from([1, 9, 0]));
    expect(box.sync.counters.badMessages).toBe(1);
    expect(box.events.at(-1)?.type).toBe('bad-message');
    expect(box.replies).toEqual([]);
  });
});

/** Collectors on one ring: every multicast reaches every member in one order; replies go to one. */
class Ring {
  readonly #members: Collector[];
  readonly #queue: { from: Collector; to: string | null; data: Buffer }[] = [];

  constructor(members: Collector[]) {
    this.#members = members;
  }

  multicast(...messages: CapturedMessage[]): void {
    for (const message of messages) for (const member of this.#members) member.deliver(message);
  }

  /** A catch-up message to the ack group (to: null) or to a private group, in ring order. */
  send(from: Collector, data: Buffer, to: string | null = null): void {
    this.#queue.push({ from, to, data });
  }

  /** Delivers queued catch-up messages (and the replies they cause) in order. */
  pump(): void {
    for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
      for (const member of this.#members) {
        if (next.to !== null && next.to !== member.privateGroup) continue;
        member.deliverSync(next.from.privateGroup, next.data);
        for (const { to, bodies } of member.replies.splice(0)) for (const body of bodies) this.send(member, body, to);
      }
    }
  }
}

describe('sync coordinator - on a ring', () => {
  it('a peer answers at the cut; the returning collector ends with the same order', () => {
    const box1 = new Collector(COLLECTOR_1);
    const box2 = new Collector(COLLECTOR_2);
    const ring = new Ring([box1, box2]);
    ring.multicast(a(0), b(0));
    // box1 is away for a while: box2 writes alone.
    box2.deliver(b(1), a(1), a(2), b(2));
    ring.send(box1, box1.begin(1));
    ring.multicast(b(3)); // ordered before the request
    ring.pump();
    ring.multicast(a(3)); // after it
    ring.pump();
    // The shippers send again from box1's offsets, in a new interleaving, with a new batch.
    ring.multicast(a(1), a(2), a(3), b(1), b(4), b(2), b(3));
    expect(box1.sync.counters.caughtUp).toBe(1);
    expect(box2.sync.counters.answers).toBe(1);
    expect(text(box1.written)).toEqual(text(box2.written));
    expect(box1.orderLog.chainAt(box1.orderLog.length)).toEqual(box2.orderLog.chainAt(box2.orderLog.length));
    expect(box1.written).toHaveLength(9);
  });

  for (const [name, first] of [
    ['the longer log asks first', 'longer'],
    ['the shorter log asks first', 'shorter'],
  ] as const) {
    it(`two catching up at once, ${name}: the longer log gives up and answers; the other follows it`, () => {
      const longer = new Collector(COLLECTOR_1);
      const shorter = new Collector(COLLECTOR_2);
      const ring = new Ring([longer, shorter]);
      ring.multicast(a(0));
      longer.deliver(a(1), b(0));
      const requests = { longer: longer.begin(1), shorter: shorter.begin(2) };
      ring.multicast(b(1), a(2));
      ring.send(first === 'longer' ? longer : shorter, requests[first]);
      ring.send(first === 'longer' ? shorter : longer, requests[first === 'longer' ? 'shorter' : 'longer']);
      ring.pump();
      expect(longer.sync.capturing).toBe(false);
      expect(longer.sync.counters).toMatchObject({ gaveUp: 1, answers: 1 });
      expect(shorter.eventTypes()).toContain('not-answered');
      // The shorter one follows the longer one's order as the shippers send again.
      ring.multicast(a(3), a(1), b(0), b(2));
      expect(shorter.sync.capturing).toBe(false);
      expect(shorter.sync.counters.caughtUp).toBe(1);
      expect(text(shorter.written)).toEqual(text(longer.written));
      expect(text(longer.written)).toEqual(text([a(0), a(1), b(0), b(1), a(2), a(3), b(2)]));
    });
  }

  it('two catching up at once with logs of the same length: the larger id leads', () => {
    const small = new Collector(COLLECTOR_1);
    const large = new Collector(COLLECTOR_3);
    const ring = new Ring([small, large]);
    ring.multicast(a(0), b(0));
    ring.send(small, small.begin(1));
    ring.send(large, large.begin(2));
    ring.multicast(a(1));
    ring.pump();
    ring.multicast(b(1));
    expect(large.sync.capturing).toBe(false);
    expect(large.sync.counters).toMatchObject({ gaveUp: 1, answers: 1 });
    expect(small.sync.counters).toMatchObject({ caughtUp: 1, answers: 0 });
    expect(text(small.written)).toEqual(text(large.written));
    expect(text(small.written)).toEqual(text([a(0), b(0), a(1), b(1)]));
  });
});
