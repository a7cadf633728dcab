/**
 * The header a shipper puts in front of every batch it sends in acknowledged mode.
 *
 * A shipper's spool gives every batch a byte range [start, end) of its history; ranges are
 * contiguous (one batch's end is the next one's start) and never reused, and the shipper's id
 * changes whenever its spool is wiped. So (shipper id, start, end) names a batch for ever, and a
 * collector that remembers, per shipper, the end of the last batch it wrote (its "written-to"
 * offset) knows whether a batch is next, already written, or beyond a gap. `floor` is where the
 * shipper's retained history starts at send time: a collector behind it can never get the
 * missing part and starts again at the floor (counted as a gap skipped).
 *
 * Layout (big-endian): version u8 = 1 · shipper id 16 bytes · floor u64 · start u64 · end u64,
 * then the batch body (newline-separated lines).
 */
import { BadBatchError } from './errors.ts';
import { isNodeId, NODE_ID_BYTES, type NodeId } from './node-id.ts';

/** messType of shipper batches ("RB"); plain Spread senders use 0. */
export const BATCH_MESS_TYPE = 0x5242;
const VERSION = 1;
export const BATCH_HEADER_BYTES = 1 + NODE_ID_BYTES + 8 * 3;

export interface BatchHeader {
  readonly shipperId: NodeId;
  readonly floorOffset: number;
  readonly startOffset: number;
  readonly endOffset: number;
}

export interface DecodedBatch extends BatchHeader {
  readonly body: Buffer;
}

/** Header and body in one buffer (one message body). */
export function encodeBatch(header: BatchHeader, body: Uint8Array): Buffer {
  if (!isNodeId(header.shipperId)) throw new BadBatchError(`shipper id ${JSON.stringify(header.shipperId)} is not 32 lowercase hexadecimal digits`);
  checkOffsets(header.floorOffset, header.startOffset, header.endOffset);
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + body.length);
  out[0] = VERSION;
  out.write(header.shipperId, 1, NODE_ID_BYTES, 'hex');
  out.writeBigUInt64BE(BigInt(header.floorOffset), 1 + NODE_ID_BYTES);
  out.writeBigUInt64BE(BigInt(header.startOffset), 9 + NODE_ID_BYTES);
  out.writeBigUInt64BE(BigInt(header.endOffset), 17 + NODE_ID_BYTES);
  out.set(body, BATCH_HEADER_BYTES);
  return out;
}

/** Splits a batch message; throws BadBatchError for anything a shipper would not send. */
export function decodeBatch(data: Buffer): DecodedBatch {
  if (data.length < BATCH_HEADER_BYTES) throw new BadBatchError(`a batch of ${data.length} bytes is shorter than its ${BATCH_HEADER_BYTES}-byte header`);
  if (data[0] !== VERSION) throw new BadBatchError(`batch header version ${data[0]} is not ${VERSION}`);
  const floorOffset = readOffset(data, 1 + NODE_ID_BYTES);
  const startOffset = readOffset(data, 9 + NODE_ID_BYTES);
  const endOffset = readOffset(data, 17 + NODE_ID_BYTES);
  checkOffsets(floorOffset, startOffset, endOffset);
  return { shipperId: data.toString('hex', 1, 1 + NODE_ID_BYTES), floorOffset, startOffset, endOffset, body: data.subarray(BATCH_HEADER_BYTES) };
}

/** The body alone, for readers that only show lines (the live tail): the whole message if not a valid batch. */
export function batchBody(data: Buffer, messType: number): Buffer {
  if (messType !== BATCH_MESS_TYPE) return data;
  try {
    return decodeBatch(data).body;
  } catch {
    return data;
  }
}

function readOffset(data: Buffer, at: number): number {
  const value = data.readBigUInt64BE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadBatchError(`batch offset ${value} is past 2^53`);
  return Number(value);
}

function checkOffsets(floor: number, start: number, end: number): void {
  const safe = Number.isSafeInteger(floor) && Number.isSafeInteger(start) && Number.isSafeInteger(end);
  if (!safe || floor < 0 || floor > start || start >= end) throw new BadBatchError(`batch offsets floor ${floor}, start ${start}, end ${end} are not 0 <= floor <= start < end`);
}
