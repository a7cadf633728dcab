import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperInputError } from '../src/errors.ts';
import { createPipeInput } from '../src/inputs/pipe-input.ts';
import type { ShipperInput } from '../src/inputs/shipper-input.ts';
import { encodePipeHello, PIPE_LINE_MAX_BYTES } from '@ringlog/shipper';
import { RecordingIngest } from './support/recording-ingest.ts';
import { pipeConfig, RawPipeClient, silentLogger, startPipeInput, temporaryDirectory, until } from './support/pipe-fixtures.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(overrides = {}) {
  const dir = temporaryDirectory('rl-pipe-in-');
  cleanups.push(dir.remove);
  const path = join(dir.path, 'pipe.sock');
  const ingest = new RecordingIngest();
  const events: string[] = [];
  const flush = ingest.flushToSpool.bind(ingest);
  ingest.flushToSpool = () => {
    events.push(`flush ${ingest.total}`);
    flush();
  };
  const { input } = await startPipeInput(path, ingest, overrides);
  cleanups.push(() => input.close());
  return { path, ingest, input, events, stats: input.handle.stats };
}

async function client(path: string): Promise<RawPipeClient> {
  const raw = new RawPipeClient(path);
  cleanups.push(() => raw.socket.destroy());
  await raw.connected();
  return raw;
}

const hello = (group: string | null = 'www') => encodePipeHello('test-helper', group);

