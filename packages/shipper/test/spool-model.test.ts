/**
 * Seeded random workload of appends, reads, acks, maybeSync, clean reopens and kill -9 crashes,
 * checked after every step against a tiny model (a list of records and an acked index). A failure
 * names its seed; rerun that seed alone to replay it.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD_HEADER_BYTES, Spool, type SpoolOptions } from '../src/spool/index.ts';
import { captureFiles, makeTempDir, mulberry32, restoreFiles, removeTempDirs, spoolOptions } from './support/spool-helpers.ts';

afterEach(removeTempDirs);

interface ModelRecord {
  readonly offset: number;
  readonly endOffset: number;
  readonly group: string;
  readonly body: string;
  readonly lineCount: number;
}

const GROUPS = ['web', 'api-7', 'x'.repeat(31)];
const STEPS = 500;

class Workload {
  readonly #random: () => number;
  readonly #options: (dir: string) => SpoolOptions;
  #checks = 0;
  readonly records: ModelRecord[] = [];
  ackedIndex = 0;
  endOffset = 0;
  nowMs = 0;
  dir = makeTempDir();
  spool: Spool;

  constructor(seed: number) {
    this.#random = mulberry32(seed);
    const fsyncIntervalMs = seed % 2 === 0 ? 0 : 50;
    this.#options = (dir) => spoolOptions(dir, { segmentBytes: 3000, memoryMaxBytes: 1500, maxBytes: 12_000, fsyncIntervalMs });
    this.spool = Spool.open(this.#options(this.dir));
  }

  #below(limit: number): number {
    return Math.floor(this.#random() * limit);
  }

  /** Index of a random boundary in [ackedIndex, records.length] (records.length = the end). */
  #randomBoundary(): number {
    return this.ackedIndex + this.#below(this.records.length - this.ackedIndex + 1);
  }

  #offsetOf(index: number): number {
    return this.records[index]?.offset ?? this.endOffset;
  }

  step(): void {
    const choice = this.#random();
    if (choice < 0.4) this.append();
    else if (choice < 0.65) this.read();
    else if (choice < 0.82) this.ack();
    else if (choice < 0.92) this.maybeSync();
    else if (choice < 0.96) this.reopen();
    else this.crash();
    this.check();
  }

  append(): void {
    const group = GROUPS[this.#below(GROUPS.length)] as string;
    const length = this.#below(400);
    const text = Array.from({ length }, () => (this.#random() < 0.05 ? '\n' : String.fromCharCode(0x20 + this.#below(95)))).join('');
    const lineCount = length === 0 ? 0 : text.split('\n').length;
    const size = RECORD_HEADER_BYTES + group.length + length;
    const pendingBytes = this.endOffset - this.#offsetOf(this.ackedIndex);
    const record = this.spool.append(group, Buffer.from(text, 'latin1'), lineCount);
    if (pendingBytes + size > 12_000) {
      expect(record).toBeNull();
      return;
    }
    expect(record?.offset).toBe(this.endOffset);
    this.records.push({ offset: this.endOffset, endOffset: this.endOffset + size, group, body: text, lineCount });
    this.endOffset += size;
  }

  read(): void {
    const start = this.#randomBoundary();
    const maxBytes = 1 + this.#below(2500);
    const got = this.spool.read(this.#offsetOf(start), maxBytes);
    const expected: ModelRecord[] = [];
    let used = 0;
    for (const record of this.records.slice(start)) {
      const size = record.endOffset - record.offset;
      if (expected.length > 0 && used + size > maxBytes) break;
      expected.push(record);
      used += size;
    }
    const actual = got.map((record) => ({ offset: record.offset, endOffset: record.endOffset, group: record.group, body: record.body.toString('latin1'), lineCount: record.lineCount }));
    expect(actual).toEqual(expected);
  }

  ack(): void {
    const index = this.#randomBoundary();
    this.spool.ack(this.#offsetOf(index));
    this.ackedIndex = index;
  }

  maybeSync(): void {
    this.nowMs += this.#below(700);
    this.spool.maybeSync(this.nowMs);
  }

  reopen(): void {
    this.spool.close();
    this.spool = Spool.open(this.#options(this.dir));
    expect(this.spool.ackedOffset).toBe(this.#offsetOf(this.ackedIndex));
    expect(this.spool.stats.truncatedTailBytes).toBe(0);
  }

  crash(): void {
    const copy = restoreFiles(captureFiles(this.dir));
    this.spool.close();
    this.dir = copy;
    this.spool = Spool.open(this.#options(copy));
    // The cursor may be behind (resend), never ahead (skip); nothing appended is lost.
    const recoveredIndex = this.records.findIndex((record) => record.offset === this.spool.ackedOffset);
    const index = recoveredIndex === -1 ? this.records.length : recoveredIndex;
    expect(this.#offsetOf(index)).toBe(this.spool.ackedOffset);
    expect(index).toBeLessThanOrEqual(this.ackedIndex);
    this.ackedIndex = index;
  }

  check(): void {
    const spool = this.spool;
    this.#checks += 1;
    expect(spool.endOffset).toBe(this.endOffset);
    expect(spool.ackedOffset).toBe(this.#offsetOf(this.ackedIndex));
    expect(spool.pendingRecords).toBe(this.records.length - this.ackedIndex);
    expect(spool.pendingBytes).toBe(this.endOffset - spool.ackedOffset);
    expect(spool.stats.corruptRegions).toBe(0);
    if (this.#checks % 8 !== 0) return;
    const bases = readdirSync(this.dir)
      .filter((name) => name.endsWith('.seg'))
      .sort()
      .map((name) => Number(name.slice(0, 20)));
    // Every segment but the newest ends above the acked offset (older ones were deleted).
    for (let i = 0; i + 1 < bases.length; i += 1) expect(bases[i + 1]).toBeGreaterThan(spool.ackedOffset);
  }
}

describe('spool model - seeded random workload', () => {
  it.each([1, 2, 3, 4, 5])('spool model - seed %i matches the model', (seed) => {
    const workload = new Workload(seed);
    for (let step = 0; step < STEPS; step += 1) workload.step();
    // Drain: everything left is readable in order, then ack it all.
    workload.ackedIndex = workload.records.length;
    workload.spool.ack(workload.endOffset);
    workload.check();
    expect(workload.spool.pendingRecords).toBe(0);
    workload.spool.close();
  });
});
