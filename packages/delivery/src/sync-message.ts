/**
 * The collectors' catch-up messages (docs/delivery.md, "Catching up"): a collector that was away
 * asks the others, through the ring, for the order in which they wrote the batches it missed, so
 * that it writes them in the same order and its files end byte-identical.
 *
 * SYNC_REQUEST (to the ack group, so it takes its place in the ring's total order): version u8 ·
 * kind u8 = 1 · collector id 16 · sync id u32 · order length u64 · chain 8 (the requester's
 * order-log hash after that many entries).
 * SYNC_ORDER (to the requester's private group): version · kind = 2 · responder id 16 · sync id
 * u32 · status u8 (0 = entries follow, 1 = the logs diverged) · final u8 · first index u64 ·
 * count u32, then per entry: shipper id 16 · start u64 · end u64.
 */
import { DeliveryError, DeliveryErrorCode } from './errors.ts';
import { NODE_ID_BYTES, isNodeId, type NodeId } from './node-id.ts';

/** messType of catch-up messages ("RY"). */
export const SYNC_MESS_TYPE = 0x5259;
const VERSION = 1;
const REQUEST = 1;
const ORDER = 2;
export const CHAIN_BYTES = 8;
const REQUEST_BYTES = 2 + NODE_ID_BYTES + 4 + 8 + CHAIN_BYTES;
const ORDER_HEADER_BYTES = 2 + NODE_ID_BYTES + 4 + 1 + 1 + 8 + 4;
export const ORDER_ENTRY_BYTES = NODE_ID_BYTES + 8 + 8;
/** Entries per SYNC_ORDER message, well under a Spread message. */
export const ORDER_ENTRIES_MAX = 2048;

export interface BatchId {
  readonly shipperId: NodeId;
  readonly startOffset: number;
  readonly endOffset: number;
}

export interface SyncRequest {
  readonly kind: 'request';
  readonly collectorId: NodeId;
  readonly syncId: number;
  readonly orderLength: number;
  readonly chain: Buffer;
}

export interface SyncOrder {
  readonly kind: 'order';
  readonly responderId: NodeId;
  readonly syncId: number;
  readonly diverged: boolean;
  readonly final: boolean;
  readonly firstIndex: number;
  readonly entries: readonly BatchId[];
}

export class BadSyncError extends DeliveryError {
  constructor(message: string) {
    super(DeliveryErrorCode.BAD_SYNC, message);
  }
}

export function encodeSyncRequest(request: Omit<SyncRequest, 'kind'>): Buffer {
  checkId(request.collectorId);
  const out = Buffer.alloc(REQUEST_BYTES);
  out[0] = VERSION;
  out[1] = REQUEST;
  out.write(request.collectorId, 2, NODE_ID_BYTES, 'hex');
  out.writeUInt32BE(request.syncId >>> 0, 2 + NODE_ID_BYTES);
  out.writeBigUInt64BE(BigInt(request.orderLength), 6 + NODE_ID_BYTES);
  request.chain.copy(out, 14 + NODE_ID_BYTES, 0, CHAIN_BYTES);
  return out;
}

export function encodeSyncOrder(order: Omit<SyncOrder, 'kind'>): Buffer {
  checkId(order.responderId);
  if (order.entries.length > ORDER_ENTRIES_MAX) throw new BadSyncError(`a SYNC_ORDER holds at most ${ORDER_ENTRIES_MAX} entries`);
  const out = Buffer.alloc(ORDER_HEADER_BYTES + ORDER_ENTRY_BYTES * order.entries.length);
  out[0] = VERSION;
  out[1] = ORDER;
  out.write(order.responderId, 2, NODE_ID_BYTES, 'hex');
  let at = 2 + NODE_ID_BYTES;
  out.writeUInt32BE(order.syncId >>> 0, at);
  out[at + 4] = order.diverged ? 1 : 0;
  out[at + 5] = order.final ? 1 : 0;
  out.writeBigUInt64BE(BigInt(order.firstIndex), at + 6);
  out.writeUInt32BE(order.entries.length, at + 14);
  at = ORDER_HEADER_BYTES;
  for (const entry of order.entries) {
    checkId(entry.shipperId);
    out.write(entry.shipperId, at, NODE_ID_BYTES, 'hex');
    out.writeBigUInt64BE(BigInt(entry.startOffset), at + NODE_ID_BYTES);
    out.writeBigUInt64BE(BigInt(entry.endOffset), at + NODE_ID_BYTES + 8);
    at += ORDER_ENTRY_BYTES;
  }
  return out;
}

