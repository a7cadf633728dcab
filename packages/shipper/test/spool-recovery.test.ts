import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool, type SpoolRecord } from '../src/spool/index.ts';
import { encodeCursor } from '../src/spool/spool-cursor.ts';
import { segmentFileName } from '../src/spool/segment-files.ts';
import { bodies, captureFiles, makeBody, restoreFiles, makeTempDir, mulberry32, readAll, removeTempDirs, spoolOptions } from './support/spool-helpers.ts';

afterEach(removeTempDirs);

function appendMany(spool: Spool, count: number, firstTag = 0): SpoolRecord[] {
  const records: SpoolRecord[] = [];
  for (let tag = firstTag; tag < firstTag + count; tag += 1) records.push(spool.append('web', makeBody(tag), 3) as SpoolRecord);
  return records;
}

/** What a kill -9 leaves: the files as they are, without close(). */
function snapshot(dir: string): string {
  return restoreFiles(captureFiles(dir));
}

function segmentNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^[0-9]{20}\.seg$/.test(name))
    .sort();
}

/** The segment file holding `offset`. */
function segmentHolding(dir: string, offset: number): { path: string; base: number } {
  const bases = segmentNames(dir).map((name) => Number(name.slice(0, 20)));
  const base = bases.filter((candidate) => candidate <= offset).pop() as number;
  return { path: join(dir, segmentFileName(base)), base };
}

describe('spool recovery - crash', () => {
  it('spool recovery - kill -9 (files copied without close) loses no appended record', () => {
    const dir = makeTempDir();
    // Segments large enough that no ack deletes one (deleting persists the cursor at once).
    const spool = Spool.open(spoolOptions(dir, { segmentBytes: 1 << 20 }));
    const appended = appendMany(spool, 30);
    readAll(spool);
    spool.ack((appended[9] as SpoolRecord).endOffset);
    spool.maybeSync(0);
    spool.ack((appended[19] as SpoolRecord).endOffset);
    appendMany(spool, 5, 30);
    const crashed = snapshot(dir);
    const trueAcked = spool.ackedOffset;
    const endOffset = spool.endOffset;
    spool.close();

    const recovered = Spool.open(spoolOptions(crashed, { segmentBytes: 1 << 20 }));
    expect(recovered.stats.staleLocksTaken).toBe(1);
    expect(recovered.ackedOffset).toBeLessThanOrEqual(trueAcked);
    expect(recovered.ackedOffset).toBe((appended[9] as SpoolRecord).endOffset);
    expect(recovered.endOffset).toBe(endOffset);
    expect(recovered.stats.truncatedTailBytes).toBe(0);
    const expected = [...appended.slice(10).map((record) => record.body.toString()), ...[30, 31, 32, 33, 34].map((tag) => makeBody(tag).toString())];
    expect(bodies(readAll(recovered))).toEqual(expected);
    expect(recovered.pendingRecords).toBe(25);
    expect(recovered.append('web', makeBody(35), 3)?.offset).toBe(endOffset);
    recovered.close();
  });

  it('spool recovery - a torn last record, cut at every byte, is dropped and appends continue', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 16);
    spool.ack((appended[2] as SpoolRecord).endOffset);
    spool.maybeSync(0);
    const crashed = captureFiles(dir);
    spool.close();
    const last = appended[appended.length - 1] as SpoolRecord;
    const { base } = segmentHolding(dir, last.offset);
    for (let cut = last.offset; cut < last.endOffset; cut += 1) {
      const copy = restoreFiles(crashed);
      truncateSync(join(copy, segmentFileName(base)), cut - base);
      const recovered = Spool.open(spoolOptions(copy));
      expect(recovered.stats.truncatedTailBytes).toBe(cut - last.offset);
      expect(recovered.endOffset).toBe(last.offset);
      expect(recovered.pendingRecords).toBe(12);
      expect(bodies(readAll(recovered))).toEqual(bodies(appended.slice(3, 15)));
      const next = recovered.append('web', makeBody(99), 3) as SpoolRecord;
      expect(next.offset).toBe(last.offset);
      recovered.close();
      const reopened = Spool.open(spoolOptions(copy));
      expect(bodies(readAll(reopened))).toEqual([...bodies(appended.slice(3, 15)), makeBody(99).toString()]);
      expect(reopened.stats.truncatedTailBytes).toBe(0);
      reopened.close();
    }
  });

  it('spool recovery - an empty newest segment (crash right after a roll) is dropped', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 20);
    const endOffset = spool.endOffset;
    spool.close();
    writeFileSync(join(dir, segmentFileName(endOffset)), '');
    const recovered = Spool.open(spoolOptions(dir));
    expect(recovered.endOffset).toBe(endOffset);
    expect(recovered.pendingRecords).toBe(20);
    expect(bodies(readAll(recovered))).toEqual(bodies(appended));
    expect(recovered.append('web', makeBody(20), 3)?.offset).toBe(endOffset);
    recovered.close();
  });

  it('spool recovery - a cursor past the surviving data (power loss) keeps offsets monotonic', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    appendMany(spool, 20);
    const endOffset = spool.endOffset;
    spool.close();
    // The collector confirmed 5000 bytes whose segment pages never reached the disk.
    writeFileSync(join(dir, 'cursor'), encodeCursor({ ackedOffset: endOffset + 5000, ackedSeq: 60 }));
    const recovered = Spool.open(spoolOptions(dir));
    expect(recovered.ackedOffset).toBe(endOffset + 5000);
    expect(recovered.endOffset).toBe(endOffset + 5000);
    expect(recovered.pendingRecords).toBe(0);
    expect(segmentNames(dir)).toEqual([segmentFileName(endOffset + 5000)]);
    const next = recovered.append('web', makeBody(1), 3) as SpoolRecord;
    expect(next.offset).toBe(endOffset + 5000);
    expect(recovered.pendingRecords).toBe(1);
    recovered.close();
  });
});

