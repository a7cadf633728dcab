/**
 * Three real Daemons with real client sessions on TCP, ordered by RingOrdering over real
 * RingNodes that an in-memory network drives in real time (setTimeout at each node's next
 * deadline). What the clients read is compared with the 3-daemon captures (sections 7, 8),
 * the configuration times being the ones these daemons agreed on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, RingOrdering, startDaemon } from '@ringlog/daemon';
import { decodeMembershipBody, decodeMessage, ServiceType } from '@ringlog/wire';
import { waitFor } from './support/harness.ts';
import { MemoryRing } from './support/memory-ring.ts';
import { RawClient } from './support/raw-client.ts';
import { crashNetwork, crashThirdJoin, crashTransition, mergeNetwork, partitionNetwork, partitionTransition } from './support/ring-captures.ts';
import { PROC_IDS, procIdOf, SEGMENT } from './support/ring-daemons.ts';

interface Node {
  readonly daemon: Daemon;
  readonly ordering: RingOrdering;
}

interface Watcher {
  readonly client: RawClient;
  readonly group: string;
}

class RingCluster {
  readonly ring = new MemoryRing({ segment: SEGMENT, clock: 'real', latencyMs: 0 });
  readonly nodes = new Map<string, Node>();
  readonly #clients: RawClient[] = [];

  async start(name: string): Promise<void> {
    const ordering = new RingOrdering({ daemonName: name, segmentDaemons: SEGMENT, procIdOf, nowMs: Date.now, port: this.ring.start(name) });
    const daemon = await startDaemon({ name, virtualId: procIdOf(name), listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] }, { ordering });
    this.nodes.set(name, { daemon, ordering });
  }

  node(name: string): Node {
    return this.nodes.get(name) as Node;
  }

  async settled(configurations: readonly (readonly string[])[]): Promise<void> {
    const settled = (): boolean =>
      configurations.every((daemons) => daemons.every((name) => {
        const ordering = this.node(name).ordering;
        return !ordering.exchanging && ordering.members.join() === daemons.join();
      }));
    await waitFor(settled, `configurations ${JSON.stringify(configurations)}`, 20_000);
  }

  async connect(daemon: string, user: string): Promise<Watcher> {
    const address = this.node(daemon).daemon.addresses[0]!;
    const client = await RawClient.open(address);
    this.#clients.push(client);
    return { client, group: await client.handshake(user) };
  }

  /** The daemon dies: its ring node stops, and its sessions close with it. */
  async crash(name: string): Promise<void> {
    this.ring.crash(name);
    await this.node(name).daemon.close();
    this.nodes.delete(name);
  }

  async close(): Promise<void> {
    this.ring.stop();
    for (const client of this.#clients) client.destroy();
    await Promise.all([...this.nodes.values()].map((node) => node.daemon.close()));
  }
}

let cluster: RingCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function startCluster(): Promise<RingCluster> {
  const started = new RingCluster();
  for (const name of SEGMENT) await started.start(name);
  await started.settled([SEGMENT]);
  return started;
}

/** w1 on d1, w3 on d3, w2 on d2 join `group` in that order, as in the captures; each reads every join. */
async function joinCaptured(group: string, order: readonly ('d1' | 'd2' | 'd3')[]): Promise<Watcher[]> {
  const ring = cluster as RingCluster;
  const watchers: Watcher[] = [];
  for (const daemon of order) {
    const watcher = await ring.connect(daemon, `w${daemon.slice(1)}`);
    watcher.client.join(watcher.group, group);
    watchers.push(watcher);
    for (const member of watchers) await member.client.readMessageWhere((m) => m.groups.includes(watcher.group));
  }
  return watchers;
}

