import net from 'node:net';
import type { TcpInputConfig } from '@ringlog/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperAppError, ShipperInputError } from '../src/errors.ts';
import { createTcpInput } from '../src/inputs/tcp-input.ts';
import { connectTcp, whenClosed, writeAndEnd, writeChunks } from './support/socket-clients.ts';
import { Cleanup, GROUP, createHarness, linesAsBytes, portOf, tcpConfig, waitUntil, waitUntilStable } from './support/socket-harness.ts';
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

async function startTcp(overrides: Partial<TcpInputConfig> = {}, lineMaxBytes = 1024) {
  const harness = createHarness(lineMaxBytes);
  const input = cleanup.input(createTcpInput(tcpConfig(overrides), harness.context));
  await input.start();
  const port = portOf(input);
  return { ...harness, input, port, stats: input.handle.stats, connect: () => connectTcp(port) };
}

/** An RFC 6587 octet-counted frame. */
function octetFrame(message: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message);
  return Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
}

describe('tcp input - lines', () => {
  it('tcp input - lines arrive in per-connection order; describe() names the bound port', async () => {
    const { ingest, input, port, stats, connect } = await startTcp();
    expect(input.describe()).toBe(`tcp:127.0.0.1:${port}`);
    const writers = await Promise.all([connect(), connect()]);
    const random = seededRandom(11);
    await Promise.all(
      writers.map(async (writer, index) => {
        const text = Array.from({ length: 300 }, (_, line) => `w${index} ${line}\r\n`).join('');
        await writeChunks(writer, randomChunks(random, Buffer.from(text), 61));
        await writeAndEnd(writer, '');
      }),
    );
    await waitUntil(() => ingest.of(GROUP).length === 600, '600 lines');
    for (const index of [0, 1]) {
      expect(ingest.of(GROUP).filter((line) => line.startsWith(`w${index} `))).toEqual(Array.from({ length: 300 }, (_, line) => `w${index} ${line}`));
    }
    await waitUntil(() => stats.connections === 0, 'connections closed');
    expect(stats.connectionsTotal).toBe(2);
  });

  it('tcp input - random bytes in random chunks come out as the reference model says', async () => {
    const { ingest, stats, connect } = await startTcp({}, 48);
    const random = seededRandom(5);
    const stream = randomBytes(random, 32_768);
    const model = expectedStreamLines(stream, 48);
    const writer = await connect();
    await writeChunks(writer, randomChunks(random, stream, 1500));
    await writeAndEnd(writer, '');
    await waitUntil(() => ingest.of(GROUP).length === model.lines.length, 'model lines', () => `${ingest.of(GROUP).length} of ${model.lines.length}`);
    expect(Buffer.concat(linesAsBytes(ingest)).equals(Buffer.concat(model.lines))).toBe(true);
    expect(stats.errors.overlong).toBe(model.overlong);
  });

  it('tcp input - binary with NULs and invalid UTF-8 passes through byte for byte; overlong lines split', async () => {
    const { ingest, stats, connect } = await startTcp({}, 16);
    const writer = await connect();
    await writeAndEnd(writer, Buffer.concat([BINARY_LINE.subarray(0, 16), Buffer.from('\n'), Buffer.alloc(40, 0), Buffer.from('\n')]));
    await waitUntil(() => stats.connections === 0, 'writer gone');
    const lines = linesAsBytes(ingest);
    expect(lines[0]!.equals(BINARY_LINE.subarray(0, 16))).toBe(true);
    expect(lines.slice(1).map((line) => line.length)).toEqual([16, 16, 8]);
    expect(lines.slice(1).every((line) => line.every((byte) => byte === 0))).toBe(true);
    expect(stats.errors.overlong).toBe(1);
  });

  it('tcp input - a writer that sends half a line and vanishes keeps its half line', async () => {
    const { ingest, stats, connect } = await startTcp();
    const writer = await connect();
    await writeChunks(writer, ['whole\nhalf']);
    writer.destroy();
    await waitUntil(() => stats.connections === 0, 'writer gone');
    expect(ingest.of(GROUP)).toEqual(['whole', 'half']);
  });
});

