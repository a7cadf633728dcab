/**
 * The acknowledgement a collector multicasts to the ack group: for each shipper, the end offset
 * of the last batch it has written *and recorded durably* (its written-to offset), and whether
 * it has seen a batch beyond that offset (a gap: something between was never delivered to it,
 * so the shipper should send again from the written-to offset).
 *
 * Layout (big-endian): version u8 = 1 · reserved u8 = 0 · collector id 16 bytes · count u32,
 * then per shipper: id 16 bytes · written-to u64 · flags u8 (bit 0 = gap).
 */
import { BadAckError } from './errors.ts';
import { isNodeId, NODE_ID_BYTES, type NodeId } from './node-id.ts';

/** messType of collector acknowledgements ("RA"). */
export const ACK_MESS_TYPE = 0x5241;
/** The group collectors acknowledge to and shippers listen on, unless configured otherwise. */
export const DEFAULT_ACK_GROUP = 'ringlog-acks';
const VERSION = 1;
const HEADER_BYTES = 2 + NODE_ID_BYTES + 4;
const ENTRY_BYTES = NODE_ID_BYTES + 8 + 1;
const GAP_FLAG = 1;
/** Entries per message at most, so one acknowledgement stays well under a Spread message. */
export const ACK_ENTRIES_MAX = 4096;

export interface AckEntry {
  readonly shipperId: NodeId;
  readonly writtenTo: number;
  readonly gap: boolean;
}

export interface AckMessage {
  readonly collectorId: NodeId;
  readonly entries: readonly AckEntry[];
}

export function encodeAck(message: AckMessage): Buffer {
  if (message.entries.length > ACK_ENTRIES_MAX) throw new BadAckError(`an acknowledgement holds at most ${ACK_ENTRIES_MAX} entries, not ${message.entries.length}`);
  if (!isNodeId(message.collectorId)) throw new BadAckError(`collector id ${JSON.stringify(message.collectorId)} is not 32 lowercase hexadecimal digits`);
  const out = Buffer.alloc(HEADER_BYTES + ENTRY_BYTES * message.entries.length);
  out[0] = VERSION;
  out.write(message.collectorId, 2, NODE_ID_BYTES, 'hex');
  out.writeUInt32BE(message.entries.length, 2 + NODE_ID_BYTES);
  let at = HEADER_BYTES;
  for (const entry of message.entries) {
    if (!isNodeId(entry.shipperId)) throw new BadAckError(`shipper id ${JSON.stringify(entry.shipperId)} is not 32 lowercase hexadecimal digits`);
    if (!Number.isSafeInteger(entry.writtenTo) || entry.writtenTo < 0) throw new BadAckError(`written-to offset ${entry.writtenTo} is not a safe non-negative integer`);
    out.write(entry.shipperId, at, NODE_ID_BYTES, 'hex');
    out.writeBigUInt64BE(BigInt(entry.writtenTo), at + NODE_ID_BYTES);
    out[at + NODE_ID_BYTES + 8] = entry.gap ? GAP_FLAG : 0;
    at += ENTRY_BYTES;
  }
  return out;
}

/** Throws BadAckError for anything a collector would not send. */
export function decodeAck(data: Buffer): AckMessage {
  if (data.length < HEADER_BYTES) throw new BadAckError(`an acknowledgement of ${data.length} bytes is shorter than its ${HEADER_BYTES}-byte header`);
  if (data[0] !== VERSION) throw new BadAckError(`acknowledgement version ${data[0]} is not ${VERSION}`);
  const count = data.readUInt32BE(2 + NODE_ID_BYTES);
  if (count > ACK_ENTRIES_MAX) throw new BadAckError(`an acknowledgement claims ${count} entries, more than ${ACK_ENTRIES_MAX}`);
  if (data.length !== HEADER_BYTES + count * ENTRY_BYTES) throw new BadAckError(`an acknowledgement of ${count} entries must be ${HEADER_BYTES + count * ENTRY_BYTES} bytes, not ${data.length}`);
  const entries: AckEntry[] = [];
  for (let at = HEADER_BYTES; at < data.length; at += ENTRY_BYTES) {
    const value = data.readBigUInt64BE(at + NODE_ID_BYTES);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadAckError(`written-to offset ${value} is past 2^53`);
    entries.push({ shipperId: data.toString('hex', at, at + NODE_ID_BYTES), writtenTo: Number(value), gap: (data[at + NODE_ID_BYTES + 8]! & GAP_FLAG) !== 0 });
  }
  return { collectorId: data.toString('hex', 2, 2 + NODE_ID_BYTES), entries };
}
