// Integration: the client against the real @ringlog/daemon on real sockets (port 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '@ringlog/daemon';
import { ReconnectingSession, SpreadConnectError, connect, type SpreadEvent, type SpreadSession } from '../src/index.ts';

const UNIX_PATH = `/tmp/ringlog-client-it-${process.pid}.sock`;
let daemon: Daemon;
let tcpName: string;

beforeAll(async () => {
  daemon = await startDaemon({ name: 'localhost', listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }, { kind: 'unix', path: UNIX_PATH }] });
  const tcp = daemon.addresses.find((address) => address.kind === 'tcp');
  if (tcp?.kind !== 'tcp') throw new Error('daemon has no TCP listener');
  tcpName = `${tcp.port}@127.0.0.1`;
});

afterAll(async () => {
  await daemon.close();
});

class Recorder {
  readonly events: SpreadEvent[] = [];
  constructor(readonly session: SpreadSession) {
    session.onEvent((event) => this.events.push(event));
  }

  async next(predicate: (event: SpreadEvent) => boolean, timeoutMs = 5000): Promise<SpreadEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex(predicate);
      if (index !== -1) return this.events.splice(index, 1)[0] as SpreadEvent;
      if (Date.now() > deadline) throw new Error(`no matching event; have ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

async function rejected(promise: Promise<unknown>): Promise<SpreadConnectError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpreadConnectError);
    return error as SpreadConnectError;
  }
  throw new Error('expected a reject');
}

describe('client against @ringlog/daemon', () => {
  it('daemon - join, SAFE back to the sender, leave, disconnect (TCP and unix)', async () => {
    const bob = new Recorder(await connect({ endpoint: `unix:${UNIX_PATH}`, name: 'bob' }));
    const alice = new Recorder(await connect({ endpoint: tcpName, name: 'alice' }));
    expect(alice.session.privateGroup).toBe('#alice#localhost');
    bob.session.join('demo');
    await bob.next((e) => e.type === 'membership' && e.cause === 'join');
    alice.session.join('demo');
    const join = await alice.next((e) => e.type === 'membership');
    expect(join).toMatchObject({ group: 'demo', cause: 'join', members: ['#alice#localhost', '#bob#localhost'], myIndex: 0, changedMember: '#alice#localhost' });
    const bobView = await bob.next((e) => e.type === 'membership');
    expect(bobView).toMatchObject({ myIndex: 1, changedMember: '#alice#localhost' });
    if (join.type === 'membership' && bobView.type === 'membership') expect(bobView.groupId).toEqual(join.groupId);
    await alice.session.multicast({ service: 'SAFE', groups: ['demo'], messType: 1, data: 'hello from alice\n' });
    for (const recorder of [alice, bob]) {
      const message = await recorder.next((e) => e.type === 'message');
      expect(message).toMatchObject({ service: 'SAFE', sender: '#alice#localhost', groups: ['demo'], messType: 1, endianMismatch: false, selfDiscard: false });
      expect(message.type === 'message' && message.data.toString()).toBe('hello from alice\n');
    }
    alice.session.leave('demo');
    expect(await alice.next((e) => e.type === 'self-leave')).toEqual({ type: 'self-leave', group: 'demo' });
    expect(await bob.next((e) => e.type === 'membership')).toMatchObject({ cause: 'leave', members: ['#bob#localhost'], changedMember: '#alice#localhost' });
    alice.session.join('demo');
    await bob.next((e) => e.type === 'membership' && e.cause === 'join');
    await alice.session.disconnect();
    expect(await alice.session.closed()).toBeUndefined();
    expect(await bob.next((e) => e.type === 'membership')).toMatchObject({ cause: 'disconnect', changedMember: '#alice#localhost' });
    await bob.session.disconnect();
  });

  it('daemon - self discard and point-to-point', async () => {
    const a = new Recorder(await connect({ endpoint: tcpName, name: 'sda' }));
    const b = new Recorder(await connect({ endpoint: tcpName, name: 'sdb' }));
    a.session.join('sd');
    b.session.join('sd');
    await b.next((e) => e.type === 'membership' && e.members.length === 2);
    a.session.multicastNow({ service: 'AGREED', groups: ['sd'], selfDiscard: true, messType: 0x1234, data: 'not to me' });
    a.session.multicastNow({ service: 'FIFO', groups: ['#sdb#localhost'], messType: 42, data: 'p2p' });
    a.session.multicastNow({ service: 'UNRELIABLE', groups: ['sd'], data: 'to all' });
    expect(await b.next((e) => e.type === 'message')).toMatchObject({ service: 'AGREED', selfDiscard: true, messType: 0x1234 });
    expect(await b.next((e) => e.type === 'message')).toMatchObject({ service: 'FIFO', groups: ['#sdb#localhost'], messType: 42 });
    expect(await a.next((e) => e.type === 'message')).toMatchObject({ service: 'UNRELIABLE', sender: '#sda#localhost' });
    expect(a.events.filter((e) => e.type === 'message')).toEqual([]);
    await Promise.all([a.session.disconnect(), b.session.disconnect()]);
  });

  it('daemon - duplicate and illegal names are rejected with -6 and -5', async () => {
    const first = await connect({ endpoint: tcpName, name: 'dup' });
    expect((await rejected(connect({ endpoint: tcpName, name: 'dup' }))).spreadCode).toBe(-6);
    expect((await rejected(connect({ endpoint: tcpName, name: 'a#b' }))).spreadCode).toBe(-5);
    await first.disconnect();
    const again = await connect({ endpoint: tcpName, name: 'dup' });
    await again.disconnect();
  });

  it('daemon - 20 000 AGREED messages arrive complete and in order', async () => {
    const sender = new Recorder(await connect({ endpoint: tcpName, name: 'fs', membership: false }));
    const receiver = await connect({ endpoint: tcpName, name: 'fr' });
    let received = 0;
    let outOfOrder = 0;
    receiver.onEvent((event) => {
      if (event.type !== 'message') return;
      if (event.data.readUInt32LE(0) !== received) outOfOrder++;
      received++;
    });
    receiver.join('bulk');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const prepared = sender.session.prepare({ service: 'AGREED', groups: ['bulk'] });
    const payload = Buffer.alloc(100);
    for (let i = 0; i < 20_000; i++) {
      payload.writeUInt32LE(i, 0);
      if (!sender.session.send(prepared, payload)) await sender.session.drained();
    }
    const deadline = Date.now() + 10_000;
    while (received < 20_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect([received, outOfOrder]).toEqual([20_000, 0]);
    await Promise.all([sender.session.disconnect(), receiver.disconnect()]);
  });

  it('daemon - a reconnecting session redials a restarted daemon and rejoins', async () => {
    const path = `/tmp/ringlog-client-it-re-${process.pid}.sock`;
    let restartable = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path }] });
    const session = new ReconnectingSession({ endpoint: `unix:${path}`, name: 'phoenix', reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    const statuses: string[] = [];
    void (async () => {
      for await (const status of session.status()) statuses.push(status.type);
    })();
    await session.ready();
    session.join('logs');
    await restartable.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    restartable = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path }] });
    const watcher = new Recorder(await connect({ endpoint: `unix:${path}`, name: 'watcher' }));
    watcher.session.join('logs');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const view = watcher.events.findLast((e) => e.type === 'membership');
      if (view?.type === 'membership' && view.members.includes('#phoenix#localhost')) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(watcher.events.findLast((e) => e.type === 'membership')).toMatchObject({ members: ['#phoenix#localhost', '#watcher#localhost'] });
    expect(statuses.slice(0, 3)).toEqual(['connecting', 'connected', 'disconnected']);
    expect(statuses).toContain('reconnecting');
    await session.close();
    await watcher.session.disconnect();
    await restartable.close();
  });
});
