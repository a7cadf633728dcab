import { appendFileSync, copyFileSync, existsSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectExactlyOnce, fileConfig, GROUP, LineWriter, sleep, TailWorld, waitForLines, waitUntil } from './support/file-tail-harness.ts';
import { encodeCheckpoint } from '../src/inputs/file-tail/checkpoint-format.ts';
import { fingerprintOf } from '../src/inputs/file-tail/fingerprint.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

let world: TailWorld;
beforeEach(async () => {
  world = await TailWorld.create();
});
afterEach(async () => {
  await world.cleanup();
});

describe('file tail - restart', () => {
  it('file tail - close then start again resumes exactly: no loss, no duplicate, a partial line shipped whole', async () => {
    const writer = new LineWriter(world.path('access.log'), 'f1');
    writer.appendLines(60);
    const ingest = new RecordingIngest();
    const first = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 60);
    writer.appendLines(20);
    appendFileSync(writer.path, 'f1-partial begins');
    await waitForLines(ingest, 80);
    await first.input.close();
    expect(ingest.flushes).toBeGreaterThan(0);
    writer.appendLines(0);
    appendFileSync(writer.path, ' and ends\n');
    writer.appendLines(30);
    const second = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 111);
    expectExactlyOnce(ingest.of(GROUP), [...writer.written.slice(0, 80), 'f1-partial begins and ends', ...writer.written.slice(80)]);
    expect(second.input.counters.resumes).toBe(1);
  });

  it('file tail - restart in the middle of a steady writer, several times: every line once', async () => {
    const writers = [new LineWriter(world.path('a.log'), 'fa'), new LineWriter(world.path('b.log'), 'fb')];
    const ingest = new RecordingIngest();
    for (let round = 0; round < 4; round++) {
      const { input } = await world.start(fileConfig([world.path('*.log')]), { ingest });
      for (let burst = 0; burst < 5; burst++) {
        for (const writer of writers) writer.appendLines(9);
        await sleep(10);
      }
      await input.close();
      for (const writer of writers) writer.appendLines(5);
    }
    await world.start(fileConfig([world.path('*.log')]), { ingest });
    const all = writers.flatMap((writer) => writer.written);
    await waitForLines(ingest, all.length);
    expectExactlyOnce(ingest.of(GROUP), all);
  });

  for (const pattern of ['access.log', 'access.log*']) {
    it(`file tail - pattern ${pattern}: rename rotation while stopped resumes the old file by fingerprint and reads the new one from 0`, async () => {
      const path = world.path('access.log');
      const old = new LineWriter(path, 'old');
      old.appendLines(50);
      const ingest = new RecordingIngest();
      const first = await world.start(fileConfig([world.path(pattern)], { start_at: 'end' }), { ingest });
      old.appendLines(20);
      await waitForLines(ingest, 20);
      await first.input.close();
      old.appendLines(15);
      renameSync(path, world.path('access.log.1'));
      const fresh = new LineWriter(path, 'new');
      fresh.appendLines(25);
      const second = await world.start(fileConfig([world.path(pattern)], { start_at: 'end' }), { ingest });
      const expected = [...old.written.slice(50), ...fresh.written];
      await waitForLines(ingest, expected.length);
      await waitUntil(() => second.input.handle.stats.connections === 1, 'the rotated file closed');
      expectExactlyOnce(ingest.of(GROUP), expected);
    });
  }

  it('file tail - copytruncate while stopped, copy matched: the copy resumes at the offset, the truncated file starts at 0', async () => {
    const path = world.path('access.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(80);
    const ingest = new RecordingIngest();
    const first = await world.start(fileConfig([world.path('access.log*')]), { ingest });
    await waitForLines(ingest, 80);
    await first.input.close();
    writer.appendLines(10);
    copyFileSync(path, world.path('access.log.1'));
    truncateSync(path, 0);
    // Refilled past the old offset: only the changed first bytes tell it was truncated.
    writer.appendLines(120);
    await world.start(fileConfig([world.path('access.log*')]), { ingest });
    await waitForLines(ingest, writer.written.length);
    await sleep(200);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
  });

  it('file tail - files that appeared while stopped start at 0, not at start_at', async () => {
    const first = new LineWriter(world.path('a.log'), 'fa');
    first.appendLines(5);
    const ingest = new RecordingIngest();
    const started = await world.start(fileConfig([world.path('*.log')], { start_at: 'end' }), { ingest });
    first.appendLines(5);
    await waitForLines(ingest, 5);
    await started.input.close();
    const second = new LineWriter(world.path('b.log'), 'fb');
    second.appendLines(7);
    await world.start(fileConfig([world.path('*.log')], { start_at: 'end' }), { ingest });
    await waitForLines(ingest, 12);
    expectExactlyOnce(ingest.of(GROUP), [...first.written.slice(5), ...second.written]);
  });
});