describe('spool recovery - hostile bytes', () => {
  it('spool recovery - random bytes after the last record are cut', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 10; trial += 1) {
      const dir = makeTempDir();
      const spool = Spool.open(spoolOptions(dir));
      const appended = appendMany(spool, 14);
      const endOffset = spool.endOffset;
      spool.close();
      const { path } = segmentHolding(dir, endOffset - 1);
      const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
      writeFileSync(path, Buffer.concat([readFileSync(path), garbage]));
      const recovered = Spool.open(spoolOptions(dir));
      expect(recovered.stats.truncatedTailBytes).toBe(garbage.length);
      expect(recovered.endOffset).toBe(endOffset);
      expect(bodies(readAll(recovered))).toEqual(bodies(appended));
      recovered.close();
    }
  });

  it('spool recovery - a newest segment of pure garbage is dropped whole', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 14);
    const lastSegment = segmentHolding(dir, spool.endOffset - 1);
    spool.close();
    writeFileSync(lastSegment.path, Buffer.alloc(700, 0xab));
    const recovered = Spool.open(spoolOptions(dir));
    expect(recovered.endOffset).toBe(lastSegment.base);
    expect(recovered.stats.truncatedTailBytes).toBe(700);
    expect(bodies(readAll(recovered))).toEqual(bodies(appended.filter((record) => record.endOffset <= lastSegment.base)));
    recovered.close();
  });

  it('spool recovery - a corrupt byte in an older segment skips to the next segment, counted', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 40);
    spool.close();
    const victim = appended[4] as SpoolRecord;
    const { path, base } = segmentHolding(dir, victim.offset);
    const bytes = readFileSync(path);
    const nextBase = base + bytes.length;
    const flipAt = victim.offset - base + 40;
    bytes[flipAt] = (bytes[flipAt] as number) ^ 0x01;
    writeFileSync(path, bytes);

    const recovered = Spool.open(spoolOptions(dir));
    const survivors = appended.filter((record) => record.endOffset <= victim.offset || record.offset >= nextBase);
    const records = readAll(recovered);
    expect(bodies(records)).toEqual(bodies(survivors));
    expect(recovered.stats.corruptRegions).toBe(1);
    expect(recovered.stats.corruptBytesSkipped).toBe(nextBase - victim.offset);
    // Reading the region again (a resend after reconnect), one record at a time, counts nothing new.
    expect(bodies(readAll(recovered, 0, 1))).toEqual(bodies(survivors));
    expect(recovered.stats.corruptRegions).toBe(1);
    expect(recovered.stats.corruptBytesSkipped).toBe(nextBase - victim.offset);
    // Acks across the hole keep pendingRecords exact: the lost records count as delivered.
    recovered.ack(victim.offset);
    expect(recovered.pendingRecords).toBe(40 - 4);
    const afterHole = records.find((record) => record.offset >= nextBase) as SpoolRecord;
    recovered.ack(afterHole.endOffset);
    expect(recovered.pendingRecords).toBe(appended.filter((record) => record.offset > afterHole.offset).length);
    recovered.ack(recovered.endOffset);
    expect(recovered.pendingRecords).toBe(0);
    recovered.close();
  });

  it('spool recovery - an empty segment file among older ones and a short older segment are skipped, counted', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 50);
    spool.close();
    const names = segmentNames(dir);
    const bases = names.map((name) => Number(name.slice(0, 20)));
    // An empty file named inside the first segment's range: the bytes past its name are unreachable.
    const emptyBase = (bases[0] as number) + 300;
    writeFileSync(join(dir, segmentFileName(emptyBase)), '');
    // The second segment loses its last 10 bytes (a short file: a hole before the third).
    const second = join(dir, names[1] as string);
    truncateSync(second, statSync(second).size - 10);

    const recovered = Spool.open(spoolOptions(dir));
    const records = readAll(recovered, 0, 700);
    const lastBeforeEmpty = appended.filter((record) => record.endOffset <= emptyBase);
    const secondKept = appended.filter((record) => record.offset >= (bases[1] as number) && record.endOffset <= (bases[2] as number) - 10);
    const rest = appended.filter((record) => record.offset >= (bases[2] as number));
    expect(bodies(records)).toEqual(bodies([...lastBeforeEmpty, ...secondKept, ...rest]));
    expect(recovered.stats.corruptRegions).toBeGreaterThanOrEqual(2);
    const delivered = lastBeforeEmpty.length + secondKept.length + rest.length;
    expect(recovered.stats.corruptBytesSkipped).toBe(recovered.endOffset - delivered * ((appended[0] as SpoolRecord).endOffset));
    recovered.ack(recovered.endOffset);
    expect(recovered.pendingRecords).toBe(0);
    recovered.close();
  });

  it('spool recovery - a valid but stale record after the tail (reused disk blocks) is cut', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir, { segmentBytes: 1 << 20 }));
    const appended = appendMany(spool, 5);
    spool.close();
    const path = join(dir, segmentFileName(0));
    const bytes = readFileSync(path);
    const stale = bytes.subarray(0, (appended[0] as SpoolRecord).endOffset);
    writeFileSync(path, Buffer.concat([bytes, stale]));
    const recovered = Spool.open(spoolOptions(dir, { segmentBytes: 1 << 20 }));
    expect(recovered.stats.truncatedTailBytes).toBe(stale.length);
    expect(bodies(readAll(recovered))).toEqual(bodies(appended));
    recovered.close();
  });

  it('spool recovery - a garbage cursor restarts at the oldest segment; a newer temp cursor wins', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 40);
    readAll(spool);
    const acked = (appended[20] as SpoolRecord).endOffset;
    spool.ack(acked);
    spool.close();
    const oldest = Number((segmentNames(dir)[0] as string).slice(0, 20));
    expect(oldest).toBeGreaterThan(0);

    writeFileSync(join(dir, 'cursor'), 'definitely not a cursor');
    const reset = Spool.open(spoolOptions(dir));
    expect(reset.stats.cursorResets).toBe(1);
    expect(reset.ackedOffset).toBe(oldest);
    expect(bodies(readAll(reset))).toEqual(bodies(appended.filter((record) => record.offset >= oldest)));
    expect(reset.pendingRecords).toBe(appended.filter((record) => record.offset >= oldest).length);
    reset.close();

    // A crash between the temp file's fsync and the rename leaves the newer value in the temp file.
    const later = (appended[25] as SpoolRecord).endOffset;
    writeFileSync(join(dir, 'cursor.tmp'), encodeCursor({ ackedOffset: later, ackedSeq: 26 }));
    const resumed = Spool.open(spoolOptions(dir));
    expect(resumed.stats.cursorResets).toBe(0);
    expect(resumed.ackedOffset).toBe(later);
    expect(resumed.pendingRecords).toBe(14);
    resumed.close();
  });

  it('spool recovery - a missing cursor counts as a reset; a cursor off a record boundary snaps down', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir, { segmentBytes: 1 << 20 }));
    const appended = appendMany(spool, 10);
    spool.close();
    writeFileSync(join(dir, 'cursor'), encodeCursor({ ackedOffset: (appended[5] as SpoolRecord).offset + 7, ackedSeq: 5 }));
    const snapped = Spool.open(spoolOptions(dir, { segmentBytes: 1 << 20 }));
    expect(snapped.ackedOffset).toBe((appended[5] as SpoolRecord).offset);
    expect(snapped.pendingRecords).toBe(5);
    expect(snapped.stats.cursorResets).toBe(1);
    snapped.close();
  });

  it('spool recovery - files that are not segments are ignored and left alone', () => {
    const dir = makeTempDir();
    const spool = Spool.open(spoolOptions(dir));
    const appended = appendMany(spool, 20);
    spool.close();
    const strangers = ['notes.txt', '123.seg', '0000000000000000000x.seg', `${segmentFileName(0)}.bak`, '99999999999999999999.seg'];
    for (const name of strangers) writeFileSync(join(dir, name), 'hello');
    mkdirSync(join(dir, segmentFileName(123456789)));
    const recovered = Spool.open(spoolOptions(dir));
    expect(bodies(readAll(recovered))).toEqual(bodies(appended));
    expect(recovered.stats.truncatedTailBytes).toBe(0);
    recovered.close();
    for (const name of strangers) expect(statSync(join(dir, name)).size).toBe(5);
  });
});
