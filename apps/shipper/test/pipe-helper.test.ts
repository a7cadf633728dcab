/**
 * `ringlog pipe` against the shipper's pipe input, end to end over a real unix socket: the
 * helper runs in-process (runPipe with stream stdin) or as a child process (the bin).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipe, type RunPipeOptions } from '../../cli/src/pipe/run-pipe.ts';
import type { ShipperInput } from '../src/inputs/shipper-input.ts';
import { RecordingIngest } from './support/recording-ingest.ts';
import { startPipeInput, temporaryDirectory, until } from './support/pipe-fixtures.ts';

const BIN = fileURLToPath(new URL('../../cli/bin/ringlog.mjs', import.meta.url));
/** Pids above Linux's pid_max (4194304) never exist: helpers "run" under them are dead at once. */
const DEAD_PID_A = 99_000_001;
const DEAD_PID_B = 99_000_002;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workspace() {
  const dir = temporaryDirectory('rl-pipe-e2e-');
  cleanups.push(dir.remove);
  return { socketPath: join(dir.path, 'pipe.sock'), spoolDir: join(dir.path, 'spool') };
}

async function shipper(socketPath: string, ingest = new RecordingIngest(), name = 'pipe-0'): Promise<{ input: ShipperInput; ingest: RecordingIngest }> {
  const started = await startPipeInput(socketPath, ingest, { name });
  cleanups.push(() => started.input.close());
  return started;
}

/** An in-process helper with a stream stdin; `done` resolves with its exit status. */
function helper(socketPath: string, spoolDir: string, overrides: Partial<RunPipeOptions> = {}) {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const options: RunPipeOptions = {
    socketPath,
    group: 'www',
    spoolDir,
    bufferBytes: 1024 * 1024,
    spoolMaxBytes: 64 * 1024 * 1024,
    drainMs: 4000,
    reconnectInitialDelayMs: 20,
    reconnectMaxDelayMs: 100,
    rescanIntervalMs: 0,
    warningIntervalMs: 60_000,
    ...overrides,
  };
  const done = runPipe(options, { stdin, stdout: new PassThrough(), stderr });
  cleanups.push(async () => {
    stdin.end();
    await done;
  });
  return { stdin, done, stderrText: () => errors };
}

