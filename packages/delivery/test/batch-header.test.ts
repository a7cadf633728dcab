/**
 * The batch header: what encodeBatch writes decodeBatch reads back, at the edges of the offset
 * range and of the body size; batchBody falls back to the whole message; and encode refuses
 * offsets and ids a shipper never has.
 */
import { describe, expect, it } from 'vitest';
import {
  BadBatchError,
  BATCH_HEADER_BYTES,
  BATCH_MESS_TYPE,
  type BatchHeader,
  batchBody,
  decodeBatch,
  DeliveryError,
  DeliveryErrorCode,
  encodeBatch,
} from '../src/index.ts';
import { SHIPPER_A, SHIPPER_B } from './support/ids.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const header = (floorOffset: number, startOffset: number, endOffset: number, shipperId = SHIPPER_A): BatchHeader => ({ shipperId, floorOffset, startOffset, endOffset });

function expectBadBatch(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BadBatchError);
  expect(thrown).toBeInstanceOf(DeliveryError);
  expect((thrown as BadBatchError).code).toBe(DeliveryErrorCode.BAD_BATCH);
  expect((thrown as BadBatchError).name).toBe('BadBatchError');
}

describe('batch-header - round trip', () => {
  it('batch-header - decode gives back the header and the body', () => {
    const body = Buffer.from('line one\nline two\n');
    const encoded = encodeBatch(header(10, 100, 100 + body.length), body);
    expect(encoded.length).toBe(BATCH_HEADER_BYTES + body.length);
    expect(encoded[0]).toBe(1);
    const decoded = decodeBatch(encoded);
    expect({ ...decoded, body: decoded.body.toString() }).toEqual({ ...header(10, 100, 100 + body.length), body: body.toString() });
  });

  it('batch-header - the decoded body is a view of the message', () => {
    const encoded = encodeBatch(header(0, 0, 3), Buffer.from('abc'));
    const { body } = decodeBatch(encoded);
    expect(body.buffer).toBe(encoded.buffer);
    expect(body.byteOffset).toBe(encoded.byteOffset + BATCH_HEADER_BYTES);
  });

  it('batch-header - offsets at the edges of the safe range survive', () => {
    const cases: [number, number, number][] = [
      [0, 0, 1],
      [0, 0, MAX],
      [0, MAX - 1, MAX],
      [MAX - 1, MAX - 1, MAX],
      [2 ** 32, 2 ** 32 + 1, 2 ** 40],
      [2 ** 52, 2 ** 52, 2 ** 52 + 1],
    ];
    for (const [floor, start, end] of cases) {
      const decoded = decodeBatch(encodeBatch(header(floor, start, end, SHIPPER_B), Buffer.from('x')));
      expect([decoded.shipperId, decoded.floorOffset, decoded.startOffset, decoded.endOffset], `${floor} ${start} ${end}`).toEqual([SHIPPER_B, floor, start, end]);
    }
  });

  it('batch-header - an empty body decodes to an empty body', () => {
    const encoded = encodeBatch(header(0, 5, 6), new Uint8Array(0));
    expect(encoded.length).toBe(BATCH_HEADER_BYTES);
    expect(decodeBatch(encoded).body.length).toBe(0);
  });

  it('batch-header - a 128 KiB body comes back byte for byte', () => {
    const body = Buffer.alloc(128 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
    const decoded = decodeBatch(encodeBatch(header(0, 1_000, 1_000 + body.length), body));
    expect(decoded.body.equals(body)).toBe(true);
  });

  it('batch-header - encode takes a plain Uint8Array body', () => {
    const decoded = decodeBatch(encodeBatch(header(0, 0, 3), new Uint8Array([0x61, 0x0a, 0x62])));
    expect(decoded.body.toString()).toBe('a\nb');
  });
});

describe('batch-header - batchBody', () => {
  const body = Buffer.from('hello\n');
  const encoded = encodeBatch(header(0, 0, body.length), body);

  it('batch-header - batchBody returns the body of a batch-typed message', () => {
    expect(batchBody(encoded, BATCH_MESS_TYPE).toString()).toBe('hello\n');
  });

  it('batch-header - batchBody returns the whole message for other types', () => {
    for (const messType of [0, 1, 0x5241, 0x4252]) expect(batchBody(encoded, messType)).toBe(encoded);
  });

  it('batch-header - batchBody returns the whole message when it is not a valid batch', () => {
    const plain = Buffer.from('just a line from a plain sender\n');
    expect(batchBody(plain, BATCH_MESS_TYPE)).toBe(plain);
    const wrongVersion = Buffer.from(encoded);
    wrongVersion[0] = 2;
    expect(batchBody(wrongVersion, BATCH_MESS_TYPE)).toBe(wrongVersion);
    const truncated = encoded.subarray(0, BATCH_HEADER_BYTES - 1);
    expect(batchBody(truncated, BATCH_MESS_TYPE)).toBe(truncated);
    const empty = Buffer.alloc(0);
    expect(batchBody(empty, BATCH_MESS_TYPE)).toBe(empty);
  });
});

describe('batch-header - encode refuses', () => {
  it('batch-header - floor past start', () => {
    expectBadBatch(() => encodeBatch(header(11, 10, 20), Buffer.alloc(0)));
  });

  it('batch-header - start at or past end', () => {
    expectBadBatch(() => encodeBatch(header(0, 10, 10), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(0, 11, 10), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(0, 0, 0), Buffer.alloc(0)));
  });

  it('batch-header - negative offsets', () => {
    expectBadBatch(() => encodeBatch(header(-1, 0, 1), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(-2, -1, 1), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(-3, -2, -1), Buffer.alloc(0)));
  });

  it('batch-header - non-integer offsets', () => {
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectBadBatch(() => encodeBatch(header(bad, 1, 2), Buffer.alloc(0)));
      expectBadBatch(() => encodeBatch(header(0, bad, 2), Buffer.alloc(0)));
      expectBadBatch(() => encodeBatch(header(0, 1, bad), Buffer.alloc(0)));
    }
  });

  it('batch-header - offsets past 2^53', () => {
    expectBadBatch(() => encodeBatch(header(0, 0, 2 ** 53), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(0, 0, 2 ** 53 + 2), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(0, 2 ** 60, 2 ** 61), Buffer.alloc(0)));
    expectBadBatch(() => encodeBatch(header(2 ** 54, 2 ** 54, 2 ** 55), Buffer.alloc(0)));
  });

  it('batch-header - a shipper id that is not 32 lowercase hex digits', () => {
    for (const bad of ['', 'zz', SHIPPER_A.slice(1), `${SHIPPER_A}00`, SHIPPER_A.toUpperCase(), `g${SHIPPER_A.slice(1)}`]) {
      expectBadBatch(() => encodeBatch(header(0, 0, 1, bad), Buffer.from('x')));
    }
  });
});
