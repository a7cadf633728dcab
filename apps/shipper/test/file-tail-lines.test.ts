import { appendFileSync, writeFileSync } from 'node:fs';
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

describe('file tail - lines', () => {
  it('file tail - ships lines appended while tailing, each once', async () => {
    const writer = new LineWriter(world.path('access.log'), 'f1');
    writer.appendLines(10);
    const { input, ingest } = await world.start(fileConfig([writer.path]));
    for (let batch = 0; batch < 20; batch++) {
      writer.appendLines(7);
      if (batch % 5 === 0) await sleep(20);
    }
    await waitForLines(ingest, writer.written.length);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
    expect(input.handle.stats.connections).toBe(1);
    expect(input.handle.stats.lines).toBe(writer.written.length);
  });

  it('file tail - start_at end skips what files held at the first start, then ships appends', async () => {
    const path = world.path('access.log');
    writeFileSync(path, 'old-1\nold-2\nhalf of a line');
    const { ingest } = await world.start(fileConfig([path], { start_at: 'end' }));
    appendFileSync(path, ' finished\nnew-1\n');
    await waitForLines(ingest, 2);
    expect(ingest.of(GROUP)).toEqual(['half of a line finished', 'new-1']);
  });

  it('file tail - start_at beginning ships what files held at the first start', async () => {
    const path = world.path('access.log');
    writeFileSync(path, 'old-1\nold-2\n');
    const { ingest } = await world.start(fileConfig([path], { start_at: 'beginning' }));
    appendFileSync(path, 'new-1\n');
    await waitForLines(ingest, 3);
    expect(ingest.of(GROUP)).toEqual(['old-1', 'old-2', 'new-1']);
  });

  it('file tail - holds a partial last line until its LF and checkpoints the byte after the last full line', async () => {
    const path = world.path('access.log');
    writeFileSync(path, 'f1-1\nf1-2 is parti');
    const { input, ingest } = await world.start(fileConfig([path]));
    await waitForLines(ingest, 1);
    await waitUntil(async () => (await world.checkpoint(input).catch(() => undefined)) !== undefined, 'a checkpoint');
    await input.checkpoint();
    const saved = await world.checkpoint(input);
    expect(Object.values(saved.files).map((file) => file.offset)).toEqual([5]);
    expect(ingest.of(GROUP)).toEqual(['f1-1']);
    appendFileSync(path, 'al\r\nf1-3\n');
    await waitForLines(ingest, 3);
    expect(ingest.of(GROUP)).toEqual(['f1-1', 'f1-2 is partial', 'f1-3']);
  });

  it('file tail - passes binary bytes and invalid UTF-8 through unchanged', async () => {
    const path = world.path('binary.log');
    const lines = [Buffer.from([0x00, 0x01, 0xff, 0xfe]), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('caf\u00e9 \u2603', 'utf8'), Buffer.from([0x80, 0x0d, 0x41, 0xe2, 0x82])];
    const { ingest } = await world.start(fileConfig([path]));
    for (const line of lines) appendFileSync(path, Buffer.concat([line, Buffer.from([0x0a])]));
    await waitForLines(ingest, lines.length);
    expect(ingest.of(GROUP)).toEqual(lines.map((line) => line.toString('latin1')));
  });

  it('file tail - splits an overlong line into pieces of lineMaxBytes, counted once, even when written in parts', async () => {
    const path = world.path('long.log');
    const { input, ingest } = await world.start(fileConfig([path]), { lineMaxBytes: 100 });
    const long = 'L'.repeat(120) + 'M'.repeat(80) + 'N'.repeat(50);
    appendFileSync(path, long.slice(0, 70));
    await sleep(60);
    appendFileSync(path, long.slice(70, 180));
    await sleep(60);
    appendFileSync(path, `${long.slice(180)}\nshort\n`);
    await waitForLines(ingest, 4);
    expect(ingest.of(GROUP).join('')).toBe(`${long}short`);
    expect(ingest.of(GROUP).map((line) => line.length)).toEqual([100, 100, 50, 5]);
    expect(input.handle.stats.errors.overlong).toBe(1);
  });

  it('file tail - stops reading while the engine asks to pause, and reads a big backlog in chunks', async () => {
    const path = world.path('backlog.log');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(3_000);
    const ingest = new PauseCheckingIngest();
    ingest.setPaused(true);
    await world.start(fileConfig([path]), { ingest, tuning: { readChunkBytes: 4096 } });
    await waitForLines(ingest, 1);
    // Give the input every chance to misbehave; correctness does not depend on this time.
    await sleep(300);
    expect(ingest.pushesWhilePaused).toBe(0);
    expect(ingest.of(GROUP).length).toBeLessThanOrEqual(4096 / 34 + 1);
    ingest.setPaused(false);
    await waitForLines(ingest, writer.written.length);
    expectExactlyOnce(ingest.of(GROUP), writer.written);
  });
});

/** Counts pushes made after a push was answered `paused` and before the engine resumed. */
class PauseCheckingIngest extends RecordingIngest {
  pushesWhilePaused = 0;
  #toldToPause = false;

  override push(...args: Parameters<RecordingIngest['push']>): ReturnType<RecordingIngest['push']> {
    if (this.#toldToPause) this.pushesWhilePaused += 1;
    const outcome = super.push(...args);
    this.#toldToPause = outcome.paused;
    return outcome;
  }

  override setPaused(paused: boolean): void {
    if (!paused) this.#toldToPause = false;
    super.setPaused(paused);
  }
}
