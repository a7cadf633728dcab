/**
 * Backpressure: when the engine answers a push with `paused`, the input stops reading every
 * Spread session (its senders' writes back up in the kernel) until whenWritable() resolves;
 * then every line sent meanwhile arrives, in order. Lines the engine drops are its to count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type SpreadSession } from '@ringlog/client';
import { type Running, startSpreadInput, waitFor } from './support/spread-input-harness.ts';

let running: Running | null = null;
const sessions: SpreadSession[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await running?.input.close();
  running = null;
});

async function sender(name: string): Promise<SpreadSession> {
  const session = await connect({ endpoint: (running as Running).endpoint, name });
  sessions.push(session);
  return session;
}

/** Lets the event loop run for a while: long enough for bytes on loopback to arrive if read. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('spread input - backpressure', () => {
  it('backpressure - a paused push stops reading all sessions, new ones included, until writable', async () => {
    running = await startSpreadInput();
    const { ingest, input } = running;
    const alice = await sender('alice');
    const bob = await sender('bob');
    ingest.setPaused(true);

    alice.multicastNow({ service: 'AGREED', groups: 'www', data: 'a0\n' });
    await waitFor(() => input.readingPaused, 'the input to pause');
    expect(ingest.of('www')).toEqual(['a0']);

    alice.multicastNow({ service: 'AGREED', groups: 'www', data: 'a1\na2\n' });
    bob.multicastNow({ service: 'AGREED', groups: 'www', data: 'b0\n' });
    const carol = await sender('carol');
    carol.multicastNow({ service: 'AGREED', groups: 'www', data: 'c0\n' });
    await settle();
    // Not a timing assertion: while paused nothing more may be read, however long we wait.
    expect(ingest.of('www')).toEqual(['a0']);
    expect(input.readingPaused).toBe(true);

    ingest.setPaused(false);
    await waitFor(() => ingest.total === 5, 'the lines sent while paused');
    expect(input.readingPaused).toBe(false);
    const lines = ingest.of('www');
    expect(lines.filter((line) => line.startsWith('a'))).toEqual(['a0', 'a1', 'a2']);
    expect(lines.slice(1).sort()).toEqual(['a1', 'a2', 'b0', 'c0']);
  });

  it('backpressure - a sender blocked by a long pause gets its socket buffers back in order', async () => {
    running = await startSpreadInput();
    const { ingest } = running;
    const alice = await sender('alice');
    ingest.setPaused(true);
    alice.multicastNow({ service: 'FIFO', groups: 'www', data: 'first\n' });
    await waitFor(() => running?.input.readingPaused === true, 'the input to pause');

    // Far more than loopback socket buffers hold: the sender's writes must back up.
    const line = 'x'.repeat(1_000);
    const count = 4_000;
    let refused = false;
    for (let i = 0; i < count; i++) if (!alice.multicastNow({ service: 'FIFO', groups: 'www', data: `${i} ${line}\n` })) refused = true;
    await settle();
    expect(refused).toBe(true);
    expect(ingest.total).toBe(1);

    ingest.setPaused(false);
    await waitFor(() => ingest.total === count + 1, 'every line', 20_000);
    const numbers = ingest.of('www').slice(1).map((text) => Number(text.split(' ')[0]));
    expect(numbers).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('backpressure - close() while paused still ends every session promptly', async () => {
    running = await startSpreadInput();
    const { ingest, input } = running;
    const clients = await Promise.all(['a', 'b', 'c'].map((name) => sender(name)));
    ingest.setPaused(true);
    clients[0]?.multicastNow({ service: 'SAFE', groups: 'www', data: 'one\n' });
    await waitFor(() => input.readingPaused, 'the input to pause');
    await input.close();
    await Promise.all(clients.map((client) => client.closed()));
    expect(input.handle.stats.connections).toBe(0);
  });

  it('backpressure - lines the engine drops are counted by it, and reading goes on', async () => {
    running = await startSpreadInput();
    const { ingest, input } = running;
    const alice = await sender('alice');
    ingest.dropAll = true;
    alice.multicastNow({ service: 'RELIABLE', groups: ['www', 'api'], data: 'one\ntwo\n' });
    await waitFor(() => input.handle.stats.drops.spool_full === 4, 'the drops');
    ingest.dropAll = false;
    alice.multicastNow({ service: 'RELIABLE', groups: 'www', data: 'three\n' });
    await waitFor(() => ingest.total === 1, 'the next line');
    expect(ingest.of('www')).toEqual(['three']);
    expect(input.readingPaused).toBe(false);
  });
});
