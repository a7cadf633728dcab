/**
 * The catch-up messages (SYNC_REQUEST, SYNC_ORDER): round trips of both kinds at their limits,
 * what encode refuses, and hostile bytes for decodeSync: every truncation, wrong versions and
 * kinds, counts that do not match the length, empty entry ranges, values past 2^53, flag bytes
 * other than 0 and 1, seeded random buffers and bit-flipped valid messages. decodeSync either
 * returns a structurally valid value or throws BadSyncError (RL_DELIVERY_BAD_SYNC); never anything
 * else. Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import {
  BadSyncError,
  type BatchId,
  CHAIN_BYTES,
  decodeSync,
  DeliveryErrorCode,
  encodeSyncOrder,
  encodeSyncRequest,
  isNodeId,
  ORDER_ENTRIES_MAX,
  ORDER_ENTRY_BYTES,
  type SyncOrder,
  type SyncRequest,
} from '../src/index.ts';
import { COLLECTOR, SHIPPER_A, SHIPPER_B, shipperIdAt } from './support/ids.ts';
import { caseSeed, createPrng, flipBits, type Prng } from './support/prng.ts';

const ID_AT = 2;
const REQUEST_BYTES = 2 + 16 + 4 + 8 + CHAIN_BYTES;
const REQUEST_LENGTH_AT = 2 + 16 + 4;
const ORDER_STATUS_AT = 2 + 16 + 4;
const ORDER_FINAL_AT = ORDER_STATUS_AT + 1;
const ORDER_FIRST_AT = ORDER_STATUS_AT + 2;
const ORDER_COUNT_AT = ORDER_FIRST_AT + 8;
const ORDER_HEADER_BYTES = ORDER_COUNT_AT + 4;
const RANDOM_CASES = 2_000;
/** Where this file's seeds start (distinct from hostile.test.ts's). */
const SEED_BASE = 10 * RANDOM_CASES;

const chain = Buffer.from('0123456789abcdef', 'hex');
const request: Omit<SyncRequest, 'kind'> = { collectorId: COLLECTOR, syncId: 0x7fff_fff0, orderLength: 12_345, chain };

function entriesOf(count: number, start = 0): BatchId[] {
  return Array.from({ length: count }, (_, index) => ({ shipperId: index % 3 === 0 ? SHIPPER_A : shipperIdAt(index), startOffset: start + index * 100, endOffset: start + index * 100 + 1 + (index % 99) }));
}

function order(fields: Partial<Omit<SyncOrder, 'kind'>> = {}): Omit<SyncOrder, 'kind'> {
  return { responderId: COLLECTOR, syncId: 42, diverged: false, final: true, firstIndex: 7, entries: entriesOf(3), ...fields };
}

const validRequest = encodeSyncRequest(request);
const validOrder = encodeSyncOrder(order({ entries: [...entriesOf(2), { shipperId: SHIPPER_B, startOffset: Number.MAX_SAFE_INTEGER - 1, endOffset: Number.MAX_SAFE_INTEGER }] }));

type Outcome = { ok: true } | { ok: false; why: string };
const ok: Outcome = { ok: true };
const refused: Outcome = { ok: false, why: 'refused' };

const isSafe = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** What a caller may rely on in a decoded catch-up message. */
function checkSync(data: Buffer): Outcome {
  let message: SyncRequest | SyncOrder;
  try {
    message = decodeSync(data);
  } catch (error) {
    if (error instanceof BadSyncError && error.code === DeliveryErrorCode.BAD_SYNC) return refused;
    return { ok: false, why: `threw ${String(error)}` };
  }
  const bad = (why: string): Outcome => ({ ok: false, why });
  if (data[0] !== 1) return bad(`accepted version ${data[0]}`);
  if (!Number.isInteger(message.syncId) || message.syncId < 0 || message.syncId > 0xffff_ffff) return bad(`sync id ${message.syncId}`);
  if (message.kind === 'request') {
    if (data[1] !== 1) return bad(`a request of kind ${data[1]}`);
    if (data.length !== REQUEST_BYTES) return bad(`a request of ${data.length} bytes`);
    if (!isNodeId(message.collectorId)) return bad(`collector id ${message.collectorId}`);
    if (!isSafe(message.orderLength)) return bad(`order length ${message.orderLength}`);
    if (message.chain.length !== CHAIN_BYTES) return bad(`chain of ${message.chain.length} bytes`);
    return ok;
  }
  if (data[1] !== 2) return bad(`an order of kind ${data[1]}`);
  if (!isNodeId(message.responderId)) return bad(`responder id ${message.responderId}`);
  if (typeof message.diverged !== 'boolean' || typeof message.final !== 'boolean') return bad('flags');
  if (!isSafe(message.firstIndex)) return bad(`first index ${message.firstIndex}`);
  if (message.entries.length > ORDER_ENTRIES_MAX) return bad(`${message.entries.length} entries`);
  if (data.length !== ORDER_HEADER_BYTES + message.entries.length * ORDER_ENTRY_BYTES) return bad(`${message.entries.length} entries in ${data.length} bytes`);
  for (const entry of message.entries) {
    if (!isNodeId(entry.shipperId)) return bad(`shipper id ${entry.shipperId}`);
    if (!isSafe(entry.startOffset) || !isSafe(entry.endOffset) || entry.startOffset >= entry.endOffset) return bad(`entry [${entry.startOffset}, ${entry.endOffset})`);
  }
  return ok;
}

