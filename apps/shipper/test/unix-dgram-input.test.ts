import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UnixDgramInputConfig } from '@ringlog/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperInputError } from '../src/errors.ts';
import { createUnixDgramSocket } from '../src/inputs/socket-unix-dgram.ts';
import { createUnixDgramInput } from '../src/inputs/unix-dgram-input.ts';
import { sendUnixDgrams } from './support/socket-clients.ts';
import { Cleanup, GROUP, createHarness, linesAsBytes, socketDir, unixDgramConfig, waitUntil } from './support/socket-harness.ts';
import {
  BAD_SYSLOG,
  BINARY_LINE,
  NGINX_LINE,
  NGINX_SYSLOG,
  RFC3164_MESSAGE,
  RFC3164_SYSLOG,
  RFC5424_MESSAGE,
  RFC5424_SYSLOG,
  expectedDatagramLines,
  randomBytes,
  seededRandom,
} from './support/socket-hostile.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startUnixDgram(overrides: Partial<UnixDgramInputConfig> = {}, lineMaxBytes = 1024) {
  const dir = cleanup.dir(await socketDir());
  const socketPath = path.join(dir, 'syslog.sock');
  const harness = createHarness(lineMaxBytes);
  const input = cleanup.input(createUnixDgramInput(unixDgramConfig(socketPath, overrides), harness.context));
  await input.start();
  return { ...harness, input, socketPath, stats: input.handle.stats };
}

describe('unix dgram input - plain', () => {
  it('unix dgram input - each datagram is one message split on LF, in per-sender order, to the group', async () => {
    const { ingest, input, socketPath } = await startUnixDgram();
    expect(input.describe()).toBe(`unix_dgram:${socketPath}`);
    expect(input.handle).toMatchObject({ type: 'unix_dgram', route: { group: GROUP } });
    const senders = [0, 1, 2].map((sender) => sendUnixDgrams(socketPath, Array.from({ length: 100 }, (_, index) => `s${sender} ${index}`)));
    await Promise.all([...senders, sendUnixDgrams(socketPath, ['multi a\r\nmulti b\n\nmulti c\n', '', '\n'])]);
    await waitUntil(() => ingest.total === 303, '303 lines', () => String(ingest.total));
    for (const sender of [0, 1, 2]) {
      expect(ingest.of(GROUP).filter((line) => line.startsWith(`s${sender} `))).toEqual(Array.from({ length: 100 }, (_, index) => `s${sender} ${index}`));
    }
    expect(ingest.of(GROUP).filter((line) => line.startsWith('multi'))).toEqual(['multi a', 'multi b', 'multi c']);
  });

  it('unix dgram input - random datagrams come out as the reference model says', async () => {
    const { ingest, stats, socketPath } = await startUnixDgram({}, 40);
    const random = seededRandom(21);
    const datagrams = Array.from({ length: 200 }, () => randomBytes(random, 1 + Math.floor(random() * 300)));
    let expected: Buffer[] = [];
    let overlong = 0;
    for (const datagram of datagrams) {
      const model = expectedDatagramLines(datagram, 40);
      expected = [...expected, ...model.lines];
      overlong += model.overlong;
    }
    await sendUnixDgrams(socketPath, datagrams);
    await waitUntil(() => ingest.total === expected.length, 'model lines', () => `${ingest.total} of ${expected.length}`);
    expect(Buffer.concat(linesAsBytes(ingest)).equals(Buffer.concat(expected))).toBe(true);
    expect(stats.errors.overlong).toBe(overlong);
  });

  it('unix dgram input - binary with NULs and invalid UTF-8 passes through byte for byte; overlong lines split', async () => {
    const { ingest, stats, socketPath } = await startUnixDgram({}, 16);
    await sendUnixDgrams(socketPath, [BINARY_LINE.subarray(0, 16), Buffer.alloc(40, 0)]);
    await waitUntil(() => ingest.total === 4, 'four lines');
    const lines = linesAsBytes(ingest);
    expect(lines[0]!.equals(BINARY_LINE.subarray(0, 16))).toBe(true);
    expect(lines.slice(1).map((line) => line.length)).toEqual([16, 16, 8]);
    expect(stats.errors.overlong).toBe(1);
  });

  it('unix dgram input - a datagram larger than the receive buffer is counted as truncated', async () => {
    const { ingest, stats, socketPath } = await startUnixDgram({}, 65_536);
    await sendUnixDgrams(socketPath, [Buffer.alloc(70_000, 0x61), 'after']);
    await waitUntil(() => ingest.total === 2, 'two lines');
    expect(ingest.of(GROUP)[0]!.length).toBe(65_536);
    expect(stats.drops.truncated).toBe(1);
    expect(stats.errors.overlong).toBe(1);
  });

  it('unix dgram input - one hostile sender does not disturb another', async () => {
    const { ingest, socketPath } = await startUnixDgram({}, 64);
    const random = seededRandom(4);
    const good = Array.from({ length: 200 }, (_, index) => `good ${index}`);
    await Promise.all([sendUnixDgrams(socketPath, good), sendUnixDgrams(socketPath, Array.from({ length: 200 }, () => randomBytes(random, 500)))]);
    await waitUntil(() => ingest.of(GROUP).filter((line) => line.startsWith('good ')).length >= 200, 'good lines');
    expect(ingest.of(GROUP).filter((line) => line.startsWith('good '))).toEqual(good);
  });
});