describe('file tail - checkpoint file', () => {
  it('file tail - is written atomically under <stateDir>/tail with fingerprints, offsets and paths', async () => {
    const writer = new LineWriter(world.path('access.log'), 'f1');
    writer.appendLines(40);
    const { input, ingest } = await world.start(fileConfig([writer.path]));
    await waitForLines(ingest, 40);
    await input.checkpoint();
    expect(input.checkpointPath).toBe(join(world.stateDir, 'tail', 'tail.json'));
    const saved = await world.checkpoint(input);
    expect(saved.version).toBe(1);
    const [key, file] = Object.entries(saved.files)[0]!;
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(file).toMatchObject({ offset: 40 * 34, path: writer.path });
    expect(readdirSync(join(world.stateDir, 'tail'))).toEqual(['tail.json']);
  });

  it('file tail - a first run saves its start_at positions at once, so a crash before the first interval skips nothing', async () => {
    const path = world.path('access.log');
    writeFileSync(path, 'before-1\n');
    const ingest = new RecordingIngest();
    const first = await world.start(fileConfig([path], { start_at: 'end', checkpoint_interval_ms: 3_600_000 }), { ingest });
    expect(Object.values((await world.checkpoint(first.input)).files).map((file) => file.offset)).toEqual([9]);
    await first.input.close();
    expect(first.input.handle.stats.connections).toBe(0);
    appendFileSync(path, 'after-1\n');
    await world.start(fileConfig([path], { start_at: 'end' }), { ingest });
    await waitForLines(ingest, 1);
    expect(ingest.of(GROUP)).toEqual(['after-1']);
  });

  it('file tail - a corrupt checkpoint is logged, counted, moved aside, and the input starts as on a first run', async () => {
    const path = world.path('access.log');
    writeFileSync(path, 'before-1\nbefore-2\n');
    await mkdir(join(world.stateDir, 'tail'), { recursive: true });
    await writeFile(join(world.stateDir, 'tail', 'tail.json'), '{"version":1,"files":{"sha256:zz": tru');
    const { input, ingest } = await world.start(fileConfig([path], { start_at: 'end' }));
    appendFileSync(path, 'after-1\n');
    await waitForLines(ingest, 1);
    expect(ingest.of(GROUP)).toEqual(['after-1']);
    expect(input.counters.checkpointsCorrupt).toBe(1);
    expect(input.handle.stats.errors.read_error).toBe(1);
    expect(world.logs.some((log) => log.level === 40 && log.msg.includes('checkpoint is unreadable'))).toBe(true);
    expect(readdirSync(join(world.stateDir, 'tail')).some((name) => name.startsWith('tail.json.corrupt-'))).toBe(true);
    await input.checkpoint();
    expect(Object.keys((await world.checkpoint(input)).files)).toHaveLength(1);
  });

  it('file tail - a whole temp checkpoint left by a crash before its rename wins over the older main file', async () => {
    const writer = new LineWriter(world.path('access.log'), 'f1');
    writer.appendLines(30);
    const ingest = new RecordingIngest();
    const first = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 30);
    await first.input.close();
    const newer = await readFile(first.input.checkpointPath, 'utf8');
    writeFileSync(`${first.input.checkpointPath}.tmp`, newer);
    writeFileSync(first.input.checkpointPath, newer.replace(/"offset": \d+/, '"offset": 0'));
    writer.appendLines(10);
    const second = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 40);
    await sleep(100);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    // After a save (any save in progress finishes first), the temp file is renamed away.
    await second.input.checkpoint(true);
    expect(existsSync(`${first.input.checkpointPath}.tmp`)).toBe(false);
  });

  it('file tail - forgets files unseen for forgetAfterMs of running time: downtime neither ages nor refreshes them', async () => {
    const savedAtMs = Date.now() - 24 * 3600 * 1000;
    const seenJustBeforeStop = { fingerprint: fingerprintOf('1', '1001', Buffer.from('a\n')), offset: 2, path: world.path('a.log'), seenAtMs: savedAtMs - 100 };
    const unseenLongBeforeStop = { fingerprint: fingerprintOf('1', '1002', Buffer.from('b\n')), offset: 2, path: world.path('b.log'), seenAtMs: savedAtMs - 60_000 };
    await mkdir(join(world.stateDir, 'tail'), { recursive: true });
    await writeFile(join(world.stateDir, 'tail', 'tail.json'), encodeCheckpoint([seenJustBeforeStop, unseenLongBeforeStop], savedAtMs));
    const { input } = await world.start(fileConfig([world.path('*.log')]), { tuning: { forgetAfterMs: 30_000 } });
    await waitUntil(() => input.counters.filesForgotten === 1, 'the long-unseen file forgotten');
    await input.checkpoint(true);
    expect(Object.values((await world.checkpoint(input)).files).map((file) => file.path)).toEqual([world.path('a.log')]);
  });

  it('file tail - a torn temp checkpoint is ignored in favour of the main file', async () => {
    const writer = new LineWriter(world.path('access.log'), 'f1');
    writer.appendLines(30);
    const ingest = new RecordingIngest();
    const first = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 30);
    await first.input.close();
    writeFileSync(`${first.input.checkpointPath}.tmp`, '{"version":1,"fil');
    writer.appendLines(10);
    const second = await world.start(fileConfig([writer.path]), { ingest });
    await waitForLines(ingest, 40);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(second.input.counters.checkpointsCorrupt).toBe(0);
  });
});
