/**
 * The order log on real files in a temp dir: entries added in memory and read back with the ones
 * on disk, `persist` appending exactly the committed part, re-opening cut back to the length the
 * journal recorded (and refusing a file shorter than that), and the running chain: the hash of
 * the ids in order, equal for equal logs and different for a different order.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CHAIN_BYTES, type BatchId, type NodeId } from '@ringlog/delivery';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorErrorCode, JournalError } from '../src/errors.ts';
import { nextChain, ORDER_LOG_FILE, OrderLog } from '../src/order-log.ts';
import { tempDir } from './support/engine-harness.ts';

const SHIPPER_A: NodeId = '0123456789abcdef0123456789abcdef';
const SHIPPER_B: NodeId = 'fedcba9876543210fedcba9876543210';
const RECORD_BYTES = 16 + 8 + 8 + CHAIN_BYTES;
const ZERO_CHAIN = Buffer.alloc(CHAIN_BYTES);

let base: string;
let file: string;
const open: OrderLog[] = [];

beforeEach(async () => {
  base = await tempDir('ringlog-order-log-');
  file = join(base, ORDER_LOG_FILE);
});

afterEach(async () => {
  for (const log of open.splice(0)) log.close();
  await rm(base, { recursive: true, force: true });
});

function openLog(committedLength = 0, dir = base): OrderLog {
  const log = OrderLog.open(dir, committedLength);
  open.push(log);
  return log;
}

function closeLog(log: OrderLog): void {
  log.close();
  open.splice(open.indexOf(log), 1);
}

/** `count` batch ids alternating between two shippers, each shipper's contiguous. */
function ids(count: number): BatchId[] {
  const next = new Map<NodeId, number>();
  return Array.from({ length: count }, (_, index) => {
    const shipperId = index % 2 === 0 ? SHIPPER_A : SHIPPER_B;
    const startOffset = next.get(shipperId) ?? 0;
    const endOffset = startOffset + 10 + index;
    next.set(shipperId, endOffset);
    return { shipperId, startOffset, endOffset };
  });
}

/** The chain after each prefix of `entries`: [chain of 0, chain of 1, ...]. */
function chainsOf(entries: readonly BatchId[]): Buffer[] {
  const chains: Buffer[] = [ZERO_CHAIN];
  for (const entry of entries) chains.push(nextChain(chains.at(-1) as Buffer, entry));
  return chains;
}