/** Throws BadSyncError for anything a collector would not send. */
export function decodeSync(data: Buffer): SyncRequest | SyncOrder {
  if (data.length < 2 || data[0] !== VERSION) throw new BadSyncError('a catch-up message must start with version 1');
  if (data[1] === REQUEST) return decodeRequest(data);
  if (data[1] === ORDER) return decodeOrder(data);
  throw new BadSyncError(`unknown catch-up message kind ${data[1]}`);
}

function decodeRequest(data: Buffer): SyncRequest {
  if (data.length !== REQUEST_BYTES) throw new BadSyncError(`a SYNC_REQUEST is ${REQUEST_BYTES} bytes, not ${data.length}`);
  return {
    kind: 'request',
    collectorId: data.toString('hex', 2, 2 + NODE_ID_BYTES),
    syncId: data.readUInt32BE(2 + NODE_ID_BYTES),
    orderLength: safe(data.readBigUInt64BE(6 + NODE_ID_BYTES)),
    chain: Buffer.from(data.subarray(14 + NODE_ID_BYTES, 14 + NODE_ID_BYTES + CHAIN_BYTES)),
  };
}

function decodeOrder(data: Buffer): SyncOrder {
  if (data.length < ORDER_HEADER_BYTES) throw new BadSyncError(`a SYNC_ORDER of ${data.length} bytes is shorter than its header`);
  const at = 2 + NODE_ID_BYTES;
  const count = data.readUInt32BE(at + 14);
  if (count > ORDER_ENTRIES_MAX || data.length !== ORDER_HEADER_BYTES + count * ORDER_ENTRY_BYTES) throw new BadSyncError(`a SYNC_ORDER of ${count} entries cannot be ${data.length} bytes`);
  if ((data[at + 4] as number) > 1 || (data[at + 5] as number) > 1) throw new BadSyncError(`a SYNC_ORDER's status and final flags are 0 or 1, not ${data[at + 4]} and ${data[at + 5]}`);
  const entries: BatchId[] = [];
  for (let offset = ORDER_HEADER_BYTES; offset < data.length; offset += ORDER_ENTRY_BYTES) {
    const startOffset = safe(data.readBigUInt64BE(offset + NODE_ID_BYTES));
    const endOffset = safe(data.readBigUInt64BE(offset + NODE_ID_BYTES + 8));
    if (startOffset >= endOffset) throw new BadSyncError(`a SYNC_ORDER entry [${startOffset}, ${endOffset}) is empty`);
    entries.push({ shipperId: data.toString('hex', offset, offset + NODE_ID_BYTES), startOffset, endOffset });
  }
  return {
    kind: 'order',
    responderId: data.toString('hex', 2, 2 + NODE_ID_BYTES),
    syncId: data.readUInt32BE(at),
    diverged: data[at + 4] === 1,
    final: data[at + 5] === 1,
    firstIndex: safe(data.readBigUInt64BE(at + 6)),
    entries,
  };
}

function safe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadSyncError(`catch-up value ${value} is past 2^53`);
  return Number(value);
}

function checkId(id: string): void {
  if (!isNodeId(id)) throw new BadSyncError(`${JSON.stringify(id.slice(0, 40))} is not an id of 32 hex digits`);
}