describe('pipe input - happy path', () => {
  it('pipe input - lines go to the hello group, in order, and are acked only after a flush', async () => {
    const { path, ingest, events, stats, input } = await started();
    expect(input.describe()).toBe(`unix:${path}`);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    const raw = await client(path);
    raw.write(hello());
    const body = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join('');
    raw.write(body);
    await until(() => raw.lastAck === body.length, 'the ack of every line');
    expect(ingest.of('www')).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}`));
    // Every ack follows a flush that saw all the lines it covers.
    expect(events.at(-1)).toBe('flush 200');
    expect(stats.connections).toBe(1);
    expect(stats.connectionsTotal).toBe(1);
  });

  it('pipe input - a hello without a group uses the input group; acks count raw bytes (CR and blank lines too)', async () => {
    const { path, ingest } = await started();
    const raw = await client(path);
    raw.write(hello(null));
    raw.write('a\r\n\nb\n');
    await until(() => raw.lastAck === 6, 'the ack');
    expect(ingest.of('default')).toEqual(['a', 'b']);
  });

  it('pipe input - a partial line is not acked until its LF arrives', async () => {
    const { path, ingest } = await started();
    const raw = await client(path);
    raw.write(hello());
    raw.write('whole\npart');
    await until(() => raw.lastAck === 6, 'the first ack');
    raw.write('ial\n');
    await until(() => raw.lastAck === 14, 'the second ack');
    expect(ingest.of('www')).toEqual(['whole', 'partial']);
  });

  it('pipe input - close() acks what it read, says BYE, and removes the socket file', async () => {
    const { path, input } = await started();
    const raw = await client(path);
    raw.write(hello());
    raw.write('last words\nhalf');
    await until(() => raw.lastAck === 11, 'the ack');
    await input.close();
    await until(() => raw.closed, 'the close');
    expect(raw.replies.endsWith('BYE shutdown\n')).toBe(true);
    expect(() => statSync(path)).toThrow();
  });
});

describe('pipe input - hostile writers', () => {
  it('pipe input - random bytes instead of a hello: counted, BYE, closed; other connections unaffected', async () => {
    const { path, ingest, stats } = await started();
    const good = await client(path);
    good.write(hello());
    const bad = await client(path);
    bad.write(randomBytes(4096));
    await until(() => bad.closed, 'the bad connection to close');
    expect(bad.replies).toMatch(/BYE (bad-hello|unsupported-version)\n$/);
    expect(stats.errors.bad_frame).toBe(1);
    good.write('still here\n');
    await until(() => good.lastAck === 11, 'the good ack');
    expect(ingest.of('www')).toEqual(['still here']);
    expect(good.closed).toBe(false);
  });

  it('pipe input - a wrong version is refused as such', async () => {
    const { path, stats } = await started();
    const raw = await client(path);
    raw.write('RINGLOG-PIPE 9 id=x\n');
    await until(() => raw.closed, 'the close');
    expect(raw.replies).toBe('BYE unsupported-version\n');
    expect(stats.errors.bad_frame).toBe(1);
  });

  it('pipe input - an overlong line: lines before it are acked, then overlong is counted and the connection closed', async () => {
    const { path, ingest, stats } = await started();
    const raw = await client(path);
    raw.write(hello());
    raw.write('before\n');
    raw.write(Buffer.alloc(PIPE_LINE_MAX_BYTES + 10, 0x78));
    await until(() => raw.closed, 'the close');
    expect(raw.replies).toBe('ACK 7\nBYE overlong-line\n');
    expect(ingest.of('www')).toEqual(['before']);
    expect(stats.errors.overlong).toBe(1);
  });

  it('pipe input - a writer that writes half a line and vanishes: whole lines kept, the half counted as bad_frame', async () => {
    const { path, ingest, stats } = await started();
    const raw = await client(path);
    raw.write(hello());
    raw.write('complete\nincompl');
    await until(() => raw.lastAck === 9, 'the ack');
    raw.socket.end();
    await until(() => stats.errors.bad_frame === 1 && stats.connections === 0, 'the half line to be counted');
    expect(ingest.of('www')).toEqual(['complete']);
  });

  it('pipe input - a writer that vanishes inside its hello, or says nothing, costs nothing but a count', async () => {
    const { path, stats, ingest } = await started();
    const half = await client(path);
    half.write('RINGLOG-PI');
    half.socket.end();
    const silent = await client(path);
    silent.socket.end();
    await until(() => stats.connections === 0 && stats.connectionsTotal === 2, 'both to close');
    expect(stats.errors.bad_frame).toBe(1);
    expect(ingest.total).toBe(0);
  });

  it('pipe input - connections beyond max_connections are refused and counted', async () => {
    const { path, stats } = await started({ max_connections: 1 });
    const first = await client(path);
    first.write(hello());
    await until(() => stats.connections === 1, 'the first connection');
    const second = await client(path);
    await until(() => second.closed, 'the refusal');
    expect(second.replies).toBe('BYE too-many-connections\n');
    expect(stats.errors.too_many_connections).toBe(1);
    expect(first.closed).toBe(false);
  });

  it('pipe input - an idle connection is closed after idle_timeout_ms and counted', async () => {
    const { path, stats } = await started({ idle_timeout_ms: 100 });
    const raw = await client(path);
    raw.write(hello());
    await until(() => raw.closed, 'the idle close');
    expect(raw.replies).toBe('BYE idle-timeout\n');
    expect(stats.errors.idle_timeout).toBe(1);
  });
});

describe('pipe input - backpressure and socket file', () => {
  it('pipe input - a paused ingest stops reading the socket until writable', async () => {
    const { path, ingest } = await started();
    const raw = await client(path);
    raw.write(hello());
    ingest.setPaused(true);
    raw.write('one\n');
    await until(() => ingest.of('www').length === 1, 'the first line');
    raw.write('two\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ingest.of('www')).toEqual(['one']);
    ingest.setPaused(false);
    await until(() => raw.lastAck === 8, 'the second line after resume');
    expect(ingest.of('www')).toEqual(['one', 'two']);
  });

  it('pipe input - a stale socket file is replaced; a live one or a regular file refuses to start', async () => {
    const dir = temporaryDirectory('rl-pipe-sock-');
    cleanups.push(dir.remove);
    const stale = join(dir.path, 'stale.sock');
    // A process killed while listening leaves its socket file behind, as a crashed shipper does.
    const script = `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script], { timeout: 5000 });
    expect(statSync(stale).isSocket()).toBe(true);
    const first = await startPipeInput(stale);
    cleanups.push(() => first.input.close());
    const second: ShipperInput = createPipeInput(pipeConfig(stale, { name: 'pipe-1' }), { ingest: new RecordingIngest(), logger: silentLogger, lineMaxBytes: 1024, stateDir: dir.path });
    await expect(second.start()).rejects.toBeInstanceOf(ShipperInputError);
    const regular = join(dir.path, 'regular');
    writeFileSync(regular, 'not a socket');
    const third = createPipeInput(pipeConfig(regular, { name: 'pipe-2' }), { ingest: new RecordingIngest(), logger: silentLogger, lineMaxBytes: 1024, stateDir: dir.path });
    await expect(third.start()).rejects.toThrow(/not a socket/);
  });
});