/** Plain checks in the hot loops: expect() per case would make the fuzz slow. */
function check(outcome: Outcome, prng: Prng, what: string): void {
  if (!outcome.ok && outcome.why !== 'refused') throw new Error(`${what}: ${outcome.why} (seed ${prng.seed}; rerun with RINGLOG_TEST_SEED)`);
}

describe('sync message - round trips', () => {
  it('a SYNC_REQUEST decodes to what was encoded, at the limits of each field', () => {
    for (const fields of [request, { collectorId: SHIPPER_B, syncId: 0, orderLength: 0, chain: Buffer.alloc(CHAIN_BYTES) }, { collectorId: COLLECTOR, syncId: 0xffff_ffff, orderLength: Number.MAX_SAFE_INTEGER, chain: Buffer.alloc(CHAIN_BYTES, 0xff) }]) {
      const data = encodeSyncRequest(fields);
      expect(data.length).toBe(REQUEST_BYTES);
      expect(decodeSync(data)).toEqual({ kind: 'request', ...fields });
    }
  });

  it('a decoded chain is a copy, not a view of the message', () => {
    const data = Buffer.from(validRequest);
    const decoded = decodeSync(data) as SyncRequest;
    data.fill(0);
    expect(decoded.chain).toEqual(chain);
  });

  it('a SYNC_ORDER of 0, 1 and ORDER_ENTRIES_MAX entries decodes to what was encoded', () => {
    for (const entries of [[], entriesOf(1), entriesOf(ORDER_ENTRIES_MAX, 1_000_000)]) {
      const fields = order({ entries });
      const data = encodeSyncOrder(fields);
      expect(data.length).toBe(ORDER_HEADER_BYTES + entries.length * ORDER_ENTRY_BYTES);
      expect(decodeSync(data)).toEqual({ kind: 'order', ...fields });
    }
  });

  it('every combination of the diverged and final flags survives', () => {
    for (const diverged of [false, true]) {
      for (const final of [false, true]) {
        const fields = order({ diverged, final, entries: diverged ? [] : entriesOf(2) });
        expect(decodeSync(encodeSyncOrder(fields))).toEqual({ kind: 'order', ...fields });
      }
    }
  });

  it('offsets, first index and sync id up to their largest values survive', () => {
    const top = Number.MAX_SAFE_INTEGER;
    const fields = order({
      syncId: 0xffff_ffff,
      firstIndex: top,
      entries: [
        { shipperId: SHIPPER_A, startOffset: 0, endOffset: 1 },
        { shipperId: SHIPPER_B, startOffset: top - 1, endOffset: top },
        { shipperId: 'ffffffffffffffffffffffffffffffff', startOffset: 2 ** 52, endOffset: top },
      ],
    });
    expect(decodeSync(encodeSyncOrder(fields))).toEqual({ kind: 'order', ...fields });
  });
});