describe('order log', () => {
  it('a new log is empty, with the zero chain, and creates its file', () => {
    const log = openLog();
    expect(log.length).toBe(0);
    expect(log.persistedLength).toBe(0);
    expect(log.chainAt(0)).toEqual(ZERO_CHAIN);
    expect(log.read(0, 10)).toEqual([]);
    expect(log.file).toBe(file);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBe(0);
  });

  it('added entries count, read back and chain before anything is persisted', () => {
    const entries = ids(5);
    const log = openLog();
    for (const entry of entries) log.add(entry);
    expect(log.length).toBe(5);
    expect(log.persistedLength).toBe(0);
    expect(statSync(file).size).toBe(0);
    expect(log.read(0, 5)).toEqual(entries);
    expect(log.read(1, 2)).toEqual(entries.slice(1, 3));
    expect(log.read(3, 100)).toEqual(entries.slice(3));
    expect(log.read(5, 1)).toEqual([]);
    const chains = chainsOf(entries);
    for (let index = 0; index <= 5; index++) expect(log.chainAt(index), `chain at ${index}`).toEqual(chains[index]);
  });

  it('persist appends exactly the entries up to the length given; reads span the file and memory', () => {
    const entries = ids(9);
    const log = openLog();
    for (const entry of entries.slice(0, 6)) log.add(entry);
    log.persist(4);
    expect(log.persistedLength).toBe(4);
    expect(log.length).toBe(6);
    expect(statSync(file).size).toBe(4 * RECORD_BYTES);
    // A length at or below what is persisted writes nothing.
    log.persist(4);
    log.persist(2);
    expect(statSync(file).size).toBe(4 * RECORD_BYTES);

    for (const entry of entries.slice(6)) log.add(entry);
    log.persist(7);
    expect(log.persistedLength).toBe(7);
    expect(statSync(file).size).toBe(7 * RECORD_BYTES);

    const chains = chainsOf(entries);
    for (let from = 0; from <= 9; from++) for (let count = 0; count <= 10 - from; count++) expect(log.read(from, count), `read(${from}, ${count})`).toEqual(entries.slice(from, from + count));
    for (let index = 0; index <= 9; index++) expect(log.chainAt(index), `chain at ${index}`).toEqual(chains[index]);

    // The records on disk: id · start · end · chain.
    const bytes = readFileSync(file);
    for (let index = 0; index < 7; index++) {
      const at = index * RECORD_BYTES;
      const entry = entries[index] as BatchId;
      expect(bytes.toString('hex', at, at + 16)).toBe(entry.shipperId);
      expect(Number(bytes.readBigUInt64BE(at + 16))).toBe(entry.startOffset);
      expect(Number(bytes.readBigUInt64BE(at + 24))).toBe(entry.endOffset);
      expect(bytes.subarray(at + 32, at + RECORD_BYTES)).toEqual(chains[index + 1]);
    }
  });

  it('re-opened with the committed length: the entries, their chain, and adding goes on from there', () => {
    const entries = ids(8);
    const first = openLog();
    for (const entry of entries.slice(0, 5)) first.add(entry);
    first.persist(5);
    closeLog(first);

    const again = openLog(5);
    expect(again.length).toBe(5);
    expect(again.persistedLength).toBe(5);
    expect(again.read(0, 5)).toEqual(entries.slice(0, 5));
    for (const entry of entries.slice(5)) again.add(entry);
    again.persist(8);
    const chains = chainsOf(entries);
    for (let index = 0; index <= 8; index++) expect(again.chainAt(index), `chain at ${index}`).toEqual(chains[index]);
    expect(again.read(0, 8)).toEqual(entries);
  });

  it('re-opened with a shorter committed length: the records past it are cut (a crash between persist and the journal commit)', () => {
    const entries = ids(6);
    const first = openLog();
    for (const entry of entries) first.add(entry);
    first.persist(6);
    closeLog(first);
    // And half a record more, as a write torn by a crash would leave.
    appendFileSync(file, Buffer.alloc(RECORD_BYTES / 2, 0xaa));

    const again = openLog(4);
    expect(statSync(file).size).toBe(4 * RECORD_BYTES);
    expect(again.length).toBe(4);
    expect(again.read(0, 10)).toEqual(entries.slice(0, 4));
    // The chain goes on from entry 4, not from the cut records.
    const other: BatchId = { shipperId: SHIPPER_B, startOffset: 999, endOffset: 1000 };
    again.add(other);
    again.persist(5);
    const chains = chainsOf([...entries.slice(0, 4), other]);
    expect(again.chainAt(5)).toEqual(chains[5]);
    expect(again.read(4, 1)).toEqual([other]);
    expect(statSync(file).size).toBe(5 * RECORD_BYTES);

    // Committed length 0 cuts everything.
    closeLog(again);
    const empty = openLog(0);
    expect(empty.length).toBe(0);
    expect(statSync(file).size).toBe(0);
  });

  it('re-opened with a committed length larger than the file: JournalError, and the file is left alone', () => {
    const entries = ids(3);
    const first = openLog();
    for (const entry of entries) first.add(entry);
    first.persist(3);
    closeLog(first);
    for (const committed of [4, 100]) {
      let error: unknown;
      try {
        openLog(committed);
      } catch (caught) {
        error = caught;
      }
      expect(error, `committed ${committed}`).toBeInstanceOf(JournalError);
      expect((error as JournalError).code).toBe(CollectorErrorCode.BAD_JOURNAL);
      expect(statSync(file).size).toBe(3 * RECORD_BYTES);
    }
    // A torn last record does not count as an entry.
    truncateSync(file, 3 * RECORD_BYTES - 1);
    expect(() => openLog(3)).toThrow(JournalError);
    expect(openLog(2).read(0, 5)).toEqual(entries.slice(0, 2));
  });

  it('the chain is nextChain folded over the ids: equal logs have equal chains, another order another chain', () => {
    const entries = ids(6);
    const one = openLog();
    const two = openLogIn(join(base, 'other'));
    for (const entry of entries) {
      one.add(entry);
      two.add(entry);
    }
    one.persist(3);
    for (let index = 0; index <= 6; index++) expect(one.chainAt(index), `chain at ${index}`).toEqual(two.chainAt(index));
    expect(one.chainAt(6)).toEqual(chainsOf(entries)[6]);

    // Two entries swapped: the chains agree before the swap and differ from there on.
    const swapped = [...entries.slice(0, 2), entries[3] as BatchId, entries[2] as BatchId, ...entries.slice(4)];
    const three = openLogIn(join(base, 'third'));
    for (const entry of swapped) three.add(entry);
    for (let index = 0; index <= 2; index++) expect(three.chainAt(index)).toEqual(one.chainAt(index));
    for (let index = 3; index <= 6; index++) expect(three.chainAt(index).equals(one.chainAt(index)), `chain at ${index}`).toBe(false);

    // Every field of an id counts.
    const first = entries[0] as BatchId;
    const variants: BatchId[] = [
      { ...first, shipperId: SHIPPER_B },
      { ...first, startOffset: first.startOffset + 1 },
      { ...first, endOffset: first.endOffset + 1 },
    ];
    for (const variant of variants) expect(nextChain(ZERO_CHAIN, variant).equals(nextChain(ZERO_CHAIN, first)), JSON.stringify(variant)).toBe(false);
    expect(nextChain(ZERO_CHAIN, first)).toHaveLength(CHAIN_BYTES);
  });
});

/** An order log in a fresh directory. */
function openLogIn(dir: string): OrderLog {
  mkdirSync(dir, { recursive: true });
  return openLog(0, dir);
}
