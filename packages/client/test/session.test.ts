import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceType, encodeMembershipBody, encodeMessage, hintFromMessType } from '@ringlog/wire';
import { ClientUsageError, SessionClosedError, SpreadConnectError, connect, type SpreadEvent, type SpreadSession } from '../src/index.ts';
import { startFakeDaemon, type FakeDaemon } from '../src/internal.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function daemon(options: Parameters<typeof startFakeDaemon>[0] = {}): Promise<FakeDaemon> {
  const fake = await startFakeDaemon(options);
  cleanups.push(() => fake.close());
  return fake;
}

async function open(fake: FakeDaemon, name: string, extra: { membership?: boolean; receiveQueueMax?: number } = {}): Promise<SpreadSession> {
  const session = await connect({ endpoint: fake.spreadName, name, ...extra });
  cleanups.push(() => session.destroy());
  return session;
}

async function take(iterator: AsyncIterator<SpreadEvent>, count: number): Promise<SpreadEvent[]> {
  const events: SpreadEvent[] = [];
  for (let i = 0; i < count; i++) {
    const result = await iterator.next();
    if (result.done === true) break;
    events.push(result.value);
  }
  return events;
}

async function rejection(promise: Promise<unknown>): Promise<SpreadConnectError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpreadConnectError);
    return error as SpreadConnectError;
  }
  throw new Error('expected a rejection');
}

