import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import type { UnixInputConfig } from '@ringlog/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperInputError } from '../src/errors.ts';
import { createUnixDgramSocket } from '../src/inputs/socket-unix-dgram.ts';
import { createUnixInput } from '../src/inputs/unix-input.ts';
import { connectUnix, connectUnixMany, whenClosed, writeAndEnd, writeChunks } from './support/socket-clients.ts';
import { Cleanup, GROUP, createHarness, linesAsBytes, socketDir, unixConfig, waitUntil, waitUntilStable } from './support/socket-harness.ts';
import {
  BAD_SYSLOG,
  BINARY_LINE,
  NGINX_LINE,
  NGINX_SYSLOG,
  RFC3164_MESSAGE,
  RFC3164_SYSLOG,
  RFC5424_MESSAGE,
  RFC5424_SYSLOG,
  expectedStreamLines,
  randomBytes,
  randomChunks,
  seededRandom,
} from './support/socket-hostile.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startUnix(overrides: Partial<UnixInputConfig> = {}, lineMaxBytes = 1024) {
  const dir = cleanup.dir(await socketDir());
  const socketPath = path.join(dir, 'access.sock');
  const harness = createHarness(lineMaxBytes);
  const input = cleanup.input(createUnixInput(unixConfig(socketPath, overrides), harness.context));
  await input.start();
  return { ...harness, input, socketPath, stats: input.handle.stats };
}

/** A socket file nobody listens on, as a crashed shipper leaves behind. */
async function makeStaleSocket(socketPath: string): Promise<void> {
  const socket = createUnixDgramSocket();
  await new Promise<void>((resolve, reject) => {
    socket.once('listening', resolve);
    socket.once('error', reject);
    socket.bind(socketPath);
  });
  socket.close();
}

