/**
 * Collector acknowledgements: what encodeAck writes decodeAck reads back, from none to the most
 * entries a message holds, with gap flags and written-to offsets at both ends of the range; and
 * encode refuses what a collector never sends.
 */
import { describe, expect, it } from 'vitest';
import {
  ACK_ENTRIES_MAX,
  type AckEntry,
  type AckMessage,
  BadAckError,
  decodeAck,
  DeliveryError,
  DeliveryErrorCode,
  encodeAck,
} from '../src/index.ts';
import { COLLECTOR, SHIPPER_A, SHIPPER_B, shipperIdAt } from './support/ids.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const HEADER_BYTES = 2 + 16 + 4;
const ENTRY_BYTES = 16 + 8 + 1;

function expectBadAck(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BadAckError);
  expect(thrown).toBeInstanceOf(DeliveryError);
  expect((thrown as BadAckError).code).toBe(DeliveryErrorCode.BAD_ACK);
  expect((thrown as BadAckError).name).toBe('BadAckError');
}

function roundTrip(message: AckMessage): AckMessage {
  const encoded = encodeAck(message);
  expect(encoded.length).toBe(HEADER_BYTES + ENTRY_BYTES * message.entries.length);
  return decodeAck(encoded);
}

describe('ack-message - round trip', () => {
  it('ack-message - no entries', () => {
    const message: AckMessage = { collectorId: COLLECTOR, entries: [] };
    expect(roundTrip(message)).toEqual(message);
  });

  it('ack-message - one entry, with and without a gap', () => {
    for (const gap of [false, true]) {
      const message: AckMessage = { collectorId: COLLECTOR, entries: [{ shipperId: SHIPPER_A, writtenTo: 12_345, gap }] };
      expect(roundTrip(message)).toEqual(message);
    }
  });

  it('ack-message - written-to 0 and MAX_SAFE_INTEGER', () => {
    const message: AckMessage = {
      collectorId: COLLECTOR,
      entries: [
        { shipperId: SHIPPER_A, writtenTo: 0, gap: false },
        { shipperId: SHIPPER_B, writtenTo: MAX, gap: true },
        { shipperId: shipperIdAt(3), writtenTo: 2 ** 32, gap: false },
      ],
    };
    expect(roundTrip(message)).toEqual(message);
  });

  it('ack-message - ACK_ENTRIES_MAX entries, in order, with their flags', () => {
    const entries: AckEntry[] = Array.from({ length: ACK_ENTRIES_MAX }, (_, i) => ({ shipperId: shipperIdAt(i), writtenTo: i === ACK_ENTRIES_MAX - 1 ? MAX : i * 1_000_003, gap: i % 3 === 0 }));
    const message: AckMessage = { collectorId: COLLECTOR, entries };
    expect(roundTrip(message)).toEqual(message);
  });

  it('ack-message - the layout is version, reserved zero, collector id, count', () => {
    const encoded = encodeAck({ collectorId: COLLECTOR, entries: [{ shipperId: SHIPPER_A, writtenTo: 258, gap: true }] });
    expect([encoded[0], encoded[1]]).toEqual([1, 0]);
    expect(encoded.toString('hex', 2, 18)).toBe(COLLECTOR);
    expect(encoded.readUInt32BE(18)).toBe(1);
    expect(encoded.toString('hex', 22, 38)).toBe(SHIPPER_A);
    expect(encoded.readBigUInt64BE(38)).toBe(258n);
    expect(encoded[46]).toBe(1);
  });
});

describe('ack-message - encode refuses', () => {
  it('ack-message - more than ACK_ENTRIES_MAX entries', () => {
    const entries: AckEntry[] = Array.from({ length: ACK_ENTRIES_MAX + 1 }, (_, i) => ({ shipperId: shipperIdAt(i), writtenTo: i, gap: false }));
    expectBadAck(() => encodeAck({ collectorId: COLLECTOR, entries }));
  });

  it('ack-message - written-to offsets that are negative, fractional or past 2^53', () => {
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 60]) {
      expectBadAck(() => encodeAck({ collectorId: COLLECTOR, entries: [{ shipperId: SHIPPER_A, writtenTo: 1, gap: false }, { shipperId: SHIPPER_B, writtenTo: bad, gap: false }] }));
    }
  });

  it('ack-message - ids that are not 32 lowercase hex digits', () => {
    for (const bad of ['', 'abc', COLLECTOR.toUpperCase(), `${COLLECTOR}0`, ` ${COLLECTOR.slice(1)}`]) {
      expectBadAck(() => encodeAck({ collectorId: bad, entries: [] }));
      expectBadAck(() => encodeAck({ collectorId: COLLECTOR, entries: [{ shipperId: bad, writtenTo: 0, gap: false }] }));
    }
  });
});
