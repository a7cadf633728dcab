/**
 * Test vectors from the real Spread 5.0.1 daemon (shared/spec/spread-5.0.1-captures.txt):
 * captured client bytes are replayed as raw bytes against the input, and what the input
 * answers is compared with what Spread answered, byte for byte. The daemon id and ring time
 * are pinned to the capture's group id {482711334, 1795305806}.
 *
 * The one intended difference: Spread delivers a multicast back to local members (the sender
 * included, without SELF_DISCARD); the input forwards it upstream as lines instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type SpreadEvent, type SpreadSession } from '@ringlog/client';
import { captureRecords, type CaptureRecord, RawPeer, type Running, startSpreadInput, waitFor } from './support/spread-input-harness.ts';

const PINNED = { virtualId: 482711334, nowMs: () => 1795305806_000 };

let running: Running | null = null;
const sessions: SpreadSession[] = [];
const peers: RawPeer[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  for (const peer of peers.splice(0)) peer.destroy();
  await running?.input.close();
  running = null;
});

async function start(): Promise<Running> {
  running = await startSpreadInput({}, PINNED);
  return running;
}

async function rawPeer(): Promise<RawPeer> {
  const peer = await RawPeer.open((running as Running).address);
  peers.push(peer);
  return peer;
}

/** A member of `group` through the real client, as bob was during the capture. */
async function member(name: string, group: string): Promise<SpreadEvent[]> {
  const session = await connect({ endpoint: (running as Running).endpoint, name });
  sessions.push(session);
  const events: SpreadEvent[] = [];
  session.onEvent((event) => events.push(event));
  session.join(group);
  await waitFor(() => events.length === 1, `${name} to join ${group}`);
  return events;
}

function pick(records: readonly CaptureRecord[], direction: CaptureRecord['direction'], summary: string): Buffer {
  const record = records.find((r) => r.direction === direction && r.summary.includes(summary));
  if (record === undefined) throw new Error(`no ${direction} record with "${summary}" in the capture`);
  return record.bytes;
}

describe('spread input - Spread 5.0.1 captures', () => {
  it('captures - spuser alice (conn 1): same handshake, join and leave bytes; her SAFE line is shipped, not echoed', async () => {
    const { ingest, input } = await start();
    const bob = await member('bob', 'demo');
    const conn1 = captureRecords(1);
    const alice = await rawPeer();

    alice.write(pick(conn1, 'C->D', 'CONNECT'));
    const authList = pick(conn1, 'D->C', 'AUTH LIST');
    expect(await alice.read(authList.length)).toEqual(authList);
    alice.write(pick(conn1, 'C->D', 'AUTH CHOICE'));
    const accept = pick(conn1, 'D->C', 'ACCEPT_SESSION');
    expect(await alice.read(accept.length)).toEqual(accept);
    alice.write(pick(conn1, 'C->D', 'JOIN_MESS'));
    const joined = pick(conn1, 'D->C', 'CAUSED_BY_JOIN');
    expect(await alice.read(joined.length)).toEqual(joined);

    alice.write(pick(conn1, 'C->D', '[SAFE'));
    await waitFor(() => ingest.total === 1, 'alice\'s line');
    expect(ingest.of('demo')).toEqual(['hello from alice']);

    // The next bytes alice gets are her self-leave: no echo of her SAFE came before them.
    alice.write(pick(conn1, 'C->D', 'LEAVE_MESS'));
    const selfLeave = pick(conn1, 'D->C', 'CAUSED_BY_LEAVE');
    expect(await alice.read(selfLeave.length)).toEqual(selfLeave);
    alice.write(pick(conn1, 'C->D', 'KILL_MESS'));
    await alice.whenClosed();

    expect(bob.map((e) => e.type)).toEqual(['membership', 'membership', 'membership']);
    expect(bob.some((e) => e.type === 'message')).toBe(false);
    await waitFor(() => input.handle.stats.connections === 1, 'alice to be gone');
    expect(input.handle.stats.errors.bad_frame).toBe(0);
  });

  it('captures - rawspread rawa (conn 5): multi-group SELF_DISCARD, point-to-point and UNRELIABLE sends', async () => {
    const { ingest, input } = await start();
    await member('rawb', 'demo');
    const conn5 = captureRecords(5);
    const rawa = await rawPeer();

    rawa.write(Buffer.concat([pick(conn5, 'C->D', 'CONNECT'), pick(conn5, 'C->D', 'AUTH CHOICE')]));
    const authList = pick(conn5, 'D->C', 'AUTH LIST');
    const accept = pick(conn5, 'D->C', 'ACCEPT_SESSION');
    expect(await rawa.read(authList.length + accept.length)).toEqual(Buffer.concat([authList, accept]));
    rawa.write(pick(conn5, 'C->D', 'JOIN_MESS'));
    const joined = pick(conn5, 'D->C', 'CAUSED_BY_JOIN');
    expect(await rawa.read(joined.length)).toEqual(joined);

    // As captured: the point-to-point FIFO and the UNRELIABLE arrived in one 189-byte read.
    rawa.write(pick(conn5, 'C->D', 'AGREED|SELF_DISCARD'));
    rawa.write(Buffer.concat([pick(conn5, 'C->D', '[FIFO'), pick(conn5, 'C->D', '[UNRELIABLE')]));
    await waitFor(() => ingest.total === 3, 'three lines');
    expect(ingest.of('demo')).toEqual(['multigroup self-discard', 'unreliable to demo']);
    expect(ingest.of('other')).toEqual(['multigroup self-discard']);
    expect([...ingest.lines.keys()].sort()).toEqual(['demo', 'other']);

    rawa.write(pick(conn5, 'C->D', 'KILL_MESS'));
    await rawa.whenClosed();
    await waitFor(() => input.handle.stats.connections === 1, 'rawa to be gone');
    expect(input.handle.stats.errors.bad_frame).toBe(0);
  });

  it('captures - old libraries (section 2): 3.14 without auth phase ships, 3.00 is refused and counted', async () => {
    const { ingest, input } = await start();
    const old = await rawPeer();
    old.write(Buffer.from('030e01027632', 'hex'));
    const accept = Buffer.from('0105000d237632236c6f63616c686f7374', 'hex');
    expect(await old.read(accept.length)).toEqual(accept);
    const conn1 = captureRecords(1);
    // alice's captured SAFE frame, re-addressed from #alice#localhost to #v2#localhost.
    const safe = Buffer.from(pick(conn1, 'C->D', '[SAFE'));
    safe.fill(0, 4, 36);
    safe.write('#v2#localhost', 4, 'latin1');
    old.write(safe);
    await waitFor(() => ingest.total === 1, 'the old library\'s line');
    expect(ingest.of('demo')).toEqual(['hello from alice']);

    const ancient = await rawPeer();
    ancient.write(Buffer.from('030001027631', 'hex'));
    expect(await ancient.read(1)).toEqual(Buffer.from('f9', 'hex'));
    await ancient.whenClosed();
    expect(input.handle.stats.errors.bad_frame).toBe(1);
  });
});