describe('unix input - lines', () => {
  it('unix input - lines arrive in per-connection order to the group', async () => {
    const { ingest, input, socketPath, stats } = await startUnix();
    const writers = await Promise.all([0, 1, 2].map(() => connectUnix(socketPath)));
    const random = seededRandom(7);
    await Promise.all(
      writers.map(async (writer, index) => {
        const text = Array.from({ length: 200 }, (_, line) => `writer${index} line ${line}${line % 3 === 0 ? '\r\n\n' : '\n'}`).join('');
        await writeChunks(writer, randomChunks(random, Buffer.from(text), 97));
        await writeAndEnd(writer, '');
      }),
    );
    await waitUntil(() => ingest.of(GROUP).length === 600, '600 lines', () => String(ingest.of(GROUP).length));
    for (const index of [0, 1, 2]) {
      const mine = ingest.of(GROUP).filter((line) => line.startsWith(`writer${index} `));
      expect(mine).toEqual(Array.from({ length: 200 }, (_, line) => `writer${index} line ${line}`));
    }
    expect(input.handle).toMatchObject({ name: 'unix-0', type: 'unix', route: { group: GROUP, vhostBuckets: 0 } });
    expect(stats.connectionsTotal).toBe(3);
    await waitUntil(() => stats.connections === 0, 'connections closed');
    expect(input.describe()).toBe(`unix:${socketPath}`);
  });

  it('unix input - random bytes in random chunks come out as the reference model says', async () => {
    const { ingest, socketPath, stats } = await startUnix({}, 64);
    let expected: Buffer[] = [];
    let overlong = 0;
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed);
      const stream = randomBytes(random, 16_384);
      const model = expectedStreamLines(stream, 64);
      expected = [...expected, ...model.lines];
      overlong += model.overlong;
      const writer = await connectUnix(socketPath);
      await writeChunks(writer, randomChunks(random, stream, 700));
      await writeAndEnd(writer, '');
      await waitUntil(() => ingest.of(GROUP).length === expected.length, `lines of seed ${seed}`, () => `${ingest.of(GROUP).length} of ${expected.length}`);
    }
    expect(Buffer.concat(linesAsBytes(ingest)).equals(Buffer.concat(expected))).toBe(true);
    expect(linesAsBytes(ingest).map((line) => line.length)).toEqual(expected.map((line) => line.length));
    expect(stats.errors.overlong).toBe(overlong);
  });

  it('unix input - binary with NULs and invalid UTF-8 passes through byte for byte', async () => {
    const { ingest, socketPath } = await startUnix();
    const writer = await connectUnix(socketPath);
    await writeAndEnd(writer, Buffer.concat([BINARY_LINE, Buffer.from('\n'), BINARY_LINE.subarray(3), Buffer.from('\r\n')]));
    await waitUntil(() => ingest.of(GROUP).length === 2, 'two binary lines');
    const lines = linesAsBytes(ingest);
    expect(lines[0]!.equals(BINARY_LINE)).toBe(true);
    expect(lines[1]!.equals(BINARY_LINE.subarray(3))).toBe(true);
  });

  it('unix input - overlong lines are split into bounded pieces and counted once each', async () => {
    const { ingest, socketPath, stats } = await startUnix({}, 16);
    const writer = await connectUnix(socketPath);
    await writeChunks(writer, ['a'.repeat(20), `${'a'.repeat(20)}\n${'b'.repeat(16)}\n`]);
    await writeAndEnd(writer, `${'c'.repeat(33)}`);
    await waitUntil(() => stats.connections === 0, 'writer gone');
    expect(ingest.of(GROUP)).toEqual(['a'.repeat(16), 'a'.repeat(16), 'a'.repeat(8), 'b'.repeat(16), 'c'.repeat(16), 'c'.repeat(16), 'c']);
    expect(stats.errors.overlong).toBe(2);
  });

  it('unix input - a writer that sends half a line and vanishes keeps its half line', async () => {
    const { ingest, socketPath, stats } = await startUnix();
    const writer = await connectUnix(socketPath);
    await writeChunks(writer, ['complete\nhalf a li', 'ne']);
    writer.destroy();
    await waitUntil(() => ingest.of(GROUP).length === 2, 'complete and half line');
    expect(ingest.of(GROUP)).toEqual(['complete', 'half a line']);
    await waitUntil(() => stats.connections === 0, 'connection closed');
  });

  it('unix input - writers that connect and never write are held and closed cleanly', async () => {
    const { ingest, input, socketPath, stats } = await startUnix();
    const idle = await Promise.all(Array.from({ length: 50 }, () => connectUnix(socketPath)));
    await waitUntil(() => stats.connections === 50, '50 connections', () => String(stats.connections));
    await input.close();
    await Promise.all(idle.map(whenClosed));
    expect(stats.connections).toBe(0);
    expect(ingest.total).toBe(0);
  });

  it('unix input - one hostile writer does not disturb another', async () => {
    const { ingest, socketPath, stats } = await startUnix({}, 128);
    const good = await connectUnix(socketPath);
    const bad = await connectUnix(socketPath);
    const random = seededRandom(99);
    const goodLines = Array.from({ length: 100 }, (_, index) => `good ${index}`);
    await Promise.all([
      writeChunks(good, randomChunks(random, Buffer.from(goodLines.map((line) => `${line}\n`).join('')), 50)),
      (async () => {
        await writeChunks(bad, [randomBytes(random, 4096), Buffer.alloc(1000, 0x78), Buffer.from([0, 0, 0xff])]);
        bad.destroy();
      })(),
    ]);
    await writeAndEnd(good, '');
    await waitUntil(() => stats.connections === 0, 'both writers gone');
    expect(ingest.of(GROUP).filter((line) => line.startsWith('good '))).toEqual(goodLines);
    expect(stats.errors.overlong).toBeGreaterThan(0);
  });
});

