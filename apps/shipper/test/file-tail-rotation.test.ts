import { appendFileSync, copyFileSync, mkdirSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectExactlyOnce, fileConfig, GROUP, LineWriter, sleep, TailWorld, waitForLines, waitUntil } from './support/file-tail-harness.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

let world: TailWorld;
beforeEach(async () => {
  world = await TailWorld.create();
});
afterEach(async () => {
  await world.cleanup();
});

describe('file tail - discovery', () => {
  it('file tail - picks up new files matching a glob, from their first line', async () => {
    const first = new LineWriter(world.path('a.log'), 'fa');
    first.appendLines(5);
    writeFileSync(world.path('ignored.txt'), 'not a log\n');
    const { input, ingest } = await world.start(fileConfig([world.path('*.log')]));
    await waitForLines(ingest, 5);
    const writers = [first, new LineWriter(world.path('b.log'), 'fb'), new LineWriter(world.path('c.log'), 'fc')];
    for (let round = 0; round < 5; round++) for (const writer of writers) writer.appendLines(4);
    const all = writers.flatMap((writer) => writer.written);
    await waitForLines(ingest, all.length);
    expectExactlyOnce(ingest.of(GROUP), all);
    expect(input.handle.stats.connections).toBe(3);
  });

  it('file tail - a glob whose directory does not exist yet starts working once it is created', async () => {
    const { input, ingest } = await world.start(fileConfig([world.path('later/*/app.log')]));
    expect(input.handle.stats.connections).toBe(0);
    mkdirSync(world.path('later/site1'), { recursive: true });
    const writer = new LineWriter(world.path('later/site1/app.log'), 'f1');
    writer.appendLines(3);
    await waitForLines(ingest, 3);
    writer.appendLines(3);
    await waitForLines(ingest, 6);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
  });

  it('file tail - counts an unreadable file and reads it once it becomes readable', async () => {
    const path = world.path('secret.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(5);
    let denied = true;
    const { open } = await import('node:fs/promises');
    const openFile = async (target: string) => {
      if (denied && target === path) throw Object.assign(new Error(`EACCES: permission denied, open '${target}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: target });
      return open(target, 'r');
    };
    const { input, ingest } = await world.start(fileConfig([path]), { tuning: { openFile } });
    await waitUntil(() => input.handle.stats.errors.read_error > 0, 'a read error');
    writer.appendLines(5);
    await sleep(100);
    expect(input.handle.stats.errors.read_error).toBe(1);
    expect(world.logs.some((log) => log.level === 40 && log['error_code'] === 'EACCES')).toBe(true);
    denied = false;
    await waitForLines(ingest, 10);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
  });

  it('file tail - closes a deleted file after reading it to its end, and forgets it later', async () => {
    const path = world.path('gone.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(5);
    const { input, ingest } = await world.start(fileConfig([path]), { tuning: { forgetAfterMs: 500 } });
    await waitForLines(ingest, 5);
    writer.appendLines(5);
    unlinkSync(path);
    await waitForLines(ingest, 10);
    await waitUntil(() => input.handle.stats.connections === 0, 'the deleted file closed');
    await waitUntil(() => input.counters.filesForgotten === 1, 'the deleted file forgotten');
    await input.checkpoint();
    expect(Object.keys((await world.checkpoint(input)).files)).toEqual([]);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
  });
});

describe('file tail - rotation by rename (logrotate create)', () => {
  for (const pattern of ['access.log', 'access.log*']) {
    it(`file tail - pattern ${pattern}: reads the renamed file to its end, late writes included, and the new file from 0`, async () => {
      const path = world.path('access.log');
      const old = new LineWriter(path, 'old');
      old.open();
      old.writeThroughDescriptor(40);
      const { input, ingest } = await world.start(fileConfig([world.path(pattern)]));
      await waitForLines(ingest, 40);
      old.writeThroughDescriptor(10);
      renameSync(path, world.path('access.log.1'));
      writeFileSync(path, '');
      const fresh = new LineWriter(path, 'new');
      fresh.open();
      fresh.writeThroughDescriptor(10);
      // The web server has not reopened its log yet: a few more lines go to the renamed file.
      await sleep(50);
      old.writeThroughDescriptor(10);
      old.close();
      appendFileSync(world.path('access.log.1'), 'old-last line without newline');
      fresh.writeThroughDescriptor(10);
      const expected = [...old.written, 'old-last line without newline', ...fresh.written];
      await waitForLines(ingest, expected.length);
      expectExactlyOnce(ingest.of(GROUP), expected);
      // Quiet for the grace period: the rotated file is closed, matched by the pattern or not.
      await waitUntil(() => input.handle.stats.connections === 1, 'the rotated file closed');
      fresh.close();
    });
  }
});

describe('file tail - rotation by copytruncate', () => {
  it('file tail - pattern access.log: reads the truncated file again from 0', async () => {
    const path = world.path('access.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(100);
    const { input, ingest } = await world.start(fileConfig([path]));
    await waitForLines(ingest, 100);
    copyFileSync(path, world.path('access.log.1'));
    truncateSync(path, 0);
    writer.appendLines(5);
    await waitForLines(ingest, 105);
    writer.appendLines(50);
    await waitForLines(ingest, 155);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.counters.truncations).toBe(1);
  });

  it('file tail - truncated and refilled past the old offset before being looked at: still seen as truncated', async () => {
    const path = world.path('access.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(100);
    // Events and polls are slow here, so that the refill lands before the next look.
    const { input, ingest } = await world.start(fileConfig([path]), { tuning: { pollIntervalMs: 60_000, rescanIntervalMs: 60_000 } });
    await waitForLines(ingest, 100);
    const refill = writer.nextLines(150);
    const replacement = refill.map((line) => `${line}\n`).join('');
    writeFileSync(path, replacement);
    await waitForLines(ingest, 250);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.counters.truncations).toBe(1);
  });

  it('file tail - pattern access.log*: the copy is known by fingerprint and read only past what was read', async () => {
    const path = world.path('access.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(100);
    const { input, ingest } = await world.start(fileConfig([world.path('access.log*')]));
    await waitForLines(ingest, 100);
    for (let rotation = 1; rotation <= 3; rotation++) {
      // Not waited for: some of these are read from access.log, the rest from its copy.
      writer.appendLines(40);
      for (let index = rotation - 1; index >= 1; index--) renameSync(world.path(`access.log.${index}`), world.path(`access.log.${index + 1}`));
      copyFileSync(path, world.path('access.log.1'));
      truncateSync(path, 0);
      writer.appendLines(60);
      await waitForLines(ingest, writer.written.length, `lines after rotation ${rotation}`);
    }
    writer.appendLines(10);
    await waitForLines(ingest, writer.written.length);
    await sleep(200);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.counters.truncations).toBe(3);
  });

  it('file tail - pattern access.log*: lines written after the last read and before the copy are read from the copy', async () => {
    const path = world.path('access.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(100);
    const ingest = new RecordingIngest();
    const { input } = await world.start(fileConfig([world.path('access.log*')]), { ingest });
    await waitForLines(ingest, 100);
    // Hold the reader: the next push is answered "pause" and nothing is read until resumed.
    ingest.setPaused(true);
    writer.appendLines(1);
    await waitForLines(ingest, 101);
    writer.appendLines(40);
    copyFileSync(path, world.path('access.log.1'));
    truncateSync(path, 0);
    writer.appendLines(60);
    ingest.setPaused(false);
    await waitForLines(ingest, writer.written.length);
    await sleep(200);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.counters.truncations).toBe(1);
    expect(input.counters.resumes).toBe(1);
  });

  it('file tail - a small file (under 1 KiB) and its copy: read once', async () => {
    const path = world.path('small.log');
    const writer = new LineWriter(path, 's1');
    writer.appendLines(3);
    const { input, ingest } = await world.start(fileConfig([join(world.dir, 'small.log*')]));
    await waitForLines(ingest, 3);
    writer.appendLines(2);
    copyFileSync(path, world.path('small.log.1'));
    truncateSync(path, 0);
    writer.appendLines(2);
    await waitForLines(ingest, 7);
    await sleep(200);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.counters.truncations).toBe(1);
  });
});
