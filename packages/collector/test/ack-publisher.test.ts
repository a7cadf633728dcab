/**
 * The acknowledgement publisher with a fake send and fake timers: what each message holds
 * (decoded with decodeAck), when it goes (throttled to one per minIntervalMs, everything every
 * fullIntervalMs), splitting past ACK_ENTRIES_MAX, a send that fails, and stop().
 */
import { ACK_ENTRIES_MAX, decodeAck, type AckEntry, type AckMessage, type NodeId } from '@ringlog/delivery';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckPublisher } from '../src/ack-publisher.ts';
import { DeliveryLedger } from '../src/delivery-ledger.ts';

const COLLECTOR: NodeId = 'c011ec7000000000000000000000c0de';
const SHIPPER_A: NodeId = '0123456789abcdef0123456789abcdef';
const SHIPPER_B: NodeId = 'fedcba9876543210fedcba9876543210';
const SHIPPER_C: NodeId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const MIN_MS = 50;
const FULL_MS = 1000;

function shipperIdAt(index: number): NodeId {
  return `5417${index.toString(16).padStart(28, '0')}`;
}

interface Harness {
  readonly ledger: DeliveryLedger;
  readonly publisher: AckPublisher;
  /** Decoded messages handed to send, in order. */
  readonly messages: AckMessage[];
  /** What send answers. */
  connected: boolean;
}

const publishers: AckPublisher[] = [];

function start(ledger = new DeliveryLedger()): Harness {
  const messages: AckMessage[] = [];
  const harness: Harness = {
    ledger,
    messages,
    connected: true,
    publisher: undefined as unknown as AckPublisher,
  };
  const publisher = new AckPublisher(ledger, {
    collectorId: COLLECTOR,
    minIntervalMs: MIN_MS,
    fullIntervalMs: FULL_MS,
    send: (body) => {
      messages.push(decodeAck(body));
      return harness.connected;
    },
  });
  publishers.push(publisher);
  return Object.assign(harness, { publisher });
}

/** Admits the next batch of `shipperId` ([at, at + length)) and commits everything, as a flush does. */
function writeAndCommit(ledger: DeliveryLedger, shipperId: NodeId, at: number, length = 10): void {
  expect(ledger.admit({ shipperId, floorOffset: 0, startOffset: at, endOffset: at + length })).toBe('write');
  ledger.committed(ledger.acceptedSnapshot());
}

function sorted(entries: readonly AckEntry[]): AckEntry[] {
  return [...entries].sort((left, right) => left.shipperId.localeCompare(right.shipperId));
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});

afterEach(() => {
  for (const publisher of publishers.splice(0)) publisher.stop();
  vi.useRealTimers();
});

