/**
 * Hostile and broken clients against the spread input: random bytes instead of a handshake,
 * frames split into single bytes, half frames left behind, oversized frames, garbage after a
 * good handshake, clients that connect and vanish, more clients than max_connections. Each is
 * counted on the input (bad_frame, too_many_connections) and a well-behaved sender on the
 * same input keeps shipping every line, in order.
 *
 * Random bytes come from a seeded PRNG; RINGLOG_TEST_SEED=<n> reruns with another seed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, SpreadConnectError, type SpreadSession } from '@ringlog/client';
import { mulberry32 } from '@ringlog/prng';
import { encodeAuthChoice, encodeHello, encodeMessage, hintFromMessType, Limits, ResultCode, ServiceType } from '@ringlog/wire';
import { RawPeer, type Running, startSpreadInput, waitFor } from './support/spread-input-harness.ts';

const SEED = process.env.RINGLOG_TEST_SEED === undefined ? 0x5eed_5bd1 : Number(process.env.RINGLOG_TEST_SEED) >>> 0;
const HANDSHAKE_TIMEOUT_MS = 300;

let running: Running;
let good: SpreadSession;
let goodSent = 0;
const peers: RawPeer[] = [];

beforeEach(async () => {
  running = await startSpreadInput({}, { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
  good = await connect({ endpoint: running.endpoint, name: 'good' });
  goodSent = 0;
});

afterEach(async () => {
  good.destroy();
  for (const peer of peers.splice(0)) peer.destroy();
  await running.input.close();
});

/** The well-behaved sender ships one more line; resolves once it is pushed. */
async function goodLine(): Promise<void> {
  good.multicastNow({ service: 'AGREED', groups: 'good', data: `good ${goodSent++}\n` });
  await waitFor(() => running.ingest.of('good').length === goodSent, 'the good sender\'s line');
}

function expectGoodLinesInOrder(): void {
  expect(running.ingest.of('good')).toEqual(Array.from({ length: goodSent }, (_, i) => `good ${i}`));
}

async function peer(): Promise<RawPeer> {
  const opened = await RawPeer.open(running.address);
  peers.push(opened);
  return opened;
}

/** A raw 5.0.1 session named `name`; returns it with its private group. */
async function session(name: string): Promise<{ raw: RawPeer; group: string }> {
  const raw = await peer();
  raw.write(Buffer.concat([encodeHello({ name, membership: true }), encodeAuthChoice(['NULL'])]));
  await raw.read(6);
  const head = await raw.read(5);
  const group = (await raw.read(head[4] as number)).toString('latin1');
  return { raw, group };
}

function multicast(sender: string, data: string | Buffer, groups: readonly string[] = ['www']): Buffer {
  return encodeMessage({ type: ServiceType.AGREED, sender, groups, hint: hintFromMessType(0), data: typeof data === 'string' ? Buffer.from(data) : data });
}

