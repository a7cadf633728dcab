/**
 * Model-based: a seeded run of random steps (append, rename rotation with a late writer,
 * copytruncate, stop, start, pause) on two logs watched by `<name>.log*`, running or stopped,
 * checked against the only model that matters: every line written is pushed exactly once.
 * A failure prints its seed and trace.
 */
import { mulberry32 } from '@ringlog/prng';
import { copyFileSync, existsSync, renameSync, truncateSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'vitest';
import type { FileInput } from '../src/inputs/file-tail/file-input.ts';
import { expectExactlyOnce, fileConfig, GROUP, LineWriter, sleep, TailWorld, waitForLines } from './support/file-tail-harness.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

/** More seeds for a deeper run: FILE_TAIL_MODEL_SEEDS=500 npx vitest run apps/shipper/test/file-tail-model */
const SEEDS = Array.from({ length: Number(process.env['FILE_TAIL_MODEL_SEEDS'] ?? 8) }, (_, index) => index + 1);
const STEPS = 40;
/** Never reached: deleting the oldest rotation would lose its unread lines, by design. */
const ROTATIONS_KEPT = STEPS + 1;

/** mulberry32: small, seedable, good enough to pick steps. */
let world: TailWorld;
beforeEach(async () => {
  world = await TailWorld.create();
});
afterEach(async () => {
  await world.cleanup();
});

/** logrotate's numbering: name.1 → name.2 …, the oldest beyond ROTATIONS_KEPT is overwritten. */
function shiftRotations(path: string): void {
  for (let index = ROTATIONS_KEPT - 1; index >= 1; index--) if (existsSync(`${path}.${index}`)) renameSync(`${path}.${index}`, `${path}.${index + 1}`);
}

function rotateByRename(path: string): void {
  shiftRotations(path);
  renameSync(path, `${path}.1`);
}

function rotateByCopytruncate(path: string): void {
  shiftRotations(path);
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
}

describe('file tail - model', () => {
  for (const seed of SEEDS) {
    it(`file tail - seed ${seed}: random appends, rotations and restarts ship every line exactly once`, async () => {
      const random = mulberry32(seed);
      const writers = ['a', 'b'].map((name) => new LineWriter(world.path(`${name}.log`), `f${name}`));
      for (const writer of writers) writer.appendLines(1);
      const ingest = new RecordingIngest();
      const config = fileConfig(writers.map((writer) => `${writer.path}*`));
      let input: FileInput | undefined = (await world.start(config, { ingest })).input;
      const trace: string[] = [];
      for (let step = 0; step < STEPS; step++) {
        const writer = writers[Math.floor(random() * writers.length)]!;
        const roll = random();
        const running = input !== undefined;
        if (roll < 0.55) {
          const count = 1 + Math.floor(random() * 40);
          writer.appendLines(count);
          trace.push(`append ${writer.tag} ${count}`);
        } else if (roll < 0.65) {
          // The web server keeps writing to the renamed file for a moment (a late writer).
          const late = random() < 0.5 ? 1 + Math.floor(random() * 10) : 0;
          writer.open();
          rotateByRename(writer.path);
          writer.appendLines(1);
          writer.writeThroughDescriptor(late);
          writer.close();
          trace.push(`rename ${writer.tag} late ${late}`);
        } else if (roll < 0.75) {
          rotateByCopytruncate(writer.path);
          trace.push(`copytruncate ${writer.tag}`);
        } else if (roll < 0.85) {
          if (input === undefined) input = (await world.start(config, { ingest })).input;
          else {
            await input.close();
            input = undefined;
          }
          trace.push(running ? 'stop' : 'start');
        } else {
          await sleep(Math.floor(random() * 60));
          trace.push('pause');
        }
      }
      if (input === undefined) await world.start(config, { ingest });
      const all = writers.flatMap((writer) => writer.written);
      try {
        await waitForLines(ingest, all.length);
        await sleep(300);
        expectExactlyOnce(ingest.of(GROUP), all);
      } catch (error) {
        throw new Error(`seed ${seed} failed after: ${trace.join(', ')}\n${(error as Error).message}`, { cause: error });
      }
    });
  }
});
