/**
 * One daemon holding 5,000 concurrent sessions, half over TCP and half over the unix socket
 * (each costs this test process two file descriptors). Connections open in batches so the
 * listen backlogs never overflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAuthChoice, encodeHello, ServiceType } from '@ringlog/wire';
import { type Connected, Harness, isMembership, waitFor } from './support/harness.ts';

const SESSIONS = 5_000;
const BATCH = 250;
const SAMPLE_EVERY = 100;

let harness: Harness;

beforeAll(async () => {
  harness = await Harness.start({ handshakeTimeoutMs: 10_000 });
});
afterAll(async () => harness.close());

async function openSession(index: number): Promise<Connected> {
  const client = await harness.open(index % 2 === 0 ? 'tcp' : 'unix');
  client.write(Buffer.concat([encodeHello({ name: `m${index}`, membership: true }), encodeAuthChoice(['NULL'])]));
  await client.read(6);
  return { client, group: await client.readAccept() };
}

async function openAll(): Promise<Connected[]> {
  const sessions: Connected[] = [];
  for (let start = 0; start < SESSIONS; start += BATCH) {
    sessions.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, SESSIONS - start) }, (_, i) => openSession(start + i)))));
  }
  return sessions;
}

/** Every SAMPLE_EVERY-th session joins 'crowd'; the last one speaks; a TCP session writes to a unix one. */
async function exchange(sessions: readonly Connected[]): Promise<void> {
  const sample = sessions.filter((_, i) => i % SAMPLE_EVERY === 0);
  for (const [n, member] of sample.entries()) {
    member.client.join(member.group, 'crowd');
    const joined = await member.client.readMessageWhere(isMembership);
    expect(joined.groups).toHaveLength(n + 1);
  }
  const speaker = sample[sample.length - 1]!;
  speaker.client.send(speaker.group, ServiceType.AGREED, ['crowd'], 'hello crowd');
  for (const member of sample) {
    const message = await member.client.readMessageWhere((m) => !isMembership(m));
    expect(message.data.toString()).toBe('hello crowd');
  }
  const [first, last] = [sessions[0]!, sessions[SESSIONS - 1]!];
  first.client.send(first.group, ServiceType.FIFO, [last.group], 'tcp to unix');
  expect((await last.client.readMessage()).data.toString()).toBe('tcp to unix');
}

describe('many sessions', () => {
  it('many sessions - 5000 concurrent TCP and unix sessions handshake, are counted, talk, and all end', async () => {
    const sessions = await openAll();
    expect(new Set(sessions.map((s) => s.group)).size).toBe(SESSIONS);
    expect(harness.daemon.sessionCount).toBe(SESSIONS);
    expect(harness.daemon.connectionCount).toBe(SESSIONS);
    expect(harness.daemon.counters.sessionsAccepted).toBe(SESSIONS);

    await exchange(sessions);

    for (const session of sessions) session.client.destroy();
    await waitFor(() => harness.daemon.sessionCount === 0, 'every session to end', 20_000);
    expect(harness.daemon.connectionCount).toBe(0);
    expect(harness.daemon.delivery.groups.size).toBe(0);
    expect(harness.daemon.counters.sessionsEnded).toEqual({ client_closed: SESSIONS });
  });
});
