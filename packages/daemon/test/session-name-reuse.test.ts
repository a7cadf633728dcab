/**
 * A private name is taken until the session's disconnect has been delivered. With an ordering
 * layer that delivers later (a ring), a client reconnecting at once under the same name would
 * otherwise have its join ignored as a repeat and then be removed by the old disconnect.
 * Regression test for "session name freed before its disconnect is delivered".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHello, ResultCode, ServiceType } from '@ringlog/wire';
import { type Connected, Harness, isMembership, waitFor } from './support/harness.ts';
import { DelayedOrdering, HeldOrdering } from './support/test-orderings.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const NOT_UNIQUE = Buffer.from([ResultCode.REJECT_NOT_UNIQUE & 0xff]);

/** One handshake attempt for `name`: the session, or null when the daemon refused the name. */
async function tryConnect(h: Harness, name: string): Promise<Connected | null> {
  const client = await h.open();
  client.write(encodeHello({ name, membership: true }));
  const first = await client.read(1);
  if (first.equals(NOT_UNIQUE)) {
    await client.closed();
    return null;
  }
  await client.read(5);
  client.write(Buffer.concat([Buffer.from('NULL'), Buffer.alloc(86)]));
  return { client, group: await client.readAccept() };
}

describe('session name reuse', () => {
  it('session name reuse - the name stays taken until the disconnect is delivered, then a new session joins cleanly', async () => {
    const layer = new HeldOrdering();
    harness = await Harness.start({}, { ordering: layer });
    const watcher = await harness.connect('watch');
    watcher.client.join(watcher.group, 'g');
    const old = await harness.connect('a');
    old.client.join(old.group, 'g');
    await waitFor(() => layer.held.length === 2, 'both joins to reach the layer');
    layer.release();
    await watcher.client.readMessageWhere((m) => isMembership(m) && m.groups.length === 2);

    old.client.destroy();
    await waitFor(() => layer.held.length === 1, 'the disconnect to reach the layer');
    expect(await tryConnect(harness, 'a')).toBeNull();
    expect(harness.daemon.counters.sessionsRejected).toEqual({ not_unique: 1 });
    expect(harness.daemon.sessionCount).toBe(1);

    layer.release();
    const gone = await watcher.client.readMessage();
    expect(gone.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
    const again = (await tryConnect(harness, 'a')) as Connected;
    expect(again.group).toBe('#a#localhost');
    again.client.join(again.group, 'g');
    await waitFor(() => layer.held.length === 1, 'the new join to reach the layer');
    layer.release();
    const joined = await again.client.readMessage();
    expect(joined.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN);
    expect(joined.groups).toEqual(['#a#localhost', '#watch#localhost']);
  });

  it('session name reuse - a client reconnecting at once never receives what was ordered for its previous session', async () => {
    // The layer keeps submission order but delivers late: what was ordered before the
    // disconnect is still in flight when the client is back under the same name.
    const layer = new DelayedOrdering(30, 'fifo');
    harness = await Harness.start({}, { ordering: layer });
    const watcher = await harness.member('watch', 'g');
    let session = await harness.member('a', 'g');
    await watcher.client.readMessageWhere(isMembership);
    for (let round = 0; round < 5; round++) {
      watcher.client.send(watcher.group, ServiceType.AGREED, ['g'], `for the old session ${round}`);
      await waitFor(() => harness!.daemon.counters.messagesReceived > 2 * round + 2, 'the message to reach the daemon');
      session.client.destroy();
      let next: Connected | null = null;
      while (next === null) next = await tryConnect(harness, 'a');
      next.client.join(next.group, 'g');
      const first = await next.client.readMessage();
      expect(first.header.type, `round ${round}: the first frame of the new session`).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN);
      expect(first.groups).toEqual(['#a#localhost', '#watch#localhost']);
      session = next;
    }
    expect(harness.daemon.delivery.groups.get('g')?.members.map((m) => m.privateGroup)).toEqual(['#a#localhost', '#watch#localhost']);
  });

  it('session name reuse - a name waiting for its disconnect does not count against max_sessions', async () => {
    const layer = new HeldOrdering();
    harness = await Harness.start({ maxSessions: 1 }, { ordering: layer });
    const first = await harness.connect('a');
    first.client.destroy();
    await waitFor(() => layer.held.length === 1, 'the disconnect to reach the layer');
    const other = await tryConnect(harness, 'b');
    expect(other?.group).toBe('#b#localhost');
  });
});