describe('unix input - limits', () => {
  it('unix input - max_connections refuses and counts the extra writer, then accepts again', async () => {
    const { ingest, socketPath, stats } = await startUnix({ max_connections: 2 });
    const first = await connectUnix(socketPath);
    await connectUnix(socketPath);
    await waitUntil(() => stats.connections === 2, 'two connections');
    const refused = await connectUnix(socketPath);
    await whenClosed(refused);
    expect(stats.errors.too_many_connections).toBe(1);
    await writeAndEnd(first, 'first\n');
    await waitUntil(() => stats.connections === 1, 'first gone');
    const later = await connectUnix(socketPath);
    await writeAndEnd(later, 'later\n');
    await waitUntil(() => ingest.of(GROUP).length === 2, 'two lines');
    expect(ingest.of(GROUP)).toEqual(['first', 'later']);
    expect(stats.errors.too_many_connections).toBe(1);
  });

  it('unix input - idle_timeout_ms closes silent writers and keeps their half line', async () => {
    const { ingest, socketPath, stats } = await startUnix({ idle_timeout_ms: 100 });
    const silent = await connectUnix(socketPath);
    const half = await connectUnix(socketPath);
    await writeChunks(half, ['line\nhalf']);
    await Promise.all([whenClosed(silent), whenClosed(half)]);
    await waitUntil(() => stats.connections === 0, 'connections closed');
    expect(ingest.of(GROUP)).toEqual(['line', 'half']);
    expect(stats.errors.idle_timeout).toBe(2);
  });

  it('unix input - backpressure pauses every socket and resumes them all', async () => {
    const { ingest, socketPath, stats } = await startUnix();
    const lineCount = 40_000;
    const names = ['first', 'second', 'third'];
    const payload = (name: string) => Buffer.from(Array.from({ length: lineCount }, (_, index) => `${name} ${index} ${'x'.repeat(80)}\n`).join(''));
    const linesOf = (name: string) => ingest.of(GROUP).filter((line) => line.startsWith(`${name} `));
    const first = await connectUnix(socketPath);
    const second = await connectUnix(socketPath);
    await waitUntil(() => stats.connections === 2, 'two connections');
    ingest.setPaused(true);
    first.write(payload('first'));
    await waitUntil(() => ingest.total > 0, 'first lines pushed');
    // Accepted while paused: it must start paused too.
    const third = await connectUnix(socketPath);
    await waitUntil(() => stats.connections === 3, 'third connection');
    second.write(payload('second'));
    third.write(payload('third'));
    await waitUntilStable(() => ingest.total, 'lines while paused');
    for (const name of names) expect(linesOf(name).length, name).toBeLessThan(lineCount);
    ingest.setPaused(false);
    await Promise.all([first, second, third].map((writer) => writeAndEnd(writer, '')));
    await waitUntil(() => ingest.total === 3 * lineCount, 'every line after resume', () => String(ingest.total));
    for (const name of names) expect(linesOf(name).map((line) => Number(line.split(' ')[1]))).toEqual(Array.from({ length: lineCount }, (_, index) => index));
  });

  it('unix input - close() while paused pushes what the paused sockets had already read', async () => {
    const { ingest, input, socketPath } = await startUnix();
    const writer = await connectUnix(socketPath);
    ingest.setPaused(true);
    writer.write(Buffer.from(Array.from({ length: 40_000 }, (_, index) => `${index} ${'z'.repeat(60)}\n`).join('')));
    const whilePaused = await waitUntilStable(() => ingest.total, 'lines while paused');
    await input.close();
    const lines = ingest.of(GROUP);
    // A paused socket still holds up to its highWaterMark (16 KiB, hundreds of lines) read from the kernel.
    expect(lines.length).toBeGreaterThan(whilePaused + 10);
    // In order and without a gap; the last may be a line cut short by the close.
    const whole = lines.slice(0, -1).map((line) => Number(line.split(' ')[0]));
    expect(whole).toEqual(Array.from({ length: whole.length }, (_, index) => index));
  });

  it('unix input - close() while writers are connected pushes what they sent and ends them', async () => {
    const { ingest, input, socketPath, stats } = await startUnix();
    const complete = await connectUnix(socketPath);
    const partial = await connectUnix(socketPath);
    const idle = await connectUnix(socketPath);
    await writeChunks(complete, ['a\nb\n']);
    // One small write arrives as one read: once `c` is pushed, `half` has been read too.
    await writeChunks(partial, ['c\nhalf']);
    await waitUntil(() => ingest.of(GROUP).length === 3 && stats.connections === 3, 'complete lines read');
    await input.close();
    expect(stats.connections).toBe(0);
    await Promise.all([complete, partial, idle].map((writer: net.Socket) => whenClosed(writer)));
    expect(ingest.of(GROUP).sort()).toEqual(['a', 'b', 'c', 'half']);
    expect(existsSync(socketPath)).toBe(false);
  });
});

