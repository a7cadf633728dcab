/**
 * The crash guarantee, with a real kill -9 of a child process that tails a file into a stand-in
 * spool: after a restart nothing is lost, and the only lines shipped twice are those that reached
 * the spool after the last checkpoint (read since then: at most one checkpoint interval's worth).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../src/inputs/file-tail/checkpoint-store.ts';
import { fileConfig, GROUP, LineWriter, sleep, TailWorld, waitForLines, waitUntil } from './support/file-tail-harness.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./support/file-tail-crash-fixture.ts', import.meta.url));
/** Every test line is this long with its LF (LineWriter's format). */
const LINE_BYTES = 34;

let world: TailWorld;
let child: ChildProcess | undefined;
beforeEach(async () => {
  world = await TailWorld.create();
});
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await world.cleanup();
});

function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'latin1').split('\n').slice(0, -1);
}

async function savedOffset(stateDir: string): Promise<number> {
  const loaded = await new CheckpointStore(stateDir, 'tail').load(Date.now());
  if (loaded.type !== 'loaded') return -1;
  return loaded.files[0]?.offset ?? -1;
}

describe('file tail - crash', () => {
  it('file tail - kill -9 between checkpoints: nothing lost, duplicates only of lines spooled after the last checkpoint', async () => {
    const path = world.path('access.log');
    const spoolPath = world.path('spool.txt');
    const writer = new LineWriter(path, 'f1');
    writer.appendLines(20);
    const spawned = spawn(process.execPath, ['--import', 'tsx', FIXTURE, world.stateDir, path, spoolPath, '150'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    let output = '';
    spawned.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    spawned.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => spawned.once('exit', (_code, signal) => resolve(signal)));
    await waitUntil(() => output.includes('ready'), 'the child input to start', () => output, 20_000);
    let writing = true;
    const steady = (async () => {
      while (writing) {
        writer.appendLines(3);
        await sleep(2);
      }
    })();
    // Kill when a checkpoint exists and the spool already holds lines past it: the duplicate case.
    await waitUntil(async () => {
      const offset = await savedOffset(world.stateDir);
      return offset > 0 && readLines(spoolPath).length > offset / LINE_BYTES + 10;
    }, 'a checkpoint with spooled lines after it', () => output);
    spawned.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    writing = false;
    await steady;
    writer.appendLines(10);

    const offset = await savedOffset(world.stateDir);
    const covered = offset / LINE_BYTES;
    const spooled = readLines(spoolPath);
    const ingest = new RecordingIngest();
    await world.start(fileConfig([path]), { ingest });
    await waitForLines(ingest, writer.written.length - covered);
    await sleep(100);
    const reread = ingest.of(GROUP);

    // The checkpoint covers only spooled lines (flushToSpool before every save).
    expect(Number.isInteger(covered)).toBe(true);
    expect(spooled.slice(0, covered)).toEqual(writer.written.slice(0, covered));
    // The restart resumes exactly at the checkpoint: everything after it, once, in order.
    expect(reread).toEqual(writer.written.slice(covered));
    // So nothing is lost, and the duplicates are exactly the lines spooled after the checkpoint.
    const shipped = new Set([...spooled, ...reread]);
    expect(writer.written.filter((line) => !shipped.has(line))).toEqual([]);
    const rereadSet = new Set(reread);
    const duplicates = spooled.filter((line) => rereadSet.has(line));
    expect(duplicates).toEqual(spooled.slice(covered));
    expect(duplicates.length).toBeGreaterThan(0);
  });
});