describe('sync message - encode refuses', () => {
  const badIds = ['', 'c011ec70', `${COLLECTOR}0`, COLLECTOR.toUpperCase(), `${COLLECTOR.slice(0, 31)}g`, ' '.repeat(32)];

  it('a collector or responder id that is not 32 lowercase hex digits', () => {
    for (const id of badIds) {
      expect(() => encodeSyncRequest({ ...request, collectorId: id }), JSON.stringify(id)).toThrow(BadSyncError);
      expect(() => encodeSyncOrder(order({ responderId: id })), JSON.stringify(id)).toThrow(BadSyncError);
    }
  });

  it('an entry whose shipper id is not an id', () => {
    for (const id of badIds) {
      expect(() => encodeSyncOrder(order({ entries: [...entriesOf(2), { shipperId: id, startOffset: 0, endOffset: 1 }] })), JSON.stringify(id)).toThrow(BadSyncError);
    }
  });

  it('more than ORDER_ENTRIES_MAX entries', () => {
    let error: unknown;
    try {
      encodeSyncOrder(order({ entries: entriesOf(ORDER_ENTRIES_MAX + 1) }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadSyncError);
    expect((error as BadSyncError).code).toBe(DeliveryErrorCode.BAD_SYNC);
    expect(() => encodeSyncOrder(order({ entries: entriesOf(ORDER_ENTRIES_MAX) }))).not.toThrow();
  });
});

describe('sync message - hostile decode', () => {
  it('hostile - every truncation of a valid request and a valid order is refused', () => {
    for (const valid of [validRequest, validOrder, encodeSyncOrder(order({ entries: [] }))]) {
      for (let length = 0; length < valid.length; length++) expect(checkSync(valid.subarray(0, length)), `length ${length} of ${valid.length}`).toEqual(refused);
      expect(checkSync(valid)).toEqual(ok);
    }
  });

  it('hostile - trailing bytes are refused', () => {
    for (const valid of [validRequest, validOrder]) {
      for (const extra of [1, ORDER_ENTRY_BYTES - 1, ORDER_ENTRY_BYTES, 1_000]) expect(checkSync(Buffer.concat([valid, Buffer.alloc(extra)])), `${extra} extra`).toEqual(refused);
    }
  });

  it('hostile - every version but 1 is refused', () => {
    for (const valid of [validRequest, validOrder]) {
      for (let version = 0; version < 256; version++) {
        const data = Buffer.from(valid);
        data[0] = version;
        expect(checkSync(data), `version ${version}`).toEqual(version === 1 ? ok : refused);
      }
    }
  });

  it('hostile - every kind but 1 and 2 is refused, and a request is never read as an order (or back)', () => {
    for (const valid of [validRequest, validOrder]) {
      for (let kind = 0; kind < 256; kind++) {
        const data = Buffer.from(valid);
        data[1] = kind;
        expect(checkSync(data), `kind ${kind}`).toEqual(kind === valid[1] ? ok : refused);
      }
    }
  });

  it('hostile - a count that does not match the length is refused', () => {
    for (const count of [0, 1, 2, 4, ORDER_ENTRIES_MAX, ORDER_ENTRIES_MAX + 1, 2 ** 31, 0xffff_ffff]) {
      const data = Buffer.from(validOrder);
      data.writeUInt32BE(count, ORDER_COUNT_AT);
      expect(checkSync(data), `count ${count}`).toEqual(refused);
    }
  });

  it('hostile - a count above ORDER_ENTRIES_MAX is refused even with the bytes to match', () => {
    const full = Buffer.alloc(ORDER_HEADER_BYTES + (ORDER_ENTRIES_MAX + 1) * ORDER_ENTRY_BYTES);
    full[0] = 1;
    full[1] = 2;
    full.write(COLLECTOR, ID_AT, 'hex');
    for (let at = ORDER_HEADER_BYTES; at < full.length; at += ORDER_ENTRY_BYTES) full.writeBigUInt64BE(1n, at + 16 + 8);
    full.writeUInt32BE(ORDER_ENTRIES_MAX + 1, ORDER_COUNT_AT);
    expect(checkSync(full)).toEqual(refused);
    full.writeUInt32BE(ORDER_ENTRIES_MAX, ORDER_COUNT_AT);
    expect(checkSync(full.subarray(0, full.length - ORDER_ENTRY_BYTES))).toEqual(ok);
  });

  it('hostile - an entry with start >= end is refused, wherever it is', () => {
    for (const entry of [0, 1, 2]) {
      for (const [start, end] of [
        [5n, 5n],
        [6n, 5n],
        [0n, 0n],
        [BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)],
      ] as const) {
        const data = Buffer.from(validOrder);
        const at = ORDER_HEADER_BYTES + entry * ORDER_ENTRY_BYTES + 16;
        data.writeBigUInt64BE(start, at);
        data.writeBigUInt64BE(end, at + 8);
        expect(checkSync(data), `[${start}, ${end}) in entry ${entry}`).toEqual(refused);
      }
    }
  });

  it('hostile - values past 2^53 are refused in every field that holds one', () => {
    const fields = [
      { valid: validRequest, at: REQUEST_LENGTH_AT, what: 'order length' },
      { valid: validOrder, at: ORDER_FIRST_AT, what: 'first index' },
      ...[0, 1, 2].flatMap((entry) => [
        { valid: validOrder, at: ORDER_HEADER_BYTES + entry * ORDER_ENTRY_BYTES + 16, what: `start of entry ${entry}` },
        { valid: validOrder, at: ORDER_HEADER_BYTES + entry * ORDER_ENTRY_BYTES + 24, what: `end of entry ${entry}` },
      ]),
    ];
    for (const { valid, at, what } of fields) {
      for (const value of [2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 0xffff_ffff_ffff_ffffn]) {
        const data = Buffer.from(valid);
        data.writeBigUInt64BE(value, at);
        expect(checkSync(data), `${value} as ${what}`).toEqual(refused);
      }
    }
  });

  it('hostile - status and final bytes other than 0 and 1 are refused', () => {
    for (const at of [ORDER_STATUS_AT, ORDER_FINAL_AT]) {
      for (let value = 0; value < 256; value++) {
        const data = Buffer.from(validOrder);
        data[at] = value;
        expect(checkSync(data), `${value} at ${at}`).toEqual(value <= 1 ? ok : refused);
      }
    }
  });

  it('hostile - random buffers are decoded or refused, never anything else', () => {
    let accepted = 0;
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(SEED_BASE + i));
      let data: Buffer;
      switch (prng.int(3)) {
        case 0:
          data = prng.bytes(prng.pick([prng.int(ORDER_HEADER_BYTES + 8), prng.int(300), prng.int(4_000)]));
          if (data.length > 0 && prng.bool()) data[0] = 1;
          if (data.length > 1 && prng.bool()) data[1] = prng.range(1, 2);
          break;
        case 1:
          // A request-sized buffer of version 1, kind 1, with a small order length half the time.
          data = prng.bytes(REQUEST_BYTES + prng.pick([0, 0, 0, -1, 1]));
          data[0] = 1;
          data[1] = 1;
          if (prng.bool() && data.length >= REQUEST_LENGTH_AT + 8) data.fill(0, REQUEST_LENGTH_AT, REQUEST_LENGTH_AT + prng.range(1, 7));
          break;
        default: {
          // Version 1, kind 2, a count that matches (or nearly matches) the length, mostly small values and 0/1 flags.
          const count = prng.int(6);
          data = prng.bytes(ORDER_HEADER_BYTES + count * ORDER_ENTRY_BYTES + prng.pick([0, 0, 0, -1, 1]));
          data[0] = 1;
          data[1] = 2;
          if (prng.int(4) !== 0) data[ORDER_STATUS_AT] = prng.int(2);
          if (prng.int(4) !== 0) data[ORDER_FINAL_AT] = prng.int(2);
          if (prng.int(4) !== 0) data.fill(0, ORDER_FIRST_AT, ORDER_FIRST_AT + 2);
          if (data.length >= ORDER_HEADER_BYTES) data.writeUInt32BE(count, ORDER_COUNT_AT);
          for (let at = ORDER_HEADER_BYTES + 16; at + 16 <= data.length; at += ORDER_ENTRY_BYTES) {
            if (prng.int(4) === 0) continue;
            data.fill(0, at, at + 2);
            data.fill(0, at + 8, at + 10);
          }
        }
      }
      const outcome = checkSync(data);
      check(outcome, prng, `random buffer of ${data.length} bytes`);
      if (outcome.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('hostile - bit-flipped valid messages are decoded or refused, never anything else', () => {
    let accepted = 0;
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(SEED_BASE + RANDOM_CASES + i));
      const data = Buffer.from(prng.bool() ? validRequest : validOrder);
      flipBits(prng, data, prng.range(1, 8));
      const outcome = checkSync(data);
      check(outcome, prng, `flipped ${data[1] === 1 ? 'request' : 'order'}`);
      if (outcome.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
