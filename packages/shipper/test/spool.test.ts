import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolArgumentError, SpoolClosedError, SpoolIoError, SpoolLockedError, SpoolOffsetError, SpoolOptionError, SpoolRecordError } from '../src/errors.ts';
import { RECORD_BODY_MAX_BYTES, RECORD_HEADER_BYTES, Spool, type SpoolRecord } from '../src/spool/index.ts';
import { bodies, makeBody, makeTempDir, readAll, removeTempDirs, spoolOptions } from './support/spool-helpers.ts';

afterEach(removeTempDirs);

/** Appends `count` records tagged from `firstTag`; returns them. */
function appendMany(spool: Spool, count: number, firstTag = 0, group = 'web'): SpoolRecord[] {
  const records: SpoolRecord[] = [];
  for (let tag = firstTag; tag < firstTag + count; tag += 1) {
    const record = spool.append(group, makeBody(tag), 3);
    if (record === null) throw new Error(`append ${tag} refused`);
    records.push(record);
  }
  return records;
}

function segmentBases(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort()
    .map((name) => Number(name.slice(0, 20)));
}

describe('spool - append, read, ack', () => {
  it('spool - round trip across several segment rolls, offsets monotonic, acked segments deleted', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 60);
    expect(appended[0]?.offset).toBe(0);
    for (let i = 1; i < appended.length; i += 1) expect(appended[i]?.offset).toBe(appended[i - 1]?.endOffset);
    const recordBytes = RECORD_HEADER_BYTES + 'web'.length + makeBody(0).length;
    expect(appended[0]?.endOffset).toBe(recordBytes);
    expect(spool.endOffset).toBe(60 * recordBytes);
    expect(spool.pendingRecords).toBe(60);
    expect(spool.pendingBytes).toBe(spool.endOffset);
    expect(segmentBases(dir).length).toBeGreaterThanOrEqual(5);
    expect(spool.stats.segmentsCreated).toBe(segmentBases(dir).length);

    const all = readAll(spool);
    expect(bodies(all)).toEqual(appended.map((record) => record.body.toString()));
    expect(all.map((record) => [record.offset, record.endOffset, record.group, record.lineCount])).toEqual(
      appended.map((record) => [record.offset, record.endOffset, 'web', 3]),
    );

    const middle = appended[29] as SpoolRecord;
    spool.ack(middle.endOffset);
    expect(spool.ackedOffset).toBe(middle.endOffset);
    expect(spool.pendingRecords).toBe(30);
    expect(spool.stats.segmentsDeleted).toBeGreaterThan(0);
    const bases = segmentBases(dir);
    // No segment entirely below the acked offset survives: the second file starts above it.
    expect(bases[0]).toBeLessThanOrEqual(middle.endOffset);
    expect(bases[1]).toBeGreaterThan(middle.endOffset);
    expect(bodies(readAll(spool))).toEqual(appended.slice(30).map((record) => record.body.toString()));

    spool.ack(spool.endOffset);
    expect(spool.pendingRecords).toBe(0);
    expect(spool.pendingBytes).toBe(0);
    expect(segmentBases(dir)).toHaveLength(1);
    expect(spool.read(spool.endOffset, 4096)).toEqual([]);
    spool.close();
  });

  it('spool - read returns at least one record, then stays within maxBytes', () => {
    const spool = Spool.open(spoolOptions(makeTempDir(), { memoryMaxBytes: 64 * 1024 }));
    const appended = appendMany(spool, 10);
    const size = (appended[0] as SpoolRecord).endOffset;
    expect(spool.read(0, 1)).toHaveLength(1);
    expect(spool.read(0, 3 * size)).toHaveLength(3);
    expect(spool.read(0, 4 * size - 1)).toHaveLength(3);
    expect(spool.read((appended[8] as SpoolRecord).offset, 100 * size)).toHaveLength(2);
    expect(spool.read(spool.endOffset, size)).toEqual([]);
    spool.close();
  });

  it('spool - fresh records come from memory, evicted ones from disk in large chunks', () => {
    const spool = Spool.open(spoolOptions(makeTempDir(), { memoryMaxBytes: 512, segmentBytes: 4096 }));
    const first = appendMany(spool, 3);
    expect(bodies(spool.read(0, 4096))).toEqual(bodies(first));
    expect(spool.stats.cacheHits).toBe(3);
    expect(spool.stats.diskReads).toBe(0);

    const more = appendMany(spool, 30, 3);
    expect(spool.cachedBytes).toBeLessThanOrEqual(512);
    // One record at a time: the read-ahead chunk serves the rest of the segment.
    const fromDisk: SpoolRecord[] = [];
    let offset = 0;
    for (let i = 0; i < 20; i += 1) {
      const [record] = spool.read(offset, 1);
      fromDisk.push(record as SpoolRecord);
      offset = (record as SpoolRecord).endOffset;
    }
    expect(bodies(fromDisk)).toEqual(bodies([...first, ...more].slice(0, 20)));
    expect(spool.stats.diskReads).toBeGreaterThan(0);
    expect(spool.stats.diskReads).toBeLessThanOrEqual(2);

    const diskReadsBefore = spool.stats.diskReads;
    const hitsBefore = spool.stats.cacheHits;
    const last = more[more.length - 1] as SpoolRecord;
    expect(bodies(spool.read(last.offset, 4096))).toEqual([last.body.toString()]);
    expect(spool.stats.diskReads).toBe(diskReadsBefore);
    expect(spool.stats.cacheHits).toBe(hitsBefore + 1);

    // A read that starts on disk continues into the cache.
    const everything = readAll(spool, 0, 1 << 20);
    expect(bodies(everything)).toEqual(bodies([...first, ...more]));
    spool.close();
  });

  it('spool - reopen after close resumes at the acked offset with every unacked record', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 40);
    readAll(spool);
    const acked = (appended[14] as SpoolRecord).endOffset;
    spool.ack(acked);
    const endOffset = spool.endOffset;
    spool.close();
    spool.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);

    const reopened = Spool.open(spoolOptions(dir));
    expect(reopened.ackedOffset).toBe(acked);
    expect(reopened.endOffset).toBe(endOffset);
    expect(reopened.pendingRecords).toBe(25);
    expect(reopened.stats.recoveredRecords).toBe(25);
    expect(reopened.stats.recoveredBytes).toBe(endOffset - acked);
    expect(reopened.stats.truncatedTailBytes).toBe(0);
    expect(reopened.stats.cursorResets).toBe(0);
    expect(bodies(readAll(reopened))).toEqual(bodies(appended.slice(15)));
    const next = reopened.append('web', makeBody(40), 3);
    expect(next?.offset).toBe(endOffset);
    expect(reopened.pendingRecords).toBe(26);
    reopened.ack(reopened.endOffset);
    reopened.close();

    const third = Spool.open(spoolOptions(dir));
    expect(third.ackedOffset).toBe(third.endOffset);
    expect(third.pendingRecords).toBe(0);
    expect(readAll(third)).toEqual([]);
    third.close();
  });

  it('spool - maxBytes refuses an append, then accepts it after an ack', () => {
    const spool = Spool.open(spoolOptions(makeTempDir(), { maxBytes: 3 * (RECORD_HEADER_BYTES + 3 + makeBody(0).length) }));
    const appended = appendMany(spool, 3);
    expect(spool.append('web', makeBody(3), 3)).toBeNull();
    expect(spool.stats.appendsRefused).toBe(1);
    expect(spool.endOffset).toBe((appended[2] as SpoolRecord).endOffset);
    spool.ack((appended[0] as SpoolRecord).endOffset);
    expect(spool.append('web', makeBody(3), 3)?.offset).toBe((appended[2] as SpoolRecord).endOffset);
    spool.close();
  });

  it('spool - maybeSync fsyncs when dirty at most every fsyncIntervalMs and persists the cursor', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir, { fsyncIntervalMs: 100 }));
    const fsyncsAtOpen = spool.stats.fsyncs;
    spool.maybeSync(1_000);
    expect(spool.stats.fsyncs).toBe(fsyncsAtOpen);
    const [record] = appendMany(spool, 1);
    spool.maybeSync(1_000);
    expect(spool.stats.fsyncs).toBe(fsyncsAtOpen + 1);
    appendMany(spool, 1, 1);
    spool.maybeSync(1_050);
    expect(spool.stats.fsyncs).toBe(fsyncsAtOpen + 1);
    spool.maybeSync(1_100);
    expect(spool.stats.fsyncs).toBe(fsyncsAtOpen + 2);

    const cursorWrites = spool.stats.cursorWrites;
    spool.ack((record as SpoolRecord).endOffset);
    spool.maybeSync(1_200);
    expect(spool.stats.cursorWrites).toBe(cursorWrites + 1);
    spool.ack(spool.endOffset);
    spool.maybeSync(1_300);
    expect(spool.stats.cursorWrites).toBe(cursorWrites + 1);
    spool.maybeSync(2_200);
    expect(spool.stats.cursorWrites).toBe(cursorWrites + 2);
    spool.close();
  });
});

