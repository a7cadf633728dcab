/**
 * The order log: every shipper batch this collector wrote, in the order it wrote them, with a
 * running hash. Two collectors whose logs agree up to an index wrote the same bytes up to there;
 * a collector back from an outage sends its length and hash, and a peer whose log has the same
 * hash at that index sends the entries after it (catch-up, docs/delivery.md).
 *
 * File `order.log` in the state directory: fixed 40-byte records, shipper id 16 · start u64 ·
 * end u64 · chain 8, where chain = first 8 bytes of sha256(previous chain · id · start · end).
 * Entries are added in memory as batches are routed and appended to the file at each commit,
 * before the journal records the new length; a longer file after a crash is cut back to it.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CHAIN_BYTES, NODE_ID_BYTES, type BatchId } from '@ringlog/delivery';
import { JournalError } from './errors.ts';

export const ORDER_LOG_FILE = 'order.log';
const RECORD_BYTES = NODE_ID_BYTES + 8 + 8 + CHAIN_BYTES;
const ZERO_CHAIN = Buffer.alloc(CHAIN_BYTES);

interface PendingEntry {
  readonly id: BatchId;
  readonly chain: Buffer;
}

export class OrderLog {
  readonly file: string;
  readonly #fd: number;
  /** fsync appends (with output.fsync: always, as the journal is), so the log never ends short of it. */
  fsync = false;
  #persisted: number;
  #pending: PendingEntry[] = [];
  #chain: Buffer;

  private constructor(file: string, fd: number, persisted: number, chain: Buffer) {
    this.file = file;
    this.#fd = fd;
    this.#persisted = persisted;
    this.#chain = chain;
  }

  /** Opens the log, cut back to `committedLength` entries (what the journal recorded). */
  static open(dir: string, committedLength: number): OrderLog {
    const file = path.join(dir, ORDER_LOG_FILE);
    const fd = openSync(file, 'a+', 0o600);
    const records = Math.floor(fstatSync(fd).size / RECORD_BYTES);
    if (records < committedLength) {
      closeSync(fd);
      throw new JournalError(file, `holds ${records} entries, fewer than the ${committedLength} the journal recorded`);
    }
    ftruncateSync(fd, committedLength * RECORD_BYTES);
    const log = new OrderLog(file, fd, committedLength, ZERO_CHAIN);
    log.#chain = log.chainAt(committedLength);
    return log;
  }

  /** Entries, written and pending. */
  get length(): number {
    return this.#persisted + this.#pending.length;
  }

  get persistedLength(): number {
    return this.#persisted;
  }

  /** The hash of the first `index` entries. */
  chainAt(index: number): Buffer {
    if (index === 0) return ZERO_CHAIN;
    if (index > this.#persisted) return (this.#pending[index - this.#persisted - 1] as PendingEntry).chain;
    const chain = Buffer.alloc(CHAIN_BYTES);
    readSync(this.#fd, chain, 0, CHAIN_BYTES, index * RECORD_BYTES - CHAIN_BYTES);
    return chain;
  }

  /** A batch was routed to the files (in memory until `persist`). */
  add(id: BatchId): void {
    this.#chain = nextChain(this.#chain, id);
    this.#pending.push({ id, chain: this.#chain });
  }

  /** Entries [from, from + count), written or pending. */
  read(from: number, count: number): BatchId[] {
    const out: BatchId[] = [];
    const end = Math.min(this.length, from + count);
    const fromFile = Math.min(end, this.#persisted);
    if (from < fromFile) {
      const buffer = Buffer.alloc((fromFile - from) * RECORD_BYTES);
      readSync(this.#fd, buffer, 0, buffer.length, from * RECORD_BYTES);
      for (let at = 0; at < buffer.length; at += RECORD_BYTES) out.push(decodeRecord(buffer, at));
    }
    for (let index = Math.max(from, this.#persisted); index < end; index++) out.push((this.#pending[index - this.#persisted] as PendingEntry).id);
    return out;
  }

  /** Appends the pending entries up to `length` to the file (before the journal commits it). */
  persist(length: number): void {
    const count = length - this.#persisted;
    if (count <= 0) return;
    const buffer = Buffer.alloc(count * RECORD_BYTES);
    for (let index = 0; index < count; index++) encodeRecord(this.#pending[index] as PendingEntry, buffer, index * RECORD_BYTES);
    let written = 0;
    while (written < buffer.length) written += writeSync(this.#fd, buffer, written, buffer.length - written);
    if (this.fsync) fsyncSync(this.#fd);
    this.#pending = this.#pending.slice(count);
    this.#persisted = length;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export function nextChain(previous: Buffer, id: BatchId): Buffer {
  const record = Buffer.alloc(NODE_ID_BYTES + 16);
  record.write(id.shipperId, 0, NODE_ID_BYTES, 'hex');
  record.writeBigUInt64BE(BigInt(id.startOffset), NODE_ID_BYTES);
  record.writeBigUInt64BE(BigInt(id.endOffset), NODE_ID_BYTES + 8);
  return createHash('sha256').update(previous).update(record).digest().subarray(0, CHAIN_BYTES);
}

function encodeRecord(entry: PendingEntry, buffer: Buffer, at: number): void {
  buffer.write(entry.id.shipperId, at, NODE_ID_BYTES, 'hex');
  buffer.writeBigUInt64BE(BigInt(entry.id.startOffset), at + NODE_ID_BYTES);
  buffer.writeBigUInt64BE(BigInt(entry.id.endOffset), at + NODE_ID_BYTES + 8);
  entry.chain.copy(buffer, at + NODE_ID_BYTES + 16);
}

function decodeRecord(buffer: Buffer, at: number): BatchId {
  return {
    shipperId: buffer.toString('hex', at, at + NODE_ID_BYTES),
    startOffset: Number(buffer.readBigUInt64BE(at + NODE_ID_BYTES)),
    endOffset: Number(buffer.readBigUInt64BE(at + NODE_ID_BYTES + 8)),
  };
}
