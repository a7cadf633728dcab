/**
 * The UDP transport over real sockets on the loopback interface: delivery between three
 * daemons, loopback to self, the caller's errors, hostile datagrams dropped and counted
 * (never reaching onPacket), status requests, and broadcast and multicast where the host
 * routes them on loopback (Linux does; elsewhere those tests skip).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RingError, RingErrorCode } from '../src/errors.ts';
import { EnvelopeType, encodeStatusRequest, decodeStatusReply, openEnvelope, sealEnvelope } from '../src/packet-envelope.ts';
import type { DataPacket, RingPacket } from '../src/packets.ts';
import { requestRingStatus, UdpRingTransport } from '../src/udp-transport.ts';
import { COMMIT_SAMPLES, DATA_SAMPLES, entry, plain, TOKEN_ACK_SAMPLES, TOKEN_SAMPLES } from './support/packets.ts';
import { closeAll, connect, groupDeliveryWorks, KEY, OTHER_KEY, rawSocket, sleep, startNode, waitFor } from './support/udp.ts';

afterEach(closeAll);

const TOKEN = TOKEN_SAMPLES[2] as RingPacket;
const DATA = DATA_SAMPLES[2] as DataPacket;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RingError) return error.code;
    throw error;
  }
  return 'ok';
}

async function codeOfAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof RingError) return error.code;
    throw error;
  }
  return 'ok';
}

describe('udp-transport - unicast delivery', () => {
  it('udp-transport - three transports deliver to one another and to themselves', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map((name) => startNode(name)));
    const [a, b, c] = nodes as [NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>, NonNullable<(typeof nodes)[0]>];
    connect(nodes);
    a.transport.sendTo('b', TOKEN);
    a.transport.sendToMany(['a', 'b', 'c'], DATA);
    b.transport.sendToMany(['c'], TOKEN_ACK_SAMPLES[0]!);
    c.transport.sendToMany(['a', 'b'], COMMIT_SAMPLES[1]!);
    await waitFor(() => a.received.length === 2 && b.received.length === 3 && c.received.length === 2, 'deliveries');
    // Each sender's datagrams keep their order; different senders' may interleave.
    const bySender = (node: typeof a): typeof a.received => [...node.received].sort((x, y) => x.from.localeCompare(y.from));
    expect(bySender(b)).toEqual([
      { from: 'a', packet: plain(TOKEN) },
      { from: 'a', packet: plain(DATA) },
      { from: 'c', packet: COMMIT_SAMPLES[1] },
    ]);
    expect(bySender(c)).toEqual([
      { from: 'a', packet: plain(DATA) },
      { from: 'b', packet: TOKEN_ACK_SAMPLES[0] },
    ]);
    expect(a.received.map((r) => r.from).sort()).toEqual(['a', 'c']);
    expect(a.transport.counters).toMatchObject({ packetsSent: 3, loopbackDelivered: 1, packetsDelivered: 1 });
    expect(b.transport.counters).toMatchObject({ packetsSent: 1, packetsReceived: 3, packetsDelivered: 3 });
    expect(Object.values(b.transport.counters.dropped).every((count) => count === 0)).toBe(true);
  });

  it('udp-transport - a loopback delivery is a copy, delivered on a later turn', async () => {
    const a = await startNode('a');
    connect([a]);
    const payload = new Uint8Array(Buffer.from('mutable'));
    a.transport.sendTo('a', { ...DATA, entries: [{ ...entry(''), payload }] });
    expect(a.received).toHaveLength(0);
    payload.fill(0x21);
    await waitFor(() => a.received.length === 1, 'loopback');
    const delivered = a.received[0]?.packet as DataPacket;
    expect(Buffer.from(delivered.entries[0]!.payload).toString()).toBe('mutable');
    expect(a.transport.counters.packetsSent).toBe(0);
  });

  it('udp-transport - 200 packets from one sender arrive in order', async () => {
    const nodes = [await startNode('a'), await startNode('b')];
    connect(nodes);
    const small = DATA_SAMPLES[0] as DataPacket;
    // Batches of 50, so the receiver's socket buffer cannot overflow and drop (this is UDP).
    for (let seq = 1; seq <= 200; seq++) {
      nodes[0]!.transport.sendTo('b', { ...small, seq });
      if (seq % 50 === 0) await waitFor(() => nodes[1]!.received.length === seq, `${seq} packets`);
    }
    expect(nodes[1]!.received.map((r) => (r.packet as DataPacket).seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

describe('udp-transport - the caller\'s errors', () => {
  it('udp-transport - unknown peer, invalid packet and oversize throw; nothing is sent', async () => {
    const nodes = [await startNode('a', { maxDatagramBytes: 600 }), await startNode('b')];
    connect(nodes);
    const a = nodes[0]!.transport;
    expect(codeOf(() => a.sendTo('zed', TOKEN))).toBe(RingErrorCode.UNKNOWN_PEER);
    expect(codeOf(() => a.sendToMany(['b', 'zed'], TOKEN))).toBe(RingErrorCode.UNKNOWN_PEER);
    expect(codeOf(() => a.sendTo('b', { ...DATA, seq: -5 }))).toBe(RingErrorCode.ENCODE_INVALID);
    expect(codeOf(() => a.sendTo('b', { ...DATA, entries: [entry('x'.repeat(600))] }))).toBe(RingErrorCode.PACKET_OVERSIZE);
    expect(codeOf(() => a.sendTo('a', { ...DATA, entries: [entry('x'.repeat(600))] }))).toBe(RingErrorCode.PACKET_OVERSIZE);
    expect(a.counters.packetsSent).toBe(0);
    await sleep(20);
    expect(nodes[0]!.received).toHaveLength(0);
    expect(nodes[1]!.received).toHaveLength(0);
  });

  it('udp-transport - state: send before start throws, after close does nothing', async () => {
    const transport = new UdpRingTransport({ selfName: 'a', incarnation: 1, key: KEY, bind: { address: '127.0.0.1', port: 0 }, peers: new Map(), mode: 'unicast', onPacket: () => undefined });
    expect(codeOf(() => transport.sendTo('a', TOKEN))).toBe(RingErrorCode.TRANSPORT_STATE);
    expect(codeOf(() => transport.address())).toBe(RingErrorCode.TRANSPORT_STATE);
    await transport.start();
    expect(await codeOfAsync(() => transport.start())).toBe(RingErrorCode.TRANSPORT_STATE);
    await transport.close();
    await transport.close();
    expect(codeOf(() => transport.sendTo('a', TOKEN))).toBe('ok');
  });

  it('udp-transport - socket buffer sizes are applied', async () => {
    const a = await startNode('a', { receiveBufferBytes: 65_536, sendBufferBytes: 65_536 });
    expect(a.transport.counters.socketErrors).toBe(0);
    a.transport.sendTo('a', TOKEN);
    await waitFor(() => a.received.length === 1, 'loopback');
  });

  it('udp-transport - a port in use is RL_RING_BIND with the cause', async () => {
    const taken = await startNode('a');
    const second = new UdpRingTransport({ selfName: 'b', incarnation: 1, key: KEY, bind: taken.endpoint, peers: new Map(), mode: 'unicast', onPacket: () => undefined });
    let caught: unknown;
    await second.start().catch((error: unknown) => (caught = error));
    expect((caught as RingError).code).toBe(RingErrorCode.BIND);
    expect(((caught as RingError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('udp-transport - bad options are RL_RING_BAD_OPTION', () => {
    const base = { selfName: 'a', incarnation: 1, key: KEY, bind: { address: '127.0.0.1', port: 0 }, peers: new Map(), mode: 'unicast' as const, onPacket: () => undefined };
    const bad = [
      { selfName: '' },
      { selfName: 'x'.repeat(33) },
      { incarnation: -1 },
      { incarnation: 1.5 },
      { key: Buffer.alloc(0) },
      { mode: 'multicast' as const },
      { mode: 'anycast' as never, groupAddress: { address: '239.1.1.1', port: 1 } },
      { maxDatagramBytes: 10 },
      { maxDatagramBytes: 70_000 },
      { statusRepliesPerSecond: 0 },
      { receiveBufferBytes: 0 },
      { sendBufferBytes: 1.5 },
    ];
    for (const options of bad) expect(codeOf(() => new UdpRingTransport({ ...base, ...options })), JSON.stringify(options)).toBe(RingErrorCode.BAD_OPTION);
  });
});

describe('udp-transport - hostile datagrams', () => {
  it('udp-transport - forged, foreign, replayed and malformed datagrams are dropped and counted', async () => {
    const a = await startNode('a', { incarnation: 5 });
    const b = await startNode('b', { maxDatagramBytes: 2000 });
    const peers = connect([a, b]);
    const attacker = await rawSocket('127.0.0.1');
    const elsewhere = await rawSocket('127.0.0.2');
    const seal = (overrides: Partial<Parameters<typeof sealEnvelope>[0]>, key = KEY): Buffer =>
      sealEnvelope({ type: EnvelopeType.RING_PACKET, sender: 'a', incarnation: 5, counter: 1_000, body: Buffer.from([]), ...overrides }, key);

    // Capture a real datagram from a to b by pointing a's idea of b at the attacker.
    a.transport.setPeers(new Map([...peers, ['b', attacker.endpoint]]));
    a.transport.sendTo('b', TOKEN);
    await waitFor(() => attacker.received.length === 1, 'captured datagram');
    const captured = attacker.received[0] as Buffer;

    const sends: [Buffer, 'attacker' | 'elsewhere'][] = [
      [captured, 'attacker'], // first copy: genuine, from a's address
      [captured, 'attacker'], // replay
      [Buffer.from('random junk that is long enough to hold a MAC of thirty-two bytes..'), 'attacker'],
      [Buffer.from('short'), 'attacker'],
      [seal({ counter: 1 }, OTHER_KEY), 'attacker'],
      [seal({ sender: 'mallory' }), 'attacker'],
      [seal({ counter: 2_000 }), 'elsewhere'],
      [seal({ counter: 2_001, body: Buffer.from([2, 0, 0]) }), 'attacker'],
      [seal({ counter: 2_002, type: EnvelopeType.STATUS_REPLY }), 'attacker'],
      [seal({ counter: 3, incarnation: 4 }), 'attacker'],
      [Buffer.alloc(3000, 1), 'attacker'],
    ];
    for (const [bytes, from] of sends) await (from === 'attacker' ? attacker : elsewhere).send(bytes, b.endpoint);
    await waitFor(() => b.transport.counters.packetsReceived === sends.length, 'all datagrams');

    expect(b.received).toEqual([{ from: 'a', packet: plain(TOKEN) }]);
    expect(b.transport.counters.dropped).toEqual({
      auth: 2,
      truncated: 1,
      unknown_sender: 1,
      wrong_address: 1,
      duplicate: 1,
      malformed: 2,
      stale: 1,
      oversize: 1,
      rate_limited: 0,
    });
    expect(b.transport.counters.packetsDelivered).toBe(1);
  });

  it('udp-transport - 500 seeded random datagrams never reach onPacket', async () => {
    const { caseSeed, createPrng } = await import('./support/prng.ts');
    const a = await startNode('a');
    connect([a]);
    const attacker = await rawSocket();
    const prng = createPrng(caseSeed(7));
    let sent = 0;
    for (let run = 0; run < 500; run++) {
      const bytes = prng.bytes(prng.range(1, 300));
      if (run % 2 === 0 && bytes.length >= 4) Buffer.from('RLR1').copy(bytes);
      await attacker.send(bytes, a.endpoint);
      sent++;
      // Let the receiver drain every 50, so the socket buffer cannot overflow and lose some.
      if (sent % 50 === 0) await waitFor(() => a.transport.counters.packetsReceived === sent, `${sent} random datagrams (seed ${prng.seed})`);
    }
    expect(a.received, `seed ${prng.seed}`).toHaveLength(0);
    const dropped = a.transport.counters.dropped;
    expect(dropped.auth + dropped.truncated, `seed ${prng.seed}`).toBe(a.transport.counters.packetsReceived);
  });
});

describe('udp-transport - status', () => {
  it('udp-transport - requestRingStatus collects replies by nonce and times out the silent', async () => {
    const a = await startNode('a', { onStatusRequest: (reply, from) => reply(JSON.stringify({ name: 'a', from })) });
    const b = await startNode('b');
    const silent = await rawSocket();
    const started = Date.now();
    const results = await requestRingStatus({ key: KEY, targets: [a.endpoint, b.endpoint, silent.endpoint], timeoutMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(results.map((r) => r.target)).toEqual([a.endpoint, b.endpoint, silent.endpoint]);
    expect(JSON.parse(results[0]?.json ?? 'null')).toMatchObject({ name: 'a', from: { address: '127.0.0.1' } });
    expect(results[1]?.error).toMatch(/no reply within 300 ms/);
    expect(results[2]?.error).toMatch(/no reply/);
    expect(silent.received).toHaveLength(1);
    expect(a.transport.counters).toMatchObject({ statusRequests: 1, statusReplies: 1 });
    expect(b.transport.counters.statusRequests).toBe(0);
  });

  it('udp-transport - requestRingStatus returns as soon as every target answered', async () => {
    const handler = { onStatusRequest: (reply: (json: string) => void) => reply('{"ok":true}') };
    const nodes = [await startNode('a', handler), await startNode('b', handler)];
    const started = Date.now();
    const results = await requestRingStatus({ key: KEY, targets: nodes.map((n) => n.endpoint), timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(results.map((r) => r.json)).toEqual(['{"ok":true}', '{"ok":true}']);
    expect(await requestRingStatus({ key: KEY, targets: [], timeoutMs: 5_000 })).toEqual([]);
  });

  it('udp-transport - a request under another key is dropped as auth', async () => {
    const a = await startNode('a', { onStatusRequest: (reply) => reply('{}') });
    const results = await requestRingStatus({ key: OTHER_KEY, targets: [a.endpoint], timeoutMs: 100 });
    expect(results[0]?.error).toMatch(/no reply/);
    expect(a.transport.counters.dropped.auth).toBe(1);
    expect(a.transport.counters.statusRequests).toBe(0);
  });

  it('udp-transport - replayed requests, a second reply() and floods get one reply each', async () => {
    let nowMs = 1_000;
    const a = await startNode('a', {
      statusRepliesPerSecond: 2,
      now: () => nowMs,
      onStatusRequest: (reply) => {
        reply('{"n":1}');
        reply('{"n":2}');
      },
    });
    const monitor = await rawSocket();
    const request = (counter: number, nonce: number): Buffer =>
      sealEnvelope({ type: EnvelopeType.STATUS_REQUEST, sender: 'monitor', incarnation: 1, counter, body: encodeStatusRequest(nonce) }, KEY);
    await monitor.send(request(0, 11), a.endpoint);
    await monitor.send(request(0, 11), a.endpoint);
    await monitor.send(request(1, 12), a.endpoint);
    await monitor.send(request(2, 13), a.endpoint);
    await waitFor(() => a.transport.counters.packetsReceived === 4, 'requests');
    nowMs += 1_000;
    await monitor.send(request(3, 14), a.endpoint);
    await waitFor(() => monitor.received.length === 3, 'replies');
    const replies = monitor.received.map((bytes) => {
      const envelope = openEnvelope(bytes, KEY);
      expect(envelope.type).toBe(EnvelopeType.STATUS_REPLY);
      expect(envelope.sender).toBe('a');
      return decodeStatusReply(envelope.body);
    });
    expect(replies).toEqual([
      { nonce: 11, json: '{"n":1}' },
      { nonce: 12, json: '{"n":1}' },
      { nonce: 14, json: '{"n":1}' },
    ]);
    expect(a.transport.counters.dropped).toMatchObject({ duplicate: 1, rate_limited: 1 });
  });
});

describe('udp-transport - group modes', () => {
  const modes = [
    { mode: 'broadcast' as const, group: '127.255.255.255', setup: (s: import('node:dgram').Socket) => s.setBroadcast(true) },
    {
      mode: 'multicast' as const,
      group: '239.255.82.76',
      setup: (s: import('node:dgram').Socket) => {
        s.addMembership('239.255.82.76', '127.0.0.1');
        s.setMulticastInterface('127.0.0.1');
      },
    },
  ];

  it.for(modes)('udp-transport - $mode: one datagram reaches every daemon, self by loopback', async ({ mode, group, setup }, context) => {
    if (!(await groupDeliveryWorks(setup, group))) context.skip(`this host does not deliver ${mode} datagrams on loopback`);
    const common = { mode, multicastInterface: mode === 'multicast' ? '127.0.0.1' : undefined };
    const first = await startNode('a', { ...common, bind: { address: '0.0.0.0', port: 0 }, groupAddress: { address: group, port: 0 } });
    const port = first.endpoint.port;
    // The first node was built before the port was known: rebuild it on that port with the others.
    await first.transport.close();
    const groupAddress = { address: group, port };
    const nodes = [];
    for (const name of ['a', 'b', 'c']) nodes.push(await startNode(name, { ...common, bind: { address: '0.0.0.0', port }, groupAddress }));
    connect(nodes);
    const [a, b, c] = nodes as [(typeof nodes)[0] & object, (typeof nodes)[0] & object, (typeof nodes)[0] & object];
    a.transport.sendToMany(['a', 'b', 'c'], DATA);
    await waitFor(() => a.received.length === 1 && b.received.length === 1 && c.received.length === 1, `${mode} delivery`);
    await waitFor(() => a.transport.counters.selfEchoes === 1, 'own echo');
    expect(a.transport.counters).toMatchObject({ packetsSent: 1, loopbackDelivered: 1, packetsDelivered: 0 });
    for (const node of [a, b, c]) expect(node.received).toEqual([{ from: 'a', packet: plain(DATA) }]);
    expect(b.transport.counters.dropped.wrong_address + c.transport.counters.dropped.wrong_address).toBe(0);
  });
});