function lines(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix} ${index} ${'x'.repeat(index % 50)}`);
}

function spoolFiles(spoolDir: string): string[] {
  return readdirSync(spoolDir).filter((name) => name.endsWith('.spool'));
}

describe('pipe helper - with the shipper present', () => {
  it('pipe helper - every line arrives once, in order; the helper exits 0 at end of input and leaves no file', async () => {
    const { socketPath, spoolDir } = workspace();
    const { ingest } = await shipper(socketPath);
    const run = helper(socketPath, spoolDir);
    const sent = lines('GET /index.html', 5000);
    for (let index = 0; index < sent.length; index += 250) run.stdin.write(`${sent.slice(index, index + 250).join('\n')}\n`);
    run.stdin.end();
    expect(await run.done).toBe(0);
    expect(ingest.of('www')).toEqual(sent);
    expect(spoolFiles(spoolDir)).toEqual([]);
    expect(run.stderrText()).toBe('');
  });

  it('pipe helper - the last line without LF at end of input is delivered whole', async () => {
    const { socketPath, spoolDir } = workspace();
    const { ingest } = await shipper(socketPath);
    const run = helper(socketPath, spoolDir, { group: null });
    run.stdin.write('complete\nhalf a ');
    run.stdin.end('line');
    expect(await run.done).toBe(0);
    expect(ingest.of('default')).toEqual(['complete', 'half a line']);
  });
});

describe('pipe helper - idle connections', () => {
  it('pipe helper - let go by the idle timeout, the helper redials only when a line arrives', async () => {
    const { socketPath, spoolDir } = workspace();
    const { input, ingest } = await startPipeInput(socketPath, new RecordingIngest(), { idle_timeout_ms: 100 });
    cleanups.push(() => input.close());
    const run = helper(socketPath, spoolDir);
    run.stdin.write('before the pause\n');
    await until(() => input.handle.stats.errors.idle_timeout === 1 && input.handle.stats.connections === 0, 'the idle close');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(input.handle.stats.connectionsTotal).toBe(1);
    run.stdin.end('after the pause\n');
    expect(await run.done).toBe(0);
    expect(ingest.of('www')).toEqual(['before the pause', 'after the pause']);
    expect(input.handle.stats.connectionsTotal).toBe(2);
    expect(run.stderrText()).toBe('');
  });
});

describe('pipe helper - with the shipper absent', () => {
  it('pipe helper - keeps reading stdin, spools to disk, then delivers every line once, in order', async () => {
    const { socketPath, spoolDir } = workspace();
    const run = helper(socketPath, spoolDir, { bufferBytes: 8 * 1024 });
    const sent = lines('early', 3000);
    for (let index = 0; index < sent.length; index += 100) run.stdin.write(`${sent.slice(index, index + 100).join('\n')}\n`);
    // Nothing listens, yet stdin is drained at once: Apache would not block.
    await until(() => run.stdin.readableLength === 0 && run.stdin.writableLength === 0, 'stdin to be read');
    const [file] = spoolFiles(spoolDir);
    expect(file).toMatch(/^ringlog-pipe\.[0-9]+\.0\.spool$/);
    expect(statSync(join(spoolDir, file as string)).size).toBeGreaterThan(sent.join('\n').length - 16 * 1024);
    await until(() => run.stderrText().includes('cannot reach the shipper'), 'the warning');
    const { ingest } = await shipper(socketPath);
    await until(() => ingest.of('www').length === sent.length, 'the spooled lines');
    const later = lines('later', 500);
    run.stdin.end(`${later.join('\n')}\n`);
    expect(await run.done).toBe(0);
    expect(ingest.of('www')).toEqual([...sent, ...later]);
    expect(spoolFiles(spoolDir)).toEqual([]);
  });

  it('pipe helper - a full spool drops the NEWEST lines, counts them, and warns once', async () => {
    const { socketPath, spoolDir } = workspace();
    const run = helper(socketPath, spoolDir, { bufferBytes: 1024, spoolMaxBytes: 4096, drainMs: 2000 });
    const sent = lines('flood', 1000);
    for (const line of sent) run.stdin.write(`${line}\n`);
    await until(() => run.stdin.readableLength === 0, 'stdin to be read');
    const { ingest } = await shipper(socketPath);
    await until(() => ingest.of('www').length > 0, 'the kept lines');
    run.stdin.end();
    expect(await run.done).toBe(0);
    const received = ingest.of('www');
    // What was kept is the oldest lines, complete and in order.
    expect(received).toEqual(sent.slice(0, received.length));
    expect(received.length).toBeLessThan(sent.length);
    expect(run.stderrText().match(/dropping the newest lines/g)).toHaveLength(1);
    expect(run.stderrText()).toContain(`dropped ${sent.length - received.length} lines in all`);
  });
});

/** A shipper stand-in that reads lines and acknowledges only the first `ackLines` of them. */
async function stingyShipper(socketPath: string, ackLines: number) {
  let received = '';
  let helloSeen = false;
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!helloSeen && received.includes('\n')) {
        helloSeen = true;
        received = received.slice(received.indexOf('\n') + 1);
      }
      const complete = received.split('\n').slice(0, -1);
      if (complete.length >= ackLines) socket.write(`ACK ${complete.slice(0, ackLines).join('\n').length + 1}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    received: () => received,
    /** Dies like a crashed shipper: connections reset, no goodbye. */
    crash: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('pipe helper - shipper restarts', () => {
  it('pipe helper - a restart in the middle: acknowledged lines are not resent, unacknowledged ones are', async () => {
    const { socketPath, spoolDir } = workspace();
    const stingy = await stingyShipper(socketPath, 300);
    const run = helper(socketPath, spoolDir);
    const sent = lines('restart', 1000);
    run.stdin.write(`${sent.join('\n')}\n`);
    await until(() => stingy.received().split('\n').length > sent.length, 'the stand-in to read every line');
    await stingy.crash();
    const { ingest } = await shipper(socketPath);
    await until(() => ingest.of('www').length >= 700, 'the resent lines');
    run.stdin.end();
    expect(await run.done).toBe(0);
    expect(ingest.of('www')).toEqual(sent.slice(300));
  });

  it('pipe helper - a clean shipper restart loses and duplicates nothing', async () => {
    const { socketPath, spoolDir } = workspace();
    const ingest = new RecordingIngest();
    const first = await startPipeInput(socketPath, ingest);
    const run = helper(socketPath, spoolDir);
    const batches = [lines('one', 400), lines('two', 400), lines('three', 400)];
    run.stdin.write(`${batches[0]?.join('\n')}\n`);
    await until(() => ingest.total === 400, 'the first batch');
    await first.input.close();
    run.stdin.write(`${batches[1]?.join('\n')}\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await shipper(socketPath, ingest, 'pipe-restarted');
    run.stdin.end(`${batches[2]?.join('\n')}\n`);
    expect(await run.done).toBe(0);
    expect(ingest.of('www')).toEqual(batches.flat());
  });
});

describe('pipe helper - leftovers', () => {
  it('pipe helper - stdin EOF with the shipper away leaves a spool file; the next helper sends it first', async () => {
    const { socketPath, spoolDir } = workspace();
    const first = helper(socketPath, spoolDir, { pid: DEAD_PID_A, drainMs: 200, bufferBytes: 2048 });
    const old = lines('before restart', 600);
    first.stdin.end(`${old.join('\n')}\n`);
    expect(await first.done).toBe(0);
    expect(spoolFiles(spoolDir)).toEqual([`ringlog-pipe.${DEAD_PID_A}.0.spool`]);
    expect(first.stderrText()).toMatch(/did not acknowledge [0-9]+ bytes of lines; left in .*ringlog-pipe\.99000001\.0\.spool/);
    const { ingest } = await shipper(socketPath);
    const second = helper(socketPath, spoolDir, { pid: DEAD_PID_B });
    const fresh = lines('after restart', 100);
    second.stdin.end(`${fresh.join('\n')}\n`);
    expect(await second.done).toBe(0);
    expect(ingest.of('www')).toEqual([...old, ...fresh]);
    expect(spoolFiles(spoolDir)).toEqual([]);
    expect(second.stderrText()).toContain('took over 1 spool file(s)');
  });

  it('pipe helper - a leftover for another group is left alone', async () => {
    const { socketPath, spoolDir } = workspace();
    const other = helper(socketPath, spoolDir, { pid: DEAD_PID_A, drainMs: 0, group: 'other' });
    other.stdin.end('for other\n');
    await other.done;
    const { ingest } = await shipper(socketPath);
    const mine = helper(socketPath, spoolDir, { pid: DEAD_PID_B });
    mine.stdin.end('for www\n');
    await mine.done;
    expect(ingest.of('www')).toEqual(['for www']);
    expect(ingest.of('other')).toEqual([]);
    expect(spoolFiles(spoolDir)).toEqual([`ringlog-pipe.${DEAD_PID_A}.0.spool`]);
  });

  it('pipe helper - a running helper picks up the leftover of a helper that exited after it started', async () => {
    const { socketPath, spoolDir } = workspace();
    const { ingest } = await shipper(socketPath);
    const running = helper(socketPath, spoolDir, { pid: DEAD_PID_B, rescanIntervalMs: 50 });
    running.stdin.write('current 1\n');
    await until(() => ingest.total === 1, 'the first line');
    // The old helper could not reach a shipper (another socket) and exits with its lines spooled.
    const old = helper(join(spoolDir, '..', 'nowhere.sock'), spoolDir, { pid: DEAD_PID_A, drainMs: 0 });
    old.stdin.end('old 1\nold 2\n');
    await old.done;
    await until(() => ingest.total === 3, 'the leftover lines');
    running.stdin.end('current 2\n');
    expect(await running.done).toBe(0);
    expect(ingest.of('www')).toEqual(['current 1', 'old 1', 'old 2', 'current 2']);
    expect(spoolFiles(spoolDir)).toEqual([]);
  });
});

describe('pipe helper - as a child process', () => {
  it('pipe helper - bin: reads stdin with no shipper, delivers once the shipper starts, exits 0 at EOF', async () => {
    const { socketPath, spoolDir } = workspace();
    const args = [BIN, 'pipe', '--socket', socketPath, '--group', 'www', '--spool-dir', spoolDir, '--buffer-bytes', '16384', '--reconnect-initial-ms', '20', '--reconnect-max-ms', '100'];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const sent = lines('child', 20_000);
    // ~700 KB, ten times a pipe buffer: the write completes only if the helper keeps reading.
    await new Promise<void>((resolve, reject) => child.stdin.write(`${sent.join('\n')}\n`, (error) => (error ? reject(error) : resolve())));
    await until(() => spoolFiles(spoolDir).length === 1, 'the spool file');
    const { ingest } = await shipper(socketPath);
    await until(() => ingest.of('www').length === sent.length, 'every line');
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(ingest.of('www')).toEqual(sent);
    expect(stderr).toContain('cannot reach the shipper');
    expect(spoolFiles(spoolDir)).toEqual([]);
  });

  it('pipe helper - bin: SIGTERM drains and exits 0; a leftover survives for the next helper', async () => {
    const { socketPath, spoolDir } = workspace();
    const child = spawn(process.execPath, [BIN, 'pipe', '--socket', socketPath, '--spool-dir', spoolDir, '--drain-ms', '100'], { stdio: ['pipe', 'ignore', 'pipe'] });
    cleanups.push(() => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.write('kept across\nthe restart\n');
    await until(() => stderr.includes('cannot reach the shipper'), 'the helper to try the shipper');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(spoolFiles(spoolDir)).toHaveLength(1);
    const { ingest } = await shipper(socketPath);
    const next = helper(socketPath, spoolDir, { group: null });
    next.stdin.end();
    expect(await next.done).toBe(0);
    expect(ingest.of('default')).toEqual(['kept across', 'the restart']);
  });
});
