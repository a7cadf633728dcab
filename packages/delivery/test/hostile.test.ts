/**
 * Hostile bytes for decodeBatch and decodeAck: every truncation of a valid message, wrong
 * versions, offsets past 2^53, absurd and inconsistent ack counts, trailing bytes, seeded random
 * buffers and bit-flipped valid messages. Each decode either returns a structurally valid value
 * or throws its own DeliveryError subclass with its stable code; never anything else.
 * Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import {
  ACK_ENTRIES_MAX,
  type AckMessage,
  BadAckError,
  BadBatchError,
  BATCH_HEADER_BYTES,
  decodeAck,
  decodeBatch,
  DeliveryErrorCode,
  encodeAck,
  encodeBatch,
  isNodeId,
} from '../src/index.ts';
import { COLLECTOR, SHIPPER_A, SHIPPER_B } from './support/ids.ts';
import { caseSeed, createPrng, flipBits, type Prng } from './support/prng.ts';

const ACK_HEADER_BYTES = 2 + 16 + 4;
const ACK_ENTRY_BYTES = 16 + 8 + 1;
const ACK_COUNT_AT = 18;
/** Where the u64 offsets of a batch header start: floor, start, end. */
const BATCH_OFFSETS_AT = [17, 25, 33] as const;
const RANDOM_CASES = 2_000;

type Outcome = { ok: true } | { ok: false; why: string };
const ok: Outcome = { ok: true };
const bad = (why: string): Outcome => ({ ok: false, why });

/** What a caller may rely on in a decoded batch. */
function validBatch(data: Buffer, run: () => ReturnType<typeof decodeBatch>): Outcome {
  let batch: ReturnType<typeof decodeBatch>;
  try {
    batch = run();
  } catch (error) {
    if (error instanceof BadBatchError && error.code === DeliveryErrorCode.BAD_BATCH) return { ok: false, why: 'refused' };
    return bad(`threw ${String(error)}`);
  }
  const { shipperId, floorOffset: floor, startOffset: start, endOffset: end, body } = batch;
  if (!isNodeId(shipperId)) return bad(`shipper id ${shipperId}`);
  if (![floor, start, end].every((n) => Number.isSafeInteger(n)) || floor < 0 || floor > start || start >= end) return bad(`offsets ${floor} ${start} ${end}`);
  if (body.length !== data.length - BATCH_HEADER_BYTES) return bad(`body of ${body.length} bytes in ${data.length}`);
  if (data[0] !== 1) return bad(`accepted version ${data[0]}`);
  return ok;
}

/** What a caller may rely on in a decoded acknowledgement. */
function validAck(data: Buffer, run: () => AckMessage): Outcome {
  let ack: AckMessage;
  try {
    ack = run();
  } catch (error) {
    if (error instanceof BadAckError && error.code === DeliveryErrorCode.BAD_ACK) return { ok: false, why: 'refused' };
    return bad(`threw ${String(error)}`);
  }
  if (!isNodeId(ack.collectorId)) return bad(`collector id ${ack.collectorId}`);
  if (ack.entries.length > ACK_ENTRIES_MAX) return bad(`${ack.entries.length} entries`);
  if (data.length !== ACK_HEADER_BYTES + ack.entries.length * ACK_ENTRY_BYTES) return bad(`${ack.entries.length} entries in ${data.length} bytes`);
  if (data[0] !== 1) return bad(`accepted version ${data[0]}`);
  for (const entry of ack.entries) {
    if (!isNodeId(entry.shipperId)) return bad(`shipper id ${entry.shipperId}`);
    if (!Number.isSafeInteger(entry.writtenTo) || entry.writtenTo < 0) return bad(`written-to ${entry.writtenTo}`);
    if (typeof entry.gap !== 'boolean') return bad(`gap ${String(entry.gap)}`);
  }
  return ok;
}

const checkBatch = (data: Buffer): Outcome => validBatch(data, () => decodeBatch(data));
const checkAck = (data: Buffer): Outcome => validAck(data, () => decodeAck(data));
const isRefused = (outcome: Outcome): boolean => !outcome.ok && outcome.why === 'refused';
const isAccepted = (outcome: Outcome): boolean => outcome.ok;

/** Plain checks in the hot loops: expect() per case would make the fuzz slow. */
function check(outcome: Outcome, prng: Prng, what: string): void {
  if (!outcome.ok && outcome.why !== 'refused') throw new Error(`${what}: ${outcome.why} (seed ${prng.seed}; rerun with RINGLOG_TEST_SEED)`);
}