describe('unix input - syslog_unix', () => {
  it('unix input - syslog_unix keeps the MSG part of RFC 3164, RFC 5424 and nginx messages', async () => {
    const { ingest, input, socketPath, stats } = await startUnix({ type: 'syslog_unix' });
    const writer = await connectUnix(socketPath);
    await writeAndEnd(writer, `${RFC3164_SYSLOG}\n${RFC5424_SYSLOG}\r\n${NGINX_SYSLOG}\n`);
    await waitUntil(() => ingest.of(GROUP).length === 3, 'three messages');
    expect(ingest.of(GROUP)).toEqual([RFC3164_MESSAGE, RFC5424_MESSAGE, NGINX_LINE]);
    expect(stats.errors.bad_syslog).toBe(0);
    expect(input.describe()).toBe(`syslog_unix:${socketPath}`);
  });

  it('unix input - bad syslog is counted and kept whole', async () => {
    const { ingest, socketPath, stats } = await startUnix({ type: 'syslog_unix' });
    const writer = await connectUnix(socketPath);
    // NUL terminates syslog messages on streams (glibc), so the binary here has none.
    const binaryNoNul = Buffer.from(BINARY_LINE.filter((byte) => byte !== 0));
    const binary = Buffer.concat([Buffer.from('<13>'), binaryNoNul]);
    await writeAndEnd(writer, Buffer.concat([Buffer.from(`${BAD_SYSLOG}\nno pri at all\n`), binary]));
    await waitUntil(() => ingest.of(GROUP).length === 3, 'three lines');
    const lines = linesAsBytes(ingest);
    expect(lines.slice(0, 2).map((line) => line.toString())).toEqual([BAD_SYSLOG, 'no pri at all']);
    // `<13>` and anything after it is a lenient RFC 3164 message: the bytes after the PRI are its MSG.
    expect(lines[2]!.equals(binaryNoNul)).toBe(true);
    expect(stats.errors.bad_syslog).toBe(2);
  });

  it('unix input - syslog_unix takes NUL as a message terminator, as glibc syslog(3) sends on streams', async () => {
    const { ingest, socketPath } = await startUnix({ type: 'syslog_unix' });
    const writer = await connectUnix(socketPath);
    await writeAndEnd(writer, `${RFC3164_SYSLOG}\0${NGINX_SYSLOG}\0`);
    await waitUntil(() => ingest.of(GROUP).length === 2, 'two messages');
    expect(ingest.of(GROUP)).toEqual([RFC3164_MESSAGE, NGINX_LINE]);
  });

  it('unix input - an overlong syslog line keeps its head parsed and its rest as is', async () => {
    const { ingest, socketPath, stats } = await startUnix({ type: 'syslog_unix' }, 64);
    const writer = await connectUnix(socketPath);
    await writeAndEnd(writer, `${NGINX_SYSLOG}\n<999>short\n`);
    await waitUntil(() => stats.connections === 0, 'writer gone');
    const frame = Buffer.from(NGINX_SYSLOG);
    const header = '<190>Nov 22 10:00:00 web1 nginx: '.length;
    const expected = [frame.subarray(header, 64).toString()];
    for (let start = 64; start < frame.length; start += 64) expected.push(frame.subarray(start, start + 64).toString());
    expect(ingest.of(GROUP)).toEqual([...expected, '<999>short']);
    expect(stats.errors.overlong).toBe(1);
    expect(stats.errors.bad_syslog).toBe(1);
  });
});