describe('ack publisher', () => {
  it('changed() sends only the changed shippers, at once the first time, as this collector', () => {
    const { ledger, publisher, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    writeAndCommit(ledger, SHIPPER_B, 0);
    ledger.takeChanges(false); // acknowledged before
    writeAndCommit(ledger, SHIPPER_A, 10);

    publisher.changed();
    expect(messages).toEqual([]); // never synchronously
    vi.advanceTimersByTime(0);
    expect(messages).toEqual([{ collectorId: COLLECTOR, entries: [{ shipperId: SHIPPER_A, writtenTo: 20, gap: false }] }]);
    expect(publisher.sent).toBe(1);
    expect(ledger.hasChanges).toBe(false);

    // Nothing changed: a changed() call sends nothing.
    vi.advanceTimersByTime(MIN_MS);
    publisher.changed();
    vi.advanceTimersByTime(MIN_MS);
    expect(messages).toHaveLength(1);
    expect(publisher.sent).toBe(1);
  });

  it('throttles a burst of changes into one message, minIntervalMs after the last one', () => {
    const { ledger, publisher, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    publisher.changed();
    vi.advanceTimersByTime(0);
    expect(messages).toHaveLength(1);

    vi.advanceTimersByTime(10);
    writeAndCommit(ledger, SHIPPER_B, 0);
    publisher.changed();
    writeAndCommit(ledger, SHIPPER_C, 0);
    publisher.changed();
    writeAndCommit(ledger, SHIPPER_B, 10);
    publisher.changed();
    vi.advanceTimersByTime(MIN_MS - 10 - 1);
    expect(messages).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(messages).toHaveLength(2);
    expect(sorted(messages[1]?.entries ?? [])).toEqual(
      sorted([
        { shipperId: SHIPPER_B, writtenTo: 20, gap: false },
        { shipperId: SHIPPER_C, writtenTo: 10, gap: false },
      ]),
    );
    expect(publisher.sent).toBe(2);
    vi.advanceTimersByTime(FULL_MS - MIN_MS - 1);
    expect(messages).toHaveLength(2);
  });

  it('a gap is acknowledged with its flag', () => {
    const { ledger, publisher, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    ledger.takeChanges(false);
    expect(ledger.admit({ shipperId: SHIPPER_A, floorOffset: 0, startOffset: 30, endOffset: 40 })).toBe('gap');
    publisher.changed();
    vi.advanceTimersByTime(0);
    expect(messages).toEqual([{ collectorId: COLLECTOR, entries: [{ shipperId: SHIPPER_A, writtenTo: 10, gap: true }] }]);
  });

  it('every fullIntervalMs sends every shipper, unchanged ones and gap flags included', () => {
    const { ledger, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    writeAndCommit(ledger, SHIPPER_B, 0, 25);
    expect(ledger.admit({ shipperId: SHIPPER_C, floorOffset: 5, startOffset: 9, endOffset: 12 })).toBe('gap');
    ledger.takeChanges(false);
    vi.advanceTimersByTime(FULL_MS - 1);
    expect(messages).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(messages).toHaveLength(1);
    const expected = sorted([
      { shipperId: SHIPPER_A, writtenTo: 10, gap: false },
      { shipperId: SHIPPER_B, writtenTo: 25, gap: false },
      { shipperId: SHIPPER_C, writtenTo: 5, gap: true },
    ]);
    expect(messages[0]?.collectorId).toBe(COLLECTOR);
    expect(sorted(messages[0]?.entries ?? [])).toEqual(expected);
    vi.advanceTimersByTime(FULL_MS);
    expect(messages).toHaveLength(2);
    expect(sorted(messages[1]?.entries ?? [])).toEqual(expected);
  });

  it('a full acknowledgement takes the pending changes with it: the throttled send then has nothing to send', () => {
    const { ledger, publisher, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    publisher.changed();
    vi.advanceTimersByTime(0);
    writeAndCommit(ledger, SHIPPER_A, 10);
    publisher.changed();
    publisher.publishAllNow();
    expect(messages).toHaveLength(2);
    expect(messages[1]?.entries).toEqual([{ shipperId: SHIPPER_A, writtenTo: 20, gap: false }]);
    vi.advanceTimersByTime(MIN_MS);
    expect(messages).toHaveLength(2);
  });

  it('an empty ledger sends nothing, ever', () => {
    const { publisher, messages } = start();
    publisher.changed();
    publisher.publishAllNow();
    vi.advanceTimersByTime(FULL_MS * 3);
    expect(messages).toEqual([]);
    expect(publisher.sent).toBe(0);
  });

  it(`more than ACK_ENTRIES_MAX (${ACK_ENTRIES_MAX}) shippers go out in several messages, each shipper once`, () => {
    const ledger = new DeliveryLedger();
    const count = ACK_ENTRIES_MAX * 2 + 7;
    for (let index = 0; index < count; index++) ledger.admit({ shipperId: shipperIdAt(index), floorOffset: 0, startOffset: 0, endOffset: index + 1 });
    ledger.committed(ledger.acceptedSnapshot());
    const { publisher, messages } = start(ledger);
    publisher.publishAllNow();
    expect(messages.map((message) => message.entries.length)).toEqual([ACK_ENTRIES_MAX, ACK_ENTRIES_MAX, 7]);
    expect(publisher.sent).toBe(3);
    const seen = new Map<NodeId, number>();
    for (const message of messages) for (const entry of message.entries) seen.set(entry.shipperId, entry.writtenTo);
    expect(seen.size).toBe(count);
    for (let index = 0; index < count; index++) expect(seen.get(shipperIdAt(index))).toBe(index + 1);

    // The changes of so many shippers split the same way.
    for (let index = 0; index < count; index++) ledger.admit({ shipperId: shipperIdAt(index), floorOffset: 0, startOffset: index + 1, endOffset: index + 2 });
    ledger.committed(ledger.acceptedSnapshot());
    publisher.changed();
    vi.advanceTimersByTime(MIN_MS);
    expect(messages.slice(3).map((message) => message.entries.length)).toEqual([ACK_ENTRIES_MAX, ACK_ENTRIES_MAX, 7]);
  });

  it('a send that fails is tolerated and not counted; the next full acknowledgement repeats it', () => {
    const harness = start();
    const { ledger, publisher, messages } = harness;
    harness.connected = false;
    writeAndCommit(ledger, SHIPPER_A, 0);
    publisher.changed();
    expect(() => vi.advanceTimersByTime(0)).not.toThrow();
    expect(messages).toHaveLength(1);
    expect(publisher.sent).toBe(0);
    harness.connected = true;
    vi.advanceTimersByTime(FULL_MS);
    expect(messages).toHaveLength(2);
    expect(messages[1]?.entries).toEqual([{ shipperId: SHIPPER_A, writtenTo: 10, gap: false }]);
    expect(publisher.sent).toBe(1);
  });

  it('stop() cancels the throttled send and the full interval', () => {
    const { ledger, publisher, messages } = start();
    writeAndCommit(ledger, SHIPPER_A, 0);
    publisher.changed();
    vi.advanceTimersByTime(0);
    writeAndCommit(ledger, SHIPPER_A, 10);
    publisher.changed(); // throttled: due in MIN_MS
    publisher.stop();
    vi.advanceTimersByTime(FULL_MS * 5);
    expect(messages).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    publisher.stop(); // twice is fine
  });
});