describe('unix dgram input - syslog_unix_dgram', () => {
  it('unix dgram input - keeps the MSG part of RFC 3164, RFC 5424 and nginx messages', async () => {
    const { ingest, input, stats, socketPath } = await startUnixDgram({ type: 'syslog_unix_dgram' });
    expect(input.describe()).toBe(`syslog_unix_dgram:${socketPath}`);
    await sendUnixDgrams(socketPath, [NGINX_SYSLOG, `${RFC3164_SYSLOG}\n`, `${RFC5424_SYSLOG}\0`, '<13>1 - h app - - - first\nsecond\r\n', '']);
    await waitUntil(() => ingest.total === 5, 'five lines');
    expect(ingest.of(GROUP)).toEqual([NGINX_LINE, RFC3164_MESSAGE, RFC5424_MESSAGE, 'first', 'second']);
    expect(stats.errors.bad_syslog).toBe(0);
  });

  it('unix dgram input - bad syslog is counted and kept whole; binary MSG bytes are preserved', async () => {
    const { ingest, stats, socketPath } = await startUnixDgram({ type: 'syslog_unix_dgram' });
    await sendUnixDgrams(socketPath, [BAD_SYSLOG, 'no pri\nat all', Buffer.concat([Buffer.from('<190>Nov 22 10:00:00 web1 nginx: '), BINARY_LINE, Buffer.from('x')])]);
    await waitUntil(() => ingest.total === 4, 'four lines');
    const lines = linesAsBytes(ingest);
    expect(lines.slice(0, 3).map((line) => line.toString())).toEqual([BAD_SYSLOG, 'no pri', 'at all']);
    expect(lines[3]!.equals(Buffer.concat([BINARY_LINE, Buffer.from('x')]))).toBe(true);
    expect(stats.errors.bad_syslog).toBe(2);
  });
});

describe('unix dgram input - socket file', () => {
  it('unix dgram input - a stale socket is replaced', async () => {
    const dir = cleanup.dir(await socketDir());
    const socketPath = path.join(dir, 'stale.sock');
    const stale = createUnixDgramSocket();
    await new Promise<void>((resolve) => {
      stale.once('listening', resolve);
      stale.bind(socketPath);
    });
    stale.close();
    const { ingest, context } = createHarness();
    const input = cleanup.input(createUnixDgramInput(unixDgramConfig(socketPath), context));
    await input.start();
    await sendUnixDgrams(socketPath, ['after stale']);
    await waitUntil(() => ingest.total === 1, 'line');
  });

  it('unix dgram input - a live socket is refused and left working', async () => {
    const { ingest, socketPath } = await startUnixDgram();
    const second = createUnixDgramInput(unixDgramConfig(socketPath, { name: 'second' }), createHarness().context);
    await expect(second.start()).rejects.toThrow(/^input second: another process listens on/);
    await sendUnixDgrams(socketPath, ['still served']);
    await waitUntil(() => ingest.total === 1, 'first input still bound');
  });

  it('unix dgram input - a regular file is refused and never deleted', async () => {
    const dir = cleanup.dir(await socketDir());
    const filePath = path.join(dir, 'syslog.sock');
    await writeFile(filePath, 'precious');
    const error = await createUnixDgramInput(unixDgramConfig(filePath), createHarness().context)
      .start()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShipperInputError);
    expect((error as Error).message).toMatch(/not a socket/);
    expect(await readFile(filePath, 'utf8')).toBe('precious');
  });

  it('unix dgram input - a missing directory fails start with the input, the address and the OS reason', async () => {
    const dir = cleanup.dir(await socketDir());
    const socketPath = path.join(dir, 'nope', 'syslog.sock');
    const error = (await createUnixDgramInput(unixDgramConfig(socketPath, { name: 'ngx' }), createHarness().context)
      .start()
      .catch((caught: unknown) => caught)) as ShipperInputError;
    expect(error).toBeInstanceOf(ShipperInputError);
    expect(error.input).toBe('ngx');
    expect(error.message).toContain(socketPath);
    expect(error.message).toMatch(/missing.*ENOENT/);
  });

  it('unix dgram input - the socket gets its mode and close() removes it', async () => {
    const { input, socketPath } = await startUnixDgram({ mode: '0622' });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o622);
    await input.close();
    expect(existsSync(socketPath)).toBe(false);
  });
});