describe('unix input - socket file', () => {
  it('unix input - a stale socket is replaced', async () => {
    const dir = cleanup.dir(await socketDir());
    const socketPath = path.join(dir, 'stale.sock');
    await makeStaleSocket(socketPath);
    expect((await stat(socketPath)).isSocket()).toBe(true);
    const { ingest, context } = createHarness();
    const input = cleanup.input(createUnixInput(unixConfig(socketPath), context));
    await input.start();
    await writeAndEnd(await connectUnix(socketPath), 'after stale\n');
    await waitUntil(() => ingest.of(GROUP).length === 1, 'line');
  });

  it('unix input - a live socket is refused and left alone', async () => {
    const { ingest, socketPath } = await startUnix();
    const second = createUnixInput(unixConfig(socketPath, { name: 'second' }), createHarness().context);
    const error = await second.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShipperInputError);
    expect((error as ShipperInputError).message).toMatch(/^input second: another process listens on .*access\.sock/);
    await writeAndEnd(await connectUnix(socketPath), 'still served\n');
    await waitUntil(() => ingest.of(GROUP).length === 1, 'first input still listening');
  });

  it('unix input - a regular file is refused and never deleted', async () => {
    const dir = cleanup.dir(await socketDir());
    const filePath = path.join(dir, 'access.log');
    await writeFile(filePath, 'precious\n');
    const input = createUnixInput(unixConfig(filePath), createHarness().context);
    await expect(input.start()).rejects.toThrow(/not a socket/);
    expect(await readFile(filePath, 'utf8')).toBe('precious\n');
  });

  it('unix input - a missing directory fails start with the input, the address and the OS reason', async () => {
    const dir = cleanup.dir(await socketDir());
    const socketPath = path.join(dir, 'missing', 'access.sock');
    const input = createUnixInput(unixConfig(socketPath, { name: 'web' }), createHarness().context);
    const error = (await input.start().catch((caught: unknown) => caught)) as ShipperInputError;
    expect(error).toBeInstanceOf(ShipperInputError);
    expect(error.input).toBe('web');
    expect(error.message).toContain(socketPath);
    expect(error.message).toMatch(/missing.*ENOENT/);
  });

  it('unix input - the socket gets its mode and close() removes it', async () => {
    const { input, socketPath } = await startUnix({ mode: '0600' });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
    await input.close();
    expect(existsSync(socketPath)).toBe(false);
  });
});

describe('unix input - many writers', () => {
  it('unix input - 5,000 concurrent writers each write a line and every line is counted', async () => {
    const writerCount = 5000;
    const { ingest, input, socketPath, stats } = await startUnix();
    const writers = await connectUnixMany(socketPath, writerCount, () => stats.connectionsTotal);
    await waitUntil(() => stats.connections === writerCount, `${writerCount} connections`, () => String(stats.connections));
    // Every writer first sends half its line, so 5,000 partial lines are held at once.
    for (const [index, writer] of writers.entries()) writer.write(`writer ${index} GET /pa`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const [index, writer] of writers.entries()) writer.write(`ge/${index} 200\n`);
    await waitUntil(() => ingest.total === writerCount, `${writerCount} lines`, () => String(ingest.total));
    expect(stats.lines).toBe(writerCount);
    const expected = Array.from({ length: writerCount }, (_, index) => `writer ${index} GET /page/${index} 200`);
    expect([...ingest.of(GROUP)].sort()).toEqual(expected.sort());
    expect(stats.connections).toBe(writerCount);
    await input.close();
    await Promise.all(writers.map(whenClosed));
    expect(stats.connections).toBe(0);
    expect(stats.connectionsTotal).toBe(writerCount);
  });
});
