import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VhostFilesError } from '../src/errors.ts';
import { PipeSpawnError, PipeWriteError, VhostFilesErrorCode } from '../src/errors.ts';
import { PipeTarget, type PipeTargetOptions } from '../src/pipe-target.ts';
import type { FileEvent } from '../src/types.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ringlog-pipe-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Recorded {
  readonly target: PipeTarget;
  readonly events: Array<FileEvent & { readonly atMs: number }>;
}

function makeTarget(options: Omit<PipeTargetOptions, 'onEvent' | 'maxPendingBytes'> & { maxPendingBytes?: number }): Recorded {
  const events: Recorded['events'] = [];
  const target = new PipeTarget({
    maxPendingBytes: 1 << 24,
    restartInitialMs: 20,
    restartMaxMs: 160,
    closeTimeoutMs: 2_000,
    childOutput: 'ignore',
    ...options,
    onEvent: (event) => events.push({ ...event, atMs: performance.now() }),
  });
  return { target, events };
}

function lines(from: number, to: number): string {
  let text = '';
  for (let index = from; index < to; index += 1) text += `line ${index} ${'x'.repeat(index % 50)}\n`;
  return text;
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 4_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function count(events: Recorded['events'], type: FileEvent['type']): number {
  return events.filter((event) => event.type === type).length;
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

describe('pipe target', () => {
  it('pipe target - lines reach `cat > file` in order, and close waits for the command', async () => {
    const file = path.join(dir, 'in-order.log');
    const { target, events } = makeTarget({ command: `cat > '${file}'` });
    expect(target.path).toBe(`cat > '${file}'`);
    const expected = lines(0, 5000);
    for (let from = 0; from < 5000; from += 100) target.append(Buffer.from(lines(from, from + 100)));
    expect(target.pendingBytes).toBe(Buffer.byteLength(expected));
    await target.flush();
    expect(target.pendingBytes).toBe(0);
    target.append(Buffer.from(lines(5000, 5001)));
    await target.close();
    expect(await readText(file)).toBe(expected + lines(5000, 5001));
    expect(events.map((event) => event.type)).toEqual(['open', 'close']);
    expect(events[0]).toMatchObject({ type: 'open', path: target.path });
    expect(events[1]).toMatchObject({ type: 'close', reason: 'shutdown' });
    expect(target.running).toBe(false);
    expect(target.lastExit).toEqual({ code: 0, signal: null });
    expect(target.stats).toMatchObject({ spawns: 1, unexpectedExits: 0, writtenBytes: Buffer.byteLength(expected) + Buffer.byteLength(lines(5000, 5001)) });
    expect(() => target.append(Buffer.from('late\n'))).toThrow(/append after close/);
    await target.close(); // idempotent
  });

  it('pipe target - a command that exits after some lines is restarted and later lines arrive', async () => {
    const out = path.join(dir, 'head.log');
    const starts = path.join(dir, 'head.starts');
    const { target, events } = makeTarget({ command: `echo started >> '${starts}'; head -n 5 >> '${out}'` });
    target.append(Buffer.from(lines(0, 5)));
    await target.flush();
    await waitFor('the first head to exit and a second to start', () => count(events, 'open') >= 2);
    expect(events.find((event) => event.type === 'close')).toMatchObject({ reason: 'error' });
    target.append(Buffer.from(lines(5, 10)));
    await target.flush();
    await waitFor('a third start', () => count(events, 'open') >= 3);
    await target.close();
    expect(await readText(out)).toBe(lines(0, 10));
    expect((await readText(starts)).split('\n').filter(Boolean).length).toBe(3);
    expect(target.stats.unexpectedExits).toBe(2);
    expect(target.lastExit).toEqual({ code: 0, signal: null });
  });

  it('pipe target - EPIPE puts the failed chunk back, emits write_failed, restarts; close drops what is left', async () => {
    // `head -c 1` reads one block and exits, so a 4 MiB chunk can never be written whole.
    const { target, events } = makeTarget({ command: 'head -c 1 > /dev/null', closeTimeoutMs: 500 });
    const chunk = Buffer.from(lines(0, 1).repeat(400_000));
    target.append(chunk);
    void target.flush();
    await waitFor('two write failures', () => target.stats.writeFailures >= 2);
    const failed = events.find((event) => event.type === 'write_failed');
    expect(failed?.type === 'write_failed' && failed.error).toBeInstanceOf(PipeWriteError);
    expect(failed?.type === 'write_failed' && (failed.error as PipeWriteError).code).toBe(VhostFilesErrorCode.PIPE_WRITE_FAILED);
    expect(target.stats.requeuedChunks).toBeGreaterThanOrEqual(1);
    expect(target.pendingBytes).toBe(chunk.length);
    await target.close();
    expect(target.pendingBytes).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'dropped', lines: 400_000, bytes: chunk.length });
  });

  it('pipe target - a command that does not exist (exit 127) restarts with doubling backoff, bounded queue', async () => {
    const { target, events } = makeTarget({ command: 'ringlog-no-such-command-4803', maxPendingBytes: 1_000 });
    await target.flush(); // starts the command even with nothing queued
    // 200 lines of 16 bytes against a 1 000-byte bound: the newest 62 stay, the oldest 138 go.
    for (let index = 0; index < 200; index += 1) target.append(Buffer.from(`line ${String(index).padStart(10, '0')}\n`));
    expect(target.pendingBytes).toBe(992);
    const dropped = events.filter((event) => event.type === 'dropped');
    expect(dropped.length).toBe(138);
    const droppedLines = dropped.reduce((sum, event) => sum + (event.type === 'dropped' ? event.lines : 0), 0);
    expect(droppedLines).toBe(138);
    expect(target.stats).toMatchObject({ droppedLines: 138, droppedBytes: 138 * 16 });
    await waitFor('six starts', () => count(events, 'open') >= 6);
    expect(target.lastExit?.code).toBe(127);
    const opens = events.filter((event) => event.type === 'open').map((event) => event.atMs);
    const closes = events.filter((event) => event.type === 'close').map((event) => event.atMs);
    // Each restart waits at least the backoff: 20, 40, 80, 160, 160 ms (timers may fire 1 ms early).
    const minimumDelaysMs = [20, 40, 80, 160, 160];
    for (let index = 0; index < minimumDelaysMs.length; index += 1) {
      expect(opens[index + 1]! - closes[index]!, `restart ${index + 1}`).toBeGreaterThanOrEqual(minimumDelaysMs[index]! - 2);
    }
    expect(closes.length).toBeGreaterThanOrEqual(5);
    expect(events.filter((event) => event.type === 'close').every((event) => event.type === 'close' && event.reason === 'error')).toBe(true);
    await target.close();
    expect(target.pendingBytes).toBe(0);
    // Every byte is accounted for: dropped by the bound or at close, or handed to a shell that then
    // died without reading it (the at-most-once loss a pipe cannot avoid or count).
    expect(target.stats.droppedBytes + target.stats.writtenBytes).toBe(200 * 16);
  });

  it('pipe target - a shell that cannot be spawned emits open_failed and is retried', async () => {
    const { target, events } = makeTarget({ command: 'cat', shell: path.join(dir, 'no-such-shell') });
    target.append(Buffer.from('kept\n'));
    await target.flush();
    await waitFor('three spawn failures', () => count(events, 'open_failed') >= 3);
    const failed = events.find((event) => event.type === 'open_failed');
    expect(failed?.type === 'open_failed' && failed.error).toBeInstanceOf(PipeSpawnError);
    expect(failed?.type === 'open_failed' && failed.error).toBeInstanceOf(VhostFilesError);
    expect(failed?.type === 'open_failed' && (failed.error as PipeSpawnError).code).toBe('RL_VHOST_FILES_PIPE_SPAWN_FAILED');
    expect(count(events, 'open')).toBe(0);
    expect(target.pendingBytes).toBe(5);
    expect(target.stats.spawnFailures).toBeGreaterThanOrEqual(3);
    await target.close();
    expect(events.at(-1)).toMatchObject({ type: 'dropped', lines: 1, bytes: 5 });
  });

  it('pipe target - a slow reader applies backpressure and loses nothing', async () => {
    const file = path.join(dir, 'slow.log');
    const { target } = makeTarget({ command: `sleep 1; cat > '${file}'` });
    const chunks: Buffer[] = [];
    for (let from = 0; from < 40_000; from += 1_000) chunks.push(Buffer.from(lines(from, from + 1_000)));
    for (const chunk of chunks) target.append(chunk);
    const started = Date.now();
    await target.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // nothing moved until the reader woke up
    expect(target.pendingBytes).toBe(0);
    await target.close();
    expect(await readText(file)).toBe(Buffer.concat(chunks).toString());
  });

  it('pipe target - close waits for the command to finish after end of input', async () => {
    const file = path.join(dir, 'after-eof.txt');
    const { target } = makeTarget({ command: `cat > /dev/null; sleep 0.3; echo done > '${file}'` });
    target.append(Buffer.from('x\n'));
    await target.flush();
    await target.close();
    expect(await readText(file)).toBe('done\n');
  });

  it('pipe target - close escalates to SIGKILL for a command that ignores end of input and SIGTERM', async () => {
    const { target, events } = makeTarget({ command: "trap '' TERM; while :; do sleep 0.05; done", closeTimeoutMs: 150 });
    target.append(Buffer.from('x\n'));
    await target.flush();
    const started = Date.now();
    await target.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(target.lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(events.at(-1)).toMatchObject({ type: 'close', reason: 'shutdown' });
  });

  it('pipe target - close without any flush starts nothing', async () => {
    const { target, events } = makeTarget({ command: 'cat' });
    await target.close();
    expect(events).toEqual([]);
  });

  it('pipe target - bad options are refused', () => {
    expect(() => new PipeTarget({ command: ' ', maxPendingBytes: 1 })).toThrow(/command/);
    expect(() => new PipeTarget({ command: 'cat', maxPendingBytes: 0 })).toThrow(/maxPendingBytes/);
    expect(() => new PipeTarget({ command: 'cat', maxPendingBytes: 1, restartInitialMs: 100, restartMaxMs: 50 })).toThrow(/restart/);
  });
});