describe('ring ordering - real daemons, real time', () => {
  it('ring ordering daemons - joins across daemons, one message order, then d3 crashes: TRANSITION and REG as captured', async () => {
    cluster = await startCluster();
    const [w1, w3, w2] = await joinCaptured('kg', ['d1', 'd3', 'd2']);
    const timeSecs = cluster.node('d1').ordering.view.timeSecs;
    expect(cluster.node('d3').ordering.view).toEqual(cluster.node('d1').ordering.view);
    // The third join was read above; its bytes are checked through the group table and a fresh join below.
    expect(cluster.node('d2').daemon.delivery.groups.get('kg')).toMatchObject({ procId: PROC_IDS.d1, timeSecs, index: 3 });

    const senders = [w1!, w2!, w3!];
    for (let i = 0; i < 20; i++) for (const sender of senders) sender.client.send(sender.group, i % 5 === 0 ? ServiceType.SAFE : ServiceType.AGREED, ['kg'], `${sender.group} ${i}`);
    const sequences: string[][] = [];
    for (const receiver of senders) {
      const seen: string[] = [];
      while (seen.length < 60) seen.push((await receiver.client.readMessage()).data.toString('latin1'));
      sequences.push(seen);
    }
    expect(sequences[1]).toEqual(sequences[0]);
    expect(sequences[2]).toEqual(sequences[0]);

    await cluster.crash('d3');
    await cluster.settled([['d1', 'd2']]);
    const crashTimeSecs = cluster.node('d1').ordering.view.timeSecs;
    for (const watcher of [w1!, w2!]) {
      expect(await watcher.client.readFrame()).toEqual(crashTransition(timeSecs));
      expect(await watcher.client.readFrame()).toEqual(crashNetwork(crashTimeSecs));
    }
  });

  it('ring ordering daemons - the third join reaches all three members with the same bytes, as captured', async () => {
    cluster = await startCluster();
    const ring = cluster;
    const watchers: Watcher[] = [];
    for (const daemon of ['d1', 'd3'] as const) {
      const watcher = await ring.connect(daemon, `w${daemon.slice(1)}`);
      watcher.client.join(watcher.group, 'kg');
      watchers.push(watcher);
      for (const member of watchers) await member.client.readMessageWhere((m) => m.groups.includes(watcher.group));
    }
    const w2 = await ring.connect('d2', 'w2');
    w2.client.join(w2.group, 'kg');
    const expected = crashThirdJoin(ring.node('d1').ordering.view.timeSecs);
    for (const member of [...watchers, w2]) expect(await member.client.readFrame()).toEqual(expected);
  });

  it('ring ordering daemons - partition {d1, d2} | {d3} then heal: the merge REG has two vs_sets and no TRANSITION', async () => {
    cluster = await startCluster();
    const [w1, w2, w3] = await joinCaptured('pg', ['d1', 'd2', 'd3']);
    const timeSecs = cluster.node('d1').ordering.view.timeSecs;

    cluster.ring.partition(['d1', 'd2'], ['d3']);
    await cluster.settled([['d1', 'd2'], ['d3']]);
    const sideTimeSecs = cluster.node('d1').ordering.view.timeSecs;
    for (const watcher of [w1!, w2!]) {
      expect(await watcher.client.readFrame()).toEqual(partitionTransition(timeSecs));
      expect(await watcher.client.readFrame()).toEqual(partitionNetwork(sideTimeSecs));
    }
    expect(decodeMessage(await w3!.client.readFrame(), true).header.type).toBe(ServiceType.TRANSITION);
    const alone = decodeMessage(await w3!.client.readFrame(), true);
    expect(decodeMembershipBody(alone.data).vsSets).toEqual([['#w3#d3']]);

    cluster.ring.heal();
    await cluster.settled([SEGMENT]);
    const mergeTimeSecs = cluster.node('d1').ordering.view.timeSecs;
    expect(await w1!.client.readFrame()).toEqual(mergeNetwork(mergeTimeSecs, 36));
    expect(await w2!.client.readFrame()).toEqual(mergeNetwork(mergeTimeSecs, 36));
    expect(await w3!.client.readFrame()).toEqual(mergeNetwork(mergeTimeSecs, 0));
  });
});
