/**
 * Many senders on one input, as on a web node running thousands of mod_log_spread writers:
 * 1,200 real Spread sessions connected at once (half of them with membership, a few joined),
 * each multicasting several lines; every line arrives, in each sender's order.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type SpreadSession } from '@ringlog/client';
import { type Running, startSpreadInput, waitFor } from './support/spread-input-harness.ts';

const SENDERS = 1_200;
const LINES_PER_SENDER = 5;
/** Connections opened together, so the listen backlog never overflows on a shared CI box. */
const CONNECT_BATCH = 200;

let running: Running | null = null;
const sessions: SpreadSession[] = [];

afterAll(async () => {
  for (const session of sessions) session.destroy();
  await running?.input.close();
});

async function connectAll(endpoint: string): Promise<SpreadSession[]> {
  for (let start = 0; start < SENDERS; start += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, SENDERS - start) }, (_, i) =>
      connect({ endpoint, name: `w${start + i}`, membership: (start + i) % 2 === 0, connectTimeoutMs: 10_000 }),
    );
    sessions.push(...(await Promise.all(batch)));
  }
  return sessions;
}

/** Each sender's lines in the order they were pushed to `group`. */
function bySender(lines: readonly string[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const line of lines) {
    const [name, sequence] = line.split(' ') as [string, string];
    let list = result.get(name);
    if (list === undefined) result.set(name, (list = []));
    list.push(Number(sequence));
  }
  return result;
}

describe('spread input - many senders', () => {
  it(`many senders - ${SENDERS} concurrent sessions each multicasting ${LINES_PER_SENDER} lines, in per-sender order`, async () => {
    running = await startSpreadInput({ max_connections: SENDERS + 10 }, { handshakeTimeoutMs: 20_000 });
    const { ingest, input } = running;
    const all = await connectAll(running.endpoint);
    expect(input.handle.stats.connections).toBe(SENDERS);
    for (const session of all.filter((_, i) => i % 100 === 0)) session.join('www');

    // Interleave senders: line k of everyone, then line k + 1, so per-sender order is tested
    // against many other writers' lines in between. Even senders go to www, odd to api.
    for (let k = 0; k < LINES_PER_SENDER; k++) {
      for (const [i, session] of all.entries()) {
        session.multicastNow({ service: k % 2 === 0 ? 'RELIABLE' : 'AGREED', groups: i % 2 === 0 ? 'www' : 'api', data: `w${i} ${k}\n` });
      }
    }
    await waitFor(() => ingest.total === SENDERS * LINES_PER_SENDER, 'every line', 30_000);

    for (const group of ['www', 'api']) {
      const senders = bySender(ingest.of(group));
      expect(senders.size).toBe(SENDERS / 2);
      for (const sequence of senders.values()) expect(sequence).toEqual([0, 1, 2, 3, 4]);
    }
    expect(input.handle.stats.lines).toBe(SENDERS * LINES_PER_SENDER);
    expect(input.handle.stats.errors.bad_frame).toBe(0);

    for (const session of all) session.destroy();
    await waitFor(() => input.handle.stats.connections === 0, 'every session to end', 20_000);
    expect(input.handle.stats.connectionsTotal).toBe(SENDERS);
    expect(input.handle.stats.errors.bad_frame).toBe(0);
  });
});