describe('spread input - hostile clients', () => {
  it(`hostile - random bytes instead of a handshake are refused and counted (seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const count = 40;
    const hostile = await Promise.all(Array.from({ length: count }, () => peer()));
    for (const [index, raw] of hostile.entries()) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
      raw.write(bytes);
      if (index % 10 === 0) await goodLine();
    }
    await waitFor(() => hostile.every((raw) => raw.closed), `every random-byte client to be closed (seed ${SEED})`);
    await goodLine();
    expectGoodLinesInOrder();
    expect(running.input.handle.stats.errors.bad_frame).toBe(count);
    expect(running.input.handle.stats.connections).toBe(1);
    expect(running.ingest.total).toBe(goodSent);
  });

  it('hostile - a frame fed one byte at a time still ships whole', async () => {
    const { raw, group } = await session('slow');
    const frame = multicast(group, Buffer.from('split \xff\x00 into single bytes\n', 'latin1'));
    for (const byte of frame) {
      raw.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => running.ingest.of('www').length === 1, 'the reassembled line');
    expect(running.ingest.of('www')).toEqual(['split \xff\x00 into single bytes']);
    expect(running.input.handle.stats.errors.bad_frame).toBe(0);
  });

  it('hostile - half a frame or half a header at close is counted; complete frames before it ship', async () => {
    const { raw: first, group: firstGroup } = await session('half1');
    const frame = multicast(firstGroup, 'the half that never ends\n');
    first.write(Buffer.concat([multicast(firstGroup, 'whole before\n'), frame.subarray(0, frame.length - 5)]));
    await waitFor(() => running.ingest.of('www').length === 1, 'the whole frame');
    first.socket.end();
    const { raw: second, group: secondGroup } = await session('half2');
    second.write(multicast(secondGroup, 'x\n').subarray(0, 20));
    await goodLine();
    second.destroy();
    await waitFor(() => running.input.handle.stats.connections === 1, 'both to be gone');
    expect(running.input.handle.stats.errors.bad_frame).toBe(2);
    expect(running.ingest.of('www')).toEqual(['whole before']);
    await goodLine();
    expectGoodLinesInOrder();
  });

  it('hostile - oversized frames and garbage after the handshake close that session only', async () => {
    const oversized = await session('big');
    const header = multicast(oversized.group, '').subarray(0, Limits.HEADER_BYTES + Limits.GROUP_NAME_BYTES);
    header.writeInt32LE(Limits.BODY_MAX_BYTES + 1, 44);
    oversized.raw.write(header);
    const tooManyGroups = await session('groups');
    tooManyGroups.raw.write(multicast(tooManyGroups.group, 'x\n', Array.from({ length: 101 }, (_, i) => `g${i}`)));
    const garbage = await session('garbage');
    garbage.raw.write(Buffer.alloc(200, 0xa5));
    await Promise.all([oversized.raw.whenClosed(), tooManyGroups.raw.whenClosed(), garbage.raw.whenClosed()]);
    expect(running.input.handle.stats.errors.bad_frame).toBe(3);

    // The largest body the daemon accepts still ships, as one (overlong) line.
    const largest = await session('largest');
    largest.raw.write(multicast(largest.group, 'y'.repeat(Limits.BODY_MAX_BYTES - Limits.GROUP_NAME_BYTES)));
    await waitFor(() => running.ingest.of('www').length === 1, 'the largest line');
    expect(running.ingest.of('www')[0]).toHaveLength(Limits.BODY_MAX_BYTES - Limits.GROUP_NAME_BYTES);
    await goodLine();
    expectGoodLinesInOrder();
    expect(running.input.handle.stats.errors.bad_frame).toBe(3);
  });

  it('hostile - clients that connect and vanish: during the handshake counted, after it not', async () => {
    const silent = await peer();
    silent.destroy();
    const helloOnly = await peer();
    helloOnly.write(encodeHello({ name: 'gone', membership: false }));
    await helloOnly.read(6);
    helloOnly.destroy();
    const opened = await session('opened');
    opened.raw.write(multicast(opened.group, 'then gone\n'));
    await waitFor(() => running.ingest.of('www').length === 1, 'its line');
    opened.raw.destroy();
    await waitFor(() => running.input.handle.stats.connections === 1 && running.input.handle.stats.errors.bad_frame === 2, 'the vanished clients');
    // A client that never sends a byte is cut at the handshake timeout and counted too.
    const mute = await peer();
    await mute.whenClosed();
    expect(running.input.handle.stats.errors.bad_frame).toBe(3);
    await goodLine();
    expectGoodLinesInOrder();
  });
});

describe('spread input - max_connections', () => {
  it('max_connections - sessions past the limit are rejected as Spread does, counted, and the others ship', async () => {
    await running.input.close();
    good.destroy();
    running = await startSpreadInput({ max_connections: 3 }, { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
    good = await connect({ endpoint: running.endpoint, name: 'good' });
    const others = await Promise.all(['a', 'b'].map((name) => connect({ endpoint: running.endpoint, name })));
    const refused = await connect({ endpoint: running.endpoint, name: 'c' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SpreadConnectError);
    expect((refused as SpreadConnectError).spreadCode).toBe(ResultCode.REJECT_QUOTA);
    expect(running.input.handle.stats.errors.too_many_connections).toBe(1);
    await goodLine();
    for (const other of others) other.destroy();
    await waitFor(() => running.input.handle.stats.connections === 1, 'the others to leave');
    const later = await connect({ endpoint: running.endpoint, name: 'c' });
    later.multicastNow({ service: 'FIFO', groups: 'www', data: 'room again\n' });
    await waitFor(() => running.ingest.of('www').length === 1, 'the later line');
    later.destroy();
    expectGoodLinesInOrder();
  });
});