describe('tcp input - framing', () => {
  it('tcp input - octet_counted frames may hold several lines and a trailing newline', async () => {
    const { ingest, stats, connect } = await startTcp({ framing: 'octet_counted' });
    const writer = await connect();
    const stream = Buffer.concat([octetFrame('one'), octetFrame('two\nthree\r\n'), Buffer.from('\n'), octetFrame(BINARY_LINE)]);
    await writeChunks(writer, randomChunks(seededRandom(3), stream, 4));
    await writeAndEnd(writer, '');
    await waitUntil(() => stats.connections === 0, 'writer gone');
    const lines = linesAsBytes(ingest);
    expect(lines.slice(0, 3).map((line) => line.toString())).toEqual(['one', 'two', 'three']);
    expect(lines[3]!.equals(BINARY_LINE)).toBe(true);
    expect(stats.errors.bad_frame).toBe(0);
  });

  it('tcp input - auto framing decides per connection by its first byte', async () => {
    const { ingest, stats, connect } = await startTcp({ type: 'syslog_tcp', framing: 'auto' });
    const octets = await connect();
    const newlines = await connect();
    await writeChunks(octets, [Buffer.concat([octetFrame(NGINX_SYSLOG), octetFrame(`<13>1 - h app - - - first\nsecond`)])]);
    await writeChunks(newlines, [`${RFC3164_SYSLOG}\n${RFC5424_SYSLOG}\n`]);
    await Promise.all([writeAndEnd(octets, ''), writeAndEnd(newlines, '')]);
    await waitUntil(() => stats.connections === 0, 'writers gone');
    expect(ingest.of(GROUP).filter((line) => line === NGINX_LINE || line === 'first' || line === 'second')).toEqual([NGINX_LINE, 'first', 'second']);
    expect(ingest.of(GROUP).filter((line) => line === RFC3164_MESSAGE || line === RFC5424_MESSAGE)).toEqual([RFC3164_MESSAGE, RFC5424_MESSAGE]);
    expect(stats.errors.bad_syslog).toBe(0);
  });

  it('tcp input - a broken octet count closes that connection only and counts bad_frame', async () => {
    const { ingest, stats, connect } = await startTcp({ framing: 'octet_counted' });
    const good = await connect();
    const broken = await connect();
    await writeChunks(good, [octetFrame('good 1')]);
    await writeChunks(broken, [Buffer.concat([octetFrame('before'), Buffer.from('12x oops'), octetFrame('after')])]);
    await whenClosed(broken);
    await writeChunks(good, [octetFrame('good 2')]);
    await writeAndEnd(good, '');
    await waitUntil(() => stats.connections === 0, 'writers gone');
    expect(ingest.of(GROUP).filter((line) => line.startsWith('good'))).toEqual(['good 1', 'good 2']);
    expect(ingest.of(GROUP)).toContain('before');
    expect(ingest.of(GROUP)).not.toContain('after');
    expect(stats.errors.bad_frame).toBe(1);
  });

  it('tcp input - an absurd octet count is refused before anything is buffered', async () => {
    const { ingest, stats, connect } = await startTcp({ framing: 'octet_counted' });
    const writer = await connect();
    writer.write('99999999999999 <13>x');
    await whenClosed(writer);
    expect(stats.errors.bad_frame).toBe(1);
    expect(ingest.total).toBe(0);
  });

  it('tcp input - a half frame at close counts bad_frame and is dropped', async () => {
    const { ingest, stats, connect } = await startTcp({ type: 'syslog_tcp', framing: 'octet_counted' });
    const writer = await connect();
    await writeAndEnd(writer, Buffer.concat([octetFrame('<13>whole'), Buffer.from('20 <13>half')]));
    await waitUntil(() => stats.connections === 0, 'writer gone');
    expect(ingest.of(GROUP)).toEqual(['whole']);
    expect(stats.errors.bad_frame).toBe(1);
  });
});

describe('tcp input - syslog_tcp', () => {
  it('tcp input - syslog_tcp keeps the MSG part of RFC 3164, RFC 5424 and nginx messages', async () => {
    const { ingest, input, stats, connect } = await startTcp({ type: 'syslog_tcp' });
    expect(input.describe()).toMatch(/^syslog_tcp:127\.0\.0\.1:\d+$/);
    const writer = await connect();
    await writeAndEnd(writer, `${RFC3164_SYSLOG}\n${RFC5424_SYSLOG}\n${NGINX_SYSLOG}`);
    await waitUntil(() => stats.connections === 0, 'writer gone');
    expect(ingest.of(GROUP)).toEqual([RFC3164_MESSAGE, RFC5424_MESSAGE, NGINX_LINE]);
  });

  it('tcp input - bad syslog is counted and kept whole, in both framings', async () => {
    const { ingest, stats, connect } = await startTcp({ type: 'syslog_tcp', framing: 'auto' });
    const newline = await connect();
    await writeAndEnd(newline, `${BAD_SYSLOG}\nplain text\n`);
    const octets = await connect();
    await writeAndEnd(octets, octetFrame(`${BAD_SYSLOG}\nsecond line`));
    await waitUntil(() => stats.connections === 0, 'writers gone');
    expect(ingest.of(GROUP)).toEqual([BAD_SYSLOG, 'plain text', BAD_SYSLOG, 'second line']);
    expect(stats.errors.bad_syslog).toBe(3);
  });
});

