/**
 * The seam between sessions and the ordering layer (ordering.ts): the daemon applies what
 * the layer delivers, in the layer's order and when the layer delivers it, never in the
 * order sessions submitted. Group state changes only on delivery.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderedRequest } from '@ringlog/daemon';
import { type Message, ServiceType } from '@ringlog/wire';
import { type Connected, Harness, isMembership, membershipOf, waitFor } from './support/harness.ts';
import { DelayedOrdering, HeldOrdering } from './support/test-orderings.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const text = (message: Message): string => message.data.toString('latin1');
const isData = (text: string) => (request: OrderedRequest): boolean =>
  request.kind === 'multicast' && request.frame.subarray(request.frame.length - text.length).toString('latin1') === text;

async function joinReleased(layer: HeldOrdering, connected: Connected, group: string): Promise<Message> {
  connected.client.join(connected.group, group);
  await waitFor(() => layer.held.length > 0, 'the join to reach the layer');
  layer.release();
  return connected.client.readMessageWhere(isMembership);
}

describe('ordering seam', () => {
  it("ordering seam - the daemon delivers in the layer's order, not in submission order", async () => {
    const layer = new HeldOrdering();
    harness = await Harness.start({}, { ordering: layer });
    const receiver = await harness.connect('recv');
    const joined = await joinReleased(layer, receiver, 'g');
    expect(membershipOf(joined).groupId).toEqual({ procId: 77, time: 1234, index: 1 });
    expect(harness.daemon.daemonIndex).toBe(1);

    const sender = await harness.connect('send');
    for (let i = 0; i < 5; i++) sender.client.send(sender.group, ServiceType.AGREED, ['g'], `m${i}`);
    await waitFor(() => layer.held.length === 5, 'five messages to reach the layer');
    layer.release(() => true, 'reversed');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push(text(await receiver.client.readMessage()));
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('ordering seam - a join whose delivery is held back does not yet receive messages', async () => {
    const layer = new HeldOrdering();
    harness = await Harness.start({}, { ordering: layer });
    const member = await harness.connect('b');
    await joinReleased(layer, member, 'g');
    const late = await harness.connect('c');
    const sender = await harness.connect('a');

    late.client.join(late.group, 'g');
    await waitFor(() => layer.held.length === 1, 'the join to reach the layer');
    sender.client.send(sender.group, ServiceType.AGREED, ['g'], 'before');
    await waitFor(() => layer.held.length === 2, 'the message to reach the layer');
    expect(harness.daemon.delivery.groups.get('g')?.members.map((m) => m.privateGroup)).toEqual([member.group]);

    layer.release(isData('before'));
    expect(text(await member.client.readMessage())).toBe('before');
    layer.release();
    const joined = await late.client.readMessage();
    expect(joined.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN);
    expect(joined.groups).toEqual([member.group, late.group]);
    expect(membershipOf(joined).groupId.index).toBe(2);
    expect(await member.client.readMessage()).toEqual(joined);

    sender.client.send(sender.group, ServiceType.AGREED, ['g'], 'after');
    await waitFor(() => layer.held.length === 1, 'the message to reach the layer');
    layer.release();
    expect(text(await late.client.readMessage())).toBe('after');
    expect(text(await member.client.readMessage())).toBe('after');
  });

  it('ordering seam - a held disconnect keeps the member listed; messages delivered meanwhile skip the gone session', async () => {
    const layer = new HeldOrdering();
    harness = await Harness.start({}, { ordering: layer });
    const member = await harness.connect('b');
    await joinReleased(layer, member, 'g');
    const leaving = await harness.connect('c');
    await joinReleased(layer, leaving, 'g');
    await member.client.readMessage();

    leaving.client.destroy();
    await waitFor(() => layer.held.length === 1, 'the disconnect to reach the layer');
    expect(layer.held[0]).toEqual({ kind: 'disconnect', member: leaving.group });
    expect(harness.daemon.delivery.groups.get('g')?.members).toHaveLength(2);

    member.client.send(member.group, ServiceType.AGREED, ['g', leaving.group], 'meanwhile');
    await waitFor(() => layer.held.length === 2, 'the message to reach the layer');
    layer.release(isData('meanwhile'));
    expect(text(await member.client.readMessage())).toBe('meanwhile');
    layer.release();
    const gone = await member.client.readMessage();
    expect(gone.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
    expect(gone.groups).toEqual([member.group]);
  });

  it('ordering seam - a layer delivering later on its own timers, in scrambled order, is followed exactly', async () => {
    const layer = new DelayedOrdering();
    harness = await Harness.start({}, { ordering: layer });
    const receivers = [await harness.connect('r1'), await harness.connect('r2')];
    for (const receiver of receivers) {
      receiver.client.join(receiver.group, 'g');
      await receiver.client.readMessageWhere((m) => isMembership(m) && m.groups.includes(receiver.group));
    }
    const senders = [await harness.connect('s1'), await harness.connect('s2')];
    for (let i = 0; i < 50; i++) {
      for (const sender of senders) sender.client.send(sender.group, ServiceType.AGREED, ['g'], `${sender.group} ${i}`);
    }
    const sequences: string[][] = [];
    for (const receiver of receivers) {
      const seen: string[] = [];
      while (seen.length < 100) {
        const message = await receiver.client.readMessage();
        if (!isMembership(message)) seen.push(text(message));
      }
      sequences.push(seen);
    }
    const layerOrder = layer.delivered.filter((r) => r.kind === 'multicast').map((r) => (r.kind === 'multicast' ? r.frame.subarray(80).toString('latin1') : ''));
    expect(sequences[0]).toEqual(layerOrder);
    expect(sequences[1]).toEqual(layerOrder);
    const submitted = senders.flatMap((s) => Array.from({ length: 50 }, (_, i) => `${s.group} ${i}`));
    expect([...layerOrder].sort()).toEqual(submitted.sort());
  });
});