const validBatchMessage = encodeBatch({ shipperId: SHIPPER_A, floorOffset: 100, startOffset: 200, endOffset: 212 }, Buffer.from('hello world\n'));
const validAckMessage = encodeAck({
  collectorId: COLLECTOR,
  entries: [
    { shipperId: SHIPPER_A, writtenTo: 4_096, gap: false },
    { shipperId: SHIPPER_B, writtenTo: Number.MAX_SAFE_INTEGER, gap: true },
  ],
});

describe('hostile - batch', () => {
  it('hostile - every truncation inside the header is refused', () => {
    for (let length = 0; length < BATCH_HEADER_BYTES; length++) expect(checkBatch(validBatchMessage.subarray(0, length)), `length ${length}`).toEqual({ ok: false, why: 'refused' });
  });

  it('hostile - every truncation of the body still decodes (the body is the rest of the message)', () => {
    for (let length = BATCH_HEADER_BYTES; length < validBatchMessage.length; length++) {
      const data = validBatchMessage.subarray(0, length);
      expect(checkBatch(data), `length ${length}`).toEqual(ok);
      expect(decodeBatch(data).body.length).toBe(length - BATCH_HEADER_BYTES);
    }
  });

  it('hostile - every version but 1 is refused', () => {
    for (let version = 0; version < 256; version++) {
      const data = Buffer.from(validBatchMessage);
      data[0] = version;
      expect(version === 1 ? isAccepted(checkBatch(data)) : isRefused(checkBatch(data)), `version ${version}`).toBe(true);
    }
  });

  it('hostile - offsets past 2^53 are refused in every field', () => {
    for (const at of BATCH_OFFSETS_AT) {
      for (const value of [0xffff_ffff_ffff_ffffn, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n]) {
        const data = Buffer.from(validBatchMessage);
        data.writeBigUInt64BE(value, at);
        expect(checkBatch(data), `${value} at ${at}`).toEqual({ ok: false, why: 'refused' });
      }
    }
  });

  it('hostile - offsets out of order are refused', () => {
    const withOffsets = (floor: bigint, start: bigint, end: bigint): Buffer => {
      const data = Buffer.from(validBatchMessage);
      [floor, start, end].forEach((value, i) => data.writeBigUInt64BE(value, BATCH_OFFSETS_AT[i]!));
      return data;
    };
    expect(checkBatch(withOffsets(5n, 4n, 10n))).toEqual({ ok: false, why: 'refused' });
    expect(checkBatch(withOffsets(0n, 10n, 10n))).toEqual({ ok: false, why: 'refused' });
    expect(checkBatch(withOffsets(0n, 11n, 10n))).toEqual({ ok: false, why: 'refused' });
    expect(checkBatch(withOffsets(0n, 0n, 0n))).toEqual({ ok: false, why: 'refused' });
    expect(checkBatch(withOffsets(9n, 9n, 10n))).toEqual(ok);
  });

  it('hostile - random buffers are decoded or refused, never anything else', () => {
    let accepted = 0;
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(i));
      const data = prng.bytes(prng.pick([prng.int(BATCH_HEADER_BYTES + 8), prng.int(300), prng.int(70_000)]));
      // Half the cases get version 1 and small offsets, so the offset checks see real traffic.
      if (data.length > 0 && prng.bool()) data[0] = 1;
      if (data.length >= BATCH_HEADER_BYTES && prng.bool()) for (const at of BATCH_OFFSETS_AT) data.fill(0, at, at + prng.range(2, 8));
      const outcome = checkBatch(data);
      check(outcome, prng, `random batch of ${data.length} bytes`);
      if (outcome.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('hostile - bit-flipped valid batches are decoded or refused, never anything else', () => {
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(RANDOM_CASES + i));
      const data = Buffer.from(validBatchMessage);
      flipBits(prng, data, prng.range(1, 8));
      check(checkBatch(data), prng, 'flipped batch');
    }
  });
});