describe('tcp input - limits', () => {
  it('tcp input - max_connections refuses and counts; silent writers are held', async () => {
    const { ingest, stats, connect } = await startTcp({ max_connections: 3 });
    const silent = await Promise.all([connect(), connect()]);
    const writer = await connect();
    await waitUntil(() => stats.connections === 3, 'three connections');
    const refused = await connect();
    await whenClosed(refused);
    expect(stats.errors.too_many_connections).toBe(1);
    await writeAndEnd(writer, 'served\n');
    await waitUntil(() => ingest.of(GROUP).length === 1 && stats.connections === 2, 'line and two silent connections');
    expect(silent.every((socket) => !socket.closed)).toBe(true);
  });

  it('tcp input - idle_timeout_ms closes silent writers and counts them', async () => {
    const { ingest, stats, connect } = await startTcp({ idle_timeout_ms: 100 });
    const silent = await connect();
    const half = await connect();
    await writeChunks(half, ['half']);
    await Promise.all([whenClosed(silent), whenClosed(half)]);
    await waitUntil(() => stats.connections === 0, 'connections closed');
    expect(stats.errors.idle_timeout).toBe(2);
    expect(ingest.of(GROUP)).toEqual(['half']);
  });

  it('tcp input - backpressure pauses every connection and resumes them all', async () => {
    const { ingest, stats, connect } = await startTcp();
    const lineCount = 50_000;
    const payload = (name: string) => Buffer.from(Array.from({ length: lineCount }, (_, index) => `${name} ${index} ${'y'.repeat(100)}\n`).join(''));
    const writers = await Promise.all([connect(), connect()]);
    await waitUntil(() => stats.connections === 2, 'two connections');
    ingest.setPaused(true);
    writers[0]!.write(payload('a'));
    await waitUntil(() => ingest.total > 0, 'first lines');
    writers[1]!.write(payload('b'));
    await waitUntilStable(() => ingest.total, 'lines while paused');
    for (const name of ['a', 'b']) expect(ingest.of(GROUP).filter((line) => line.startsWith(`${name} `)).length, name).toBeLessThan(lineCount);
    ingest.setPaused(false);
    await Promise.all(writers.map((writer) => writeAndEnd(writer, '')));
    await waitUntil(() => ingest.total === 2 * lineCount, 'all lines', () => String(ingest.total));
    for (const name of ['a', 'b']) {
      const mine = ingest.of(GROUP).filter((line) => line.startsWith(`${name} `));
      expect(mine.map((line) => Number(line.split(' ')[1]))).toEqual(Array.from({ length: lineCount }, (_, index) => index));
    }
  });

  it('tcp input - close() while writers are connected pushes what they sent and ends them', async () => {
    const { ingest, input, stats, connect } = await startTcp();
    const writers = await Promise.all([connect(), connect(), connect()]);
    await writeChunks(writers[0]!, ['x\ny\n']);
    // One small write arrives as one read: once `z` is pushed, `unfinished` has been read too.
    await writeChunks(writers[1]!, ['z\nunfinished']);
    await waitUntil(() => ingest.of(GROUP).length === 3 && stats.connections === 3, 'complete lines');
    await input.close();
    expect(stats.connections).toBe(0);
    await Promise.all(writers.map(whenClosed));
    expect(ingest.of(GROUP).sort()).toEqual(['unfinished', 'x', 'y', 'z']);
  });
});

describe('tcp input - start', () => {
  it('tcp input - a port in use fails start with the input, the address and the OS reason', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const input = createTcpInput(tcpConfig({ name: 'web-tcp', listen: `127.0.0.1:${port}` }), createHarness().context);
      const error = (await input.start().catch((caught: unknown) => caught)) as ShipperInputError;
      expect(error).toBeInstanceOf(ShipperInputError);
      expect(error.input).toBe('web-tcp');
      expect(error.message).toContain(`tcp:127.0.0.1:${port}`);
      expect(error.message).toContain('EADDRINUSE');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('tcp input - a bare port listens on 127.0.0.1; a bad listen string is a config error', () => {
    const input = createTcpInput(tcpConfig({ listen: '5140' }), createHarness().context);
    expect(input.describe()).toBe('tcp:127.0.0.1:5140');
    expect(() => createTcpInput(tcpConfig({ listen: 'nowhere' }), createHarness().context)).toThrow(ShipperAppError);
  });
});