describe('spool - lock', () => {
  it('spool - a second open of the same dir is refused while the first is open', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    expect(() => Spool.open(spoolOptions(dir))).toThrow(SpoolLockedError);
    spool.close();
    Spool.open(spoolOptions(dir)).close();
  });

  it('spool - a lock held by a live pid is refused, naming the pid', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`);
    let caught: unknown;
    try {
      Spool.open(spoolOptions(dir));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpoolLockedError);
    expect((caught as SpoolLockedError).code).toBe('RL_SPOOL_LOCKED');
    expect((caught as SpoolLockedError).pid).toBe(process.ppid);
    expect((caught as Error).message).toContain(String(process.ppid));
    expect(readFileSync(join(dir, 'lock'), 'latin1')).toBe(`${process.ppid}\n`);
  });

  it('spool - a stale lock (dead pid, garbage, or our own pid from a previous life) is taken over', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid as number;
    for (const content of [`${deadPid}\n`, '', 'not a pid', `${process.pid}\n`]) {
      const dir = makeTempDir();
      writeFileSync(join(dir, 'lock'), content);
      const spool = Spool.open(spoolOptions(dir));
      expect(spool.stats.staleLocksTaken).toBe(1);
      expect(readFileSync(join(dir, 'lock'), 'latin1')).toBe(`${process.pid}\n`);
      spool.close();
      expect(existsSync(join(dir, 'lock'))).toBe(false);
    }
  });
});

describe('spool - misuse', () => {
  it('spool - invalid options are refused at once', () => {
    const dir = makeTempDir();
    expect(() => Spool.open(spoolOptions(dir, { segmentBytes: 0 }))).toThrow(SpoolOptionError);
    expect(() => Spool.open(spoolOptions(dir, { maxBytes: -1, memoryMaxBytes: 1.5 }))).toThrow(/maxBytes.*memoryMaxBytes/);
    expect(() => Spool.open(spoolOptions(dir, { fsyncIntervalMs: Number.NaN }))).toThrow(SpoolOptionError);
    expect(() => Spool.open(spoolOptions(''))).toThrow(SpoolOptionError);
  });

  it('spool - a failing filesystem call is a SpoolIoError with its cause', () => {
    const file = join(makeTempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    let caught: unknown;
    try {
      Spool.open(spoolOptions(join(file, 'spool')));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpoolIoError);
    expect((caught as SpoolIoError).code).toBe('RL_SPOOL_IO');
    expect(((caught as SpoolIoError).cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });

  it('spool - absurd records are refused with a typed error', () => {
    const spool = Spool.open(spoolOptions(makeTempDir()));
    const body = makeBody(0);
    for (const group of ['', 'x'.repeat(32), 'has space', 'tab\t', 'é']) expect(() => spool.append(group, body, 3)).toThrow(SpoolRecordError);
    expect(() => spool.append('web', Buffer.alloc(RECORD_BODY_MAX_BYTES + 1), 1)).toThrow(SpoolRecordError);
    for (const lineCount of [-1, 1.5, body.length + 2, Number.NaN]) expect(() => spool.append('web', body, lineCount)).toThrow(SpoolRecordError);
    expect(() => spool.append('web', 'text' as unknown as Buffer, 1)).toThrow(SpoolRecordError);
    expect(spool.append('x'.repeat(31), Buffer.alloc(RECORD_BODY_MAX_BYTES), 1)).not.toBeNull();
    expect(spool.append('web', Buffer.alloc(0), 0)).not.toBeNull();
    expect(spool.stats.appends).toBe(2);
    spool.close();
  });

  it('spool - offsets outside the contract and non-boundaries are refused', () => {
    const spool = Spool.open(spoolOptions(makeTempDir(), { memoryMaxBytes: 200 }));
    const appended = appendMany(spool, 20);
    expect(() => spool.read(-1, 100)).toThrow(SpoolOffsetError);
    expect(() => spool.read(spool.endOffset + 1, 100)).toThrow(SpoolOffsetError);
    expect(() => spool.read(0, 0)).toThrow(SpoolArgumentError);
    expect(() => spool.ack(spool.endOffset + 1)).toThrow(SpoolOffsetError);
    expect(() => spool.ack(1.5)).toThrow(SpoolOffsetError);
    // Not a boundary: in the cache, and on disk.
    expect(() => spool.ack((appended[19] as SpoolRecord).offset + 1)).toThrow(SpoolOffsetError);
    expect(() => spool.ack((appended[2] as SpoolRecord).offset + 5)).toThrow(SpoolOffsetError);
    // A boundary on disk that read() never returned is found from its header.
    spool.ack((appended[3] as SpoolRecord).offset);
    expect(spool.pendingRecords).toBe(17);
    expect(() => spool.read(0, 100)).toThrow(SpoolOffsetError);
    expect(() => spool.maybeSync(Number.POSITIVE_INFINITY)).toThrow(SpoolArgumentError);
    spool.close();
    expect(() => spool.append('web', makeBody(0), 3)).toThrow(SpoolClosedError);
    expect(() => spool.read(0, 1)).toThrow(SpoolClosedError);
    expect(() => spool.ack(0)).toThrow(SpoolClosedError);
    expect(() => spool.maybeSync(0)).toThrow(SpoolClosedError);
    expect(spool.closed).toBe(true);
  });
});
