import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperInputError } from '../src/errors.ts';
import { createUdpInput } from '../src/inputs/udp-input.ts';
import { sendUdp } from './support/socket-clients.ts';
import { Cleanup, GROUP, createHarness, linesAsBytes, portOf, udpConfig, waitUntil } from './support/socket-harness.ts';
import { BAD_SYSLOG, BINARY_LINE, NGINX_LINE, NGINX_SYSLOG, RFC3164_MESSAGE, RFC3164_SYSLOG, RFC5424_MESSAGE, RFC5424_SYSLOG } from './support/socket-hostile.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function startUdp(lineMaxBytes = 1024) {
  const harness = createHarness(lineMaxBytes);
  const input = cleanup.input(createUdpInput(udpConfig(), harness.context));
  await input.start();
  return { ...harness, input, port: portOf(input), stats: input.handle.stats };
}

describe('udp input', () => {
  it('udp input - keeps the MSG part of RFC 3164, RFC 5424 and nginx messages, in order', async () => {
    const { ingest, input, port, stats } = await startUdp();
    expect(input.describe()).toBe(`syslog_udp:127.0.0.1:${port}`);
    expect(input.handle).toMatchObject({ type: 'syslog_udp', route: { group: GROUP } });
    const nginx = Array.from({ length: 50 }, (_, index) => `${NGINX_SYSLOG} ${index}`);
    await sendUdp(port, [...nginx, `${RFC3164_SYSLOG}\n`, `${RFC5424_SYSLOG}\r\n`, '<13>1 - h app - - - first\nsecond']);
    await waitUntil(() => ingest.total === 54, '54 lines', () => String(ingest.total));
    expect(ingest.of(GROUP)).toEqual([...nginx.map((_, index) => `${NGINX_LINE} ${index}`), RFC3164_MESSAGE, RFC5424_MESSAGE, 'first', 'second']);
    expect(stats.errors.bad_syslog).toBe(0);
  });

  it('udp input - bad syslog is counted and kept whole; binary bytes are preserved; overlong lines split', async () => {
    const { ingest, port, stats } = await startUdp(32);
    const binary = Buffer.concat([Buffer.from('<190>Nov 22 10:00:00 web1 nginx: '), BINARY_LINE]);
    await sendUdp(port, [BAD_SYSLOG, Buffer.from([0xff, 0x00, 0xfe]), binary, `<14>${'m'.repeat(70)}`, '']);
    await waitUntil(() => ingest.total === 6, 'six lines', () => String(ingest.total));
    const lines = linesAsBytes(ingest);
    expect(lines[0]!.toString()).toBe(BAD_SYSLOG);
    expect(lines[1]!.equals(Buffer.from([0xff, 0x00, 0xfe]))).toBe(true);
    // BINARY_LINE ends with NUL, which syslog treats as the frame terminator.
    expect(lines[2]!.equals(BINARY_LINE.subarray(0, -1))).toBe(true);
    expect(lines.slice(3).map((line) => line.length)).toEqual([32, 32, 6]);
    expect(stats.errors.bad_syslog).toBe(2);
    expect(stats.errors.overlong).toBe(1);
  });

  it('udp input - a port in use fails start with the input, the address and the OS reason', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind({ address: '127.0.0.1', port: 0 }, resolve));
    const port = blocker.address().port;
    try {
      const input = createUdpInput(udpConfig({ name: 'ngx-udp', listen: `127.0.0.1:${port}` }), createHarness().context);
      const error = (await input.start().catch((caught: unknown) => caught)) as ShipperInputError;
      expect(error).toBeInstanceOf(ShipperInputError);
      expect(error.input).toBe('ngx-udp');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('udp input - close() releases the port', async () => {
    const { input, port } = await startUdp();
    await input.close();
    const again = cleanup.input(createUdpInput(udpConfig({ listen: `127.0.0.1:${port}` }), createHarness().context));
    await again.start();
    expect(portOf(again)).toBe(port);
  });
});
