/**
 * Three real ringlogd processes on 127.0.0.1, one Spread_Segment with a port per daemon, and
 * Spread clients on each: one agreed order for a concurrent flood, a kill -9 seen as a
 * network membership, and the restarted daemon merging back.
 */
import { connect, type SpreadEvent, type SpreadSession } from '@ringlog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildFixture, makeTempDir, RINGLOG_BIN, waitUntil } from './support/processes.ts';
import { RingCluster } from './support/ring-cluster.ts';

interface Client {
  readonly session: SpreadSession;
  readonly events: SpreadEvent[];
}

const GROUP = 'ring-test';

async function client(cluster: RingCluster, daemon: number, name: string): Promise<Client> {
  const session = await connect({ endpoint: cluster.spreadName(daemon), name });
  const events: SpreadEvent[] = [];
  session.onEvent((event) => events.push(event));
  return { session, events };
}

function messages(c: Client): string[] {
  return c.events.flatMap((event) => (event.type === 'message' ? [event.data.toString()] : []));
}

function memberships(c: Client): SpreadEvent[] {
  return c.events.filter((event) => event.type === 'membership' || event.type === 'transition');
}

async function waitForMembers(c: Client, members: readonly string[], what: string): Promise<void> {
  await waitUntil(
    () => {
      const last = memberships(c).at(-1);
      return last?.type === 'membership' && last.members.length === members.length && members.every((member) => last.members.includes(member));
    },
    what,
    () => JSON.stringify(memberships(c)),
  );
}

describe('a segment of three ringlogd processes', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  let cluster: RingCluster;
  const clients: Client[] = [];

  beforeAll(async () => {
    temp = await makeTempDir();
    cluster = await RingCluster.create({ dir: temp.dir });
    await cluster.startAll();
    await cluster.waitForRing();
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.session.disconnect()));
    await cluster?.stop();
    await temp?.remove();
  });

  it('delivers a concurrent flood from clients on every daemon in one agreed order to all of them', async () => {
    for (let daemon = 0; daemon < 3; daemon += 1) clients.push(await client(cluster, daemon, `c${daemon + 1}`));
    for (const c of clients) c.session.join(GROUP);
    await waitForMembers(clients[0]!, ['#c1#d1', '#c2#d2', '#c3#d3'], 'all three joined, as seen on d1');
    await waitForMembers(clients[2]!, ['#c1#d1', '#c2#d2', '#c3#d3'], 'all three joined, as seen on d3');
    const perClient = 2000;
    for (let index = 0; index < perClient; index += 1) {
      clients.forEach((c, daemon) => c.session.multicast({ service: index % 10 === 0 ? 'SAFE' : 'AGREED', groups: [GROUP], data: `d${daemon + 1}-${index}` }));
      if (index % 200 === 0) await Promise.all(clients.map((c) => c.session.drained()));
    }
    await waitUntil(() => clients.every((c) => messages(c).length === 3 * perClient), `${3 * perClient} messages at every client`, () => clients.map((c) => messages(c).length).join(', '), 60_000);
    const order = messages(clients[0]!);
    expect(messages(clients[1]!)).toEqual(order);
    expect(messages(clients[2]!)).toEqual(order);
    // Each sender's messages in the order it sent them.
    for (let daemon = 1; daemon <= 3; daemon += 1) {
      const mine = order.filter((text) => text.startsWith(`d${daemon}-`)).map((text) => Number(text.split('-')[1]));
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
  }, 120_000);

  it('ringlog monitor --once shows the three daemons agreeing on one ring, and no packet failed authentication', async () => {
    const monitor = new ChildFixture(RINGLOG_BIN, ['monitor', '-c', cluster.configPath, '--once']);
    expect(await monitor.exit(), monitor.describe()).toEqual({ code: 0, signal: null });
    expect(monitor.stdout).toMatch(/all 3 daemons agree/);
    for (const name of cluster.names) expect(monitor.stdout).toContain(name);
    const reports = await cluster.status();
    for (const report of reports) {
      expect(report?.sessions).toBeGreaterThanOrEqual(1);
      expect(report?.transport.dropped['auth']).toBe(0);
    }
  }, 60_000);

  it('kill -9 of one daemon: clients on the others get TRANSITION_MESS, then REG_MEMB_MESS|CAUSED_BY_NETWORK without its members', async () => {
    const before = clients.map((c) => memberships(c).length);
    await cluster.kill(2);
    for (const daemon of [0, 1]) {
      const c = clients[daemon]!;
      await waitForMembers(c, ['#c1#d1', '#c2#d2'], `d3's member gone, as seen on d${daemon + 1}`);
      const changes = memberships(c).slice(before[daemon]);
      expect(changes.map((event) => (event.type === 'membership' ? `${event.type}:${event.cause}` : event.type))).toEqual(['transition', 'membership:network']);
      const network = changes[1]!;
      if (network.type !== 'membership') throw new Error('expected a membership');
      expect(network.vsSets).toEqual([['#c1#d1', '#c2#d2']]);
    }
    await cluster.waitForRing([0, 1]);
    // The ring of two still orders messages.
    clients[0]!.session.multicast({ service: 'AGREED', groups: [GROUP], data: 'after-crash' });
    await waitUntil(() => messages(clients[1]!).includes('after-crash'), 'a message in the ring of two');
  }, 60_000);

  it('the restarted daemon merges back, and its new client joins the group everywhere', async () => {
    await cluster.start(2);
    await cluster.waitForRing([0, 1, 2]);
    const back = await client(cluster, 2, 'c3b');
    clients.push(back);
    back.session.join(GROUP);
    for (const c of [clients[0]!, back]) await waitForMembers(c, ['#c1#d1', '#c2#d2', '#c3b#d3'], 'the new member on every daemon');
    back.session.multicast({ service: 'SAFE', groups: [GROUP], data: 'from-restarted' });
    await waitUntil(() => messages(clients[0]!).includes('from-restarted') && messages(clients[1]!).includes('from-restarted'), 'a SAFE message from the restarted daemon');
  }, 60_000);
});