describe('SpreadSession', () => {
  it('session - connects over TCP and gets its private group', async () => {
    const fake = await daemon();
    const session = await open(fake, 'alice');
    expect(session.privateGroup).toBe('#alice#localhost');
    expect(session.daemonVersion).toEqual({ major: 5, minor: 0, patch: 1 });
    expect(fake.sessions()).toEqual(['#alice#localhost']);
  });

  it('session - connects over a unix socket; empty name gets an invented one', async () => {
    const fake = await daemon({ unixPath: `/tmp/ringlog-client-test-${process.pid}.sock` });
    const session = await open(fake, '');
    expect(session.privateGroup).toMatch(/^#r\d+-\d+#localhost$/);
  });

  it('session - handshake survives one-byte fragments from the daemon', async () => {
    const fake = await daemon({ fragment: true });
    const session = await open(fake, 'frag');
    expect(session.privateGroup).toBe('#frag#localhost');
    const events = session[Symbol.asyncIterator]();
    session.join('demo');
    const [membership] = await take(events, 1);
    expect(membership).toMatchObject({ type: 'membership', cause: 'join', members: ['#frag#localhost'], changedMember: '#frag#localhost' });
  });

  it('session - a duplicate name is rejected with -6', async () => {
    const fake = await daemon();
    await open(fake, 'bob');
    const error = await rejection(connect({ endpoint: fake.spreadName, name: 'bob' }));
    expect(error.code).toBe('RL_CLIENT_CONNECT_REJECTED');
    expect(error.spreadCode).toBe(-6);
  });

  it('session - quota, illegal name and auth rejects carry their codes', async () => {
    for (const code of [-3, -5, -7, -9]) {
      const fake = await daemon({ reject: code });
      expect((await rejection(connect({ endpoint: fake.spreadName, name: 'x' }))).spreadCode).toBe(code);
    }
    const noNull = await daemon({ authMethods: ['IP'] });
    const error = await rejection(connect({ endpoint: noNull.spreadName, name: 'x' }));
    expect([error.code, error.spreadCode]).toEqual(['RL_CLIENT_AUTH_UNAVAILABLE', -9]);
  });

  it('session - no daemon is COULD_NOT_CONNECT, a silent one times out', async () => {
    const missing = await rejection(connect({ endpoint: `unix:/tmp/ringlog-nobody-${process.pid}` }));
    expect([missing.code, missing.spreadCode]).toEqual(['RL_CLIENT_COULD_NOT_CONNECT', -2]);
    expect(missing.cause).toBeInstanceOf(Error);
    const silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as net.AddressInfo).port;
    const timeout = await rejection(connect({ endpoint: `${port}@127.0.0.1`, connectTimeoutMs: 100 }));
    expect([timeout.code, timeout.spreadCode]).toEqual(['RL_CLIENT_CONNECT_TIMEOUT', -20]);
    const illegal = await rejection(connect({ endpoint: 'nonsense' }));
    expect(illegal.spreadCode).toBe(-1);
  });

  it('session - join, SAFE multicast back to the sender, leave, self-leave', async () => {
    const fake = await daemon();
    const bob = await open(fake, 'bob');
    const bobEvents = bob[Symbol.asyncIterator]();
    bob.join('demo');
    await take(bobEvents, 1);
    const alice = await open(fake, 'alice');
    const aliceEvents = alice[Symbol.asyncIterator]();
    alice.join('demo');
    const [join] = await take(aliceEvents, 1);
    expect(join).toMatchObject({ type: 'membership', group: 'demo', cause: 'join', members: ['#alice#localhost', '#bob#localhost'], myIndex: 0, changedMember: '#alice#localhost', groupId: { index: 2 } });
    expect(await take(bobEvents, 1)).toMatchObject([{ type: 'membership', myIndex: 1 }]);
    await alice.multicast({ service: 'SAFE', groups: ['demo'], messType: 1, data: 'hello from alice\n' });
    const [own] = await take(aliceEvents, 1);
    expect(own).toMatchObject({ type: 'message', service: 'SAFE', sender: '#alice#localhost', groups: ['demo'], messType: 1, endianMismatch: false });
    expect(own?.type === 'message' && own.data.toString()).toBe('hello from alice\n');
    expect(await take(bobEvents, 1)).toMatchObject([{ type: 'message', sender: '#alice#localhost' }]);
    alice.leave('demo');
    expect(await take(aliceEvents, 1)).toEqual([{ type: 'self-leave', group: 'demo' }]);
    expect(await take(bobEvents, 1)).toMatchObject([{ type: 'membership', cause: 'leave', members: ['#bob#localhost'], changedMember: '#alice#localhost' }]);
  });

  it('session - self discard, point-to-point and multi-group delivered once', async () => {
    const fake = await daemon();
    const a = await open(fake, 'a');
    const b = await open(fake, 'b');
    const aEvents: SpreadEvent[] = [];
    const bEvents: SpreadEvent[] = [];
    a.onEvent((event) => aEvents.push(event));
    b.onEvent((event) => bEvents.push(event));
    a.join('g1');
    a.join('g2');
    b.join('g1');
    b.join('g2');
    await until(() => bEvents.length >= 2);
    a.multicastNow({ service: 'AGREED', groups: ['g1', 'g2'], selfDiscard: true, messType: 0x1234, data: 'both' });
    a.multicastNow({ service: 'FIFO', groups: ['#b#localhost'], messType: 42, data: 'p2p' });
    await until(() => bEvents.filter((e) => e.type === 'message').length === 2);
    const messages = bEvents.filter((e) => e.type === 'message');
    expect(messages).toMatchObject([
      { service: 'AGREED', selfDiscard: true, groups: ['g1', 'g2'], messType: 0x1234 },
      { service: 'FIFO', groups: ['#b#localhost'], messType: 42 },
    ]);
    expect(aEvents.some((e) => e.type === 'message')).toBe(false);
  });

  it('session - NETWORK membership and TRANSITION injected by the daemon decode', async () => {
    const fake = await daemon();
    const session = await open(fake, 'w1');
    const events = session[Symbol.asyncIterator]();
    const gid = { procId: 1, time: 2, index: 3 };
    fake.sendRaw('#w1#localhost', encodeMessage({ type: ServiceType.TRANSITION, sender: 'g', groups: [], hint: hintFromMessType(0), data: encodeMembershipBody({ groupId: gid, vsSets: [], localVsSetOffset: 0 }).subarray(0, 12) }));
    const data = encodeMembershipBody({ groupId: { ...gid, index: 4 }, vsSets: [['#w1#localhost', '#w2#d2']], localVsSetOffset: 0 });
    fake.sendRaw('#w1#localhost', encodeMessage({ type: ServiceType.REG_MEMB | ServiceType.CAUSED_BY_NETWORK, sender: 'g', groups: ['#w1#localhost', '#w2#d2'], hint: hintFromMessType(0), data }));
    expect(await take(events, 2)).toMatchObject([
      { type: 'transition', group: 'g', groupId: gid },
      { type: 'membership', cause: 'network', vsSets: [['#w1#localhost', '#w2#d2']], localVsSetIndex: 0, myIndex: 0 },
    ]);
  });

  it('session - local misuse throws before anything is sent', async () => {
    const fake = await daemon();
    const session = await open(fake, 'u');
    expect(() => session.join('bad name')).toThrow(ClientUsageError);
    expect(() => session.multicastNow({ service: 0x30, groups: ['g'], data: '' })).toThrow(/exactly one service bit/);
    expect(() => session.multicastNow({ service: 'AGREED', groups: ['g'], data: Buffer.alloc(144_000) })).toThrow(/exceeds 144000/);
    session.join('ok');
    await until(() => fake.requests.length === 1);
    expect(fake.requests.map((r) => r.request.kind)).toEqual(['join']);
  });

  it('session - disconnect sends KILL naming the private group and resolves closed()', async () => {
    const fake = await daemon();
    const session = await open(fake, 'k');
    await session.disconnect();
    expect(await session.closed()).toBeUndefined();
    expect(fake.requests).toEqual([{ from: '#k#localhost', request: { kind: 'kill' } }]);
    expect(() => session.join('g')).toThrow(SessionClosedError);
    await expect(session.drained()).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('session - daemon closing ends the iterator and closed() gives the reason', async () => {
    const fake = await daemon();
    const session = await open(fake, 'd');
    const events = session[Symbol.asyncIterator]();
    fake.dropAll();
    expect(await events.next()).toEqual({ value: undefined, done: true });
    const reason = await session.closed();
    expect(reason).toBeInstanceOf(SessionClosedError);
    expect((reason as SessionClosedError).spreadCode).toBe(-8);
  });

  it('session - a slow iterator consumer pauses the socket instead of buffering', async () => {
    const fake = await daemon();
    const sender = await open(fake, 's', { membership: false });
    const reader = await open(fake, 'r', { membership: false, receiveQueueMax: 64 });
    reader.join('flood');
    sender.join('flood');
    await until(() => fake.members('flood').length === 2);
    const payload = Buffer.alloc(1000);
    for (let i = 0; i < 5000; i++) sender.multicastNow({ service: 'AGREED', groups: 'flood', data: payload });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 64 events + at most one socket read's worth of frames are decoded; the rest waits in TCP.
    expect(reader.pendingEvents).toBeLessThan(64 + 70);
    const events = reader[Symbol.asyncIterator]();
    let received = 0;
    while (received < 5000) {
      const result = await events.next();
      if (result.value?.type === 'message') received++;
    }
    expect(received).toBe(5000);
  });

  it('session - multicastNow reports backpressure and drained() resolves', async () => {
    const fake = await daemon();
    const sender = await open(fake, 'bp', { membership: false });
    const payload = Buffer.alloc(100_000);
    let refused = 0;
    for (let i = 0; i < 200; i++) if (!sender.multicastNow({ service: 'RELIABLE', groups: 'nobody', data: payload })) refused++;
    expect(refused).toBeGreaterThan(0);
    expect(sender.writable).toBe(false);
    await sender.drained();
    expect(sender.writable).toBe(true);
  });
});

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