describe('hostile - ack', () => {
  it('hostile - every truncation of a valid ack is refused', () => {
    for (let length = 0; length < validAckMessage.length; length++) expect(checkAck(validAckMessage.subarray(0, length)), `length ${length}`).toEqual({ ok: false, why: 'refused' });
  });

  it('hostile - trailing bytes are refused', () => {
    for (const extra of [1, ACK_ENTRY_BYTES - 1, ACK_ENTRY_BYTES, 1_000]) {
      expect(checkAck(Buffer.concat([validAckMessage, Buffer.alloc(extra)])), `${extra} extra`).toEqual({ ok: false, why: 'refused' });
    }
    const empty = encodeAck({ collectorId: COLLECTOR, entries: [] });
    expect(checkAck(Buffer.concat([empty, Buffer.alloc(1)]))).toEqual({ ok: false, why: 'refused' });
  });

  it('hostile - every version but 1 is refused', () => {
    for (let version = 0; version < 256; version++) {
      const data = Buffer.from(validAckMessage);
      data[0] = version;
      expect(version === 1 ? isAccepted(checkAck(data)) : isRefused(checkAck(data)), `version ${version}`).toBe(true);
    }
  });

  it('hostile - written-to offsets past 2^53 are refused in every entry', () => {
    for (const entry of [0, 1]) {
      for (const value of [0xffff_ffff_ffff_ffffn, 2n ** 53n, 2n ** 63n]) {
        const data = Buffer.from(validAckMessage);
        data.writeBigUInt64BE(value, ACK_HEADER_BYTES + entry * ACK_ENTRY_BYTES + 16);
        expect(checkAck(data), `${value} in entry ${entry}`).toEqual({ ok: false, why: 'refused' });
      }
    }
  });

  it('hostile - a count above ACK_ENTRIES_MAX is refused, even with the bytes to match', () => {
    for (const count of [ACK_ENTRIES_MAX + 1, 0xffff_ffff, 2 ** 31]) {
      const data = Buffer.from(validAckMessage);
      data.writeUInt32BE(count, ACK_COUNT_AT);
      expect(checkAck(data), `count ${count}`).toEqual({ ok: false, why: 'refused' });
    }
    const full = Buffer.alloc(ACK_HEADER_BYTES + (ACK_ENTRIES_MAX + 1) * ACK_ENTRY_BYTES);
    full[0] = 1;
    full.write(COLLECTOR, 2, 'hex');
    full.writeUInt32BE(ACK_ENTRIES_MAX + 1, ACK_COUNT_AT);
    expect(checkAck(full)).toEqual({ ok: false, why: 'refused' });
    full.writeUInt32BE(ACK_ENTRIES_MAX, ACK_COUNT_AT);
    expect(checkAck(full.subarray(0, full.length - ACK_ENTRY_BYTES))).toEqual(ok);
  });

  it('hostile - a count that does not match the length is refused', () => {
    for (const count of [0, 1, 3, ACK_ENTRIES_MAX]) {
      const data = Buffer.from(validAckMessage);
      data.writeUInt32BE(count, ACK_COUNT_AT);
      expect(checkAck(data), `count ${count}`).toEqual({ ok: false, why: 'refused' });
    }
  });

  it('hostile - random buffers are decoded or refused, never anything else', () => {
    let accepted = 0;
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(3 * RANDOM_CASES + i));
      let data: Buffer;
      if (prng.bool()) {
        data = prng.bytes(prng.pick([prng.int(ACK_HEADER_BYTES + 8), prng.int(300), prng.int(4_000)]));
        if (data.length > 0 && prng.bool()) data[0] = 1;
      } else {
        // Version 1 with a count that matches (or nearly matches) the length, so the entry checks see real traffic.
        const count = prng.int(6);
        data = prng.bytes(ACK_HEADER_BYTES + count * ACK_ENTRY_BYTES + prng.pick([0, 0, 0, -1, 1]));
        data[0] = 1;
        if (data.length >= ACK_HEADER_BYTES) data.writeUInt32BE(count, ACK_COUNT_AT);
        for (let at = ACK_HEADER_BYTES + 16; at + 8 <= data.length; at += ACK_ENTRY_BYTES) if (prng.int(4) !== 0) data.fill(0, at, at + 2);
      }
      const outcome = checkAck(data);
      check(outcome, prng, `random ack of ${data.length} bytes`);
      if (outcome.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('hostile - bit-flipped valid acks are decoded or refused, never anything else', () => {
    for (let i = 0; i < RANDOM_CASES; i++) {
      const prng = createPrng(caseSeed(4 * RANDOM_CASES + i));
      const data = Buffer.from(validAckMessage);
      flipBits(prng, data, prng.range(1, 8));
      check(checkAck(data), prng, 'flipped ack');
    }
  });
});
