/**
 * The spread input against real Spread clients (packages/client) on real sockets: sessions
 * behave as with a lone Spread daemon, and every multicast becomes lines pushed to the
 * sender's groups (or the rewrite group), in each sender's order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, SPREAD_SERVICES, type SpreadEvent, type SpreadSession } from '@ringlog/client';
import { RouteRecordingIngest, type Running, silentContext, spreadConfig, startSpreadInput, waitFor } from './support/spread-input-harness.ts';
import { createSpreadInput } from '../src/inputs/spread-input.ts';

let running: Running | null = null;
const sessions: SpreadSession[] = [];

async function start(overrides: Parameters<typeof startSpreadInput>[0] = {}): Promise<Running> {
  running = await startSpreadInput(overrides);
  return running;
}

async function sender(name: string, membership = true): Promise<{ session: SpreadSession; events: SpreadEvent[] }> {
  const session = await connect({ endpoint: (running as Running).endpoint, name, membership });
  sessions.push(session);
  const events: SpreadEvent[] = [];
  session.onEvent((event) => events.push(event));
  return { session, events };
}

/** A join's own membership notice comes after everything the daemon sent this session before. */
async function barrier(client: { session: SpreadSession; events: SpreadEvent[] }, group: string): Promise<void> {
  client.session.join(group);
  await waitFor(() => client.events.some((e) => e.type === 'membership' && e.group === group), `membership of ${group}`);
}

afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await running?.input.close();
  running = null;
});

describe('spread input - sessions', () => {
  it('sessions - connect, join, leave and membership notices as a lone Spread daemon gives them', async () => {
    const { input } = await start();
    const alice = await sender('alice');
    expect(alice.session.privateGroup).toBe('#alice#localhost');
    alice.session.join('www');
    await waitFor(() => alice.events.length === 1, 'alice join notice');
    expect(alice.events[0]).toMatchObject({ type: 'membership', group: 'www', cause: 'join', members: ['#alice#localhost'] });

    const bob = await sender('bob');
    bob.session.join('www');
    await waitFor(() => alice.events.length === 2 && bob.events.length === 1, 'bob join notices');
    expect(alice.events[1]).toMatchObject({ type: 'membership', cause: 'join', changedMember: '#bob#localhost', members: ['#alice#localhost', '#bob#localhost'] });

    bob.session.leave('www');
    await waitFor(() => alice.events.length === 3 && bob.events.length === 2, 'leave notices');
    expect(bob.events[1]).toMatchObject({ type: 'self-leave', group: 'www' });
    expect(alice.events[2]).toMatchObject({ type: 'membership', cause: 'leave', changedMember: '#bob#localhost' });
    expect(input.handle.stats.connections).toBe(2);
    expect(input.handle.stats.connectionsTotal).toBe(2);

    await bob.session.disconnect();
    await waitFor(() => input.handle.stats.connections === 1, 'bob to be gone');
    expect(input.handle.stats.errors).toMatchObject({ bad_frame: 0, too_many_connections: 0 });
  });

  it('sessions - multicasts of every service type reach the sender\'s group in order, and are not echoed', async () => {
    const { ingest, input } = await start();
    const alice = await sender('alice');
    alice.session.join('www');
    const expected: string[] = [];
    for (const [index, service] of SPREAD_SERVICES.entries()) {
      for (const selfDiscard of [false, true]) {
        const line = `GET /${service.toLowerCase()}/${selfDiscard ? 'discard' : 'echo'} ${index}`;
        alice.session.multicastNow({ service, groups: 'www', data: `${line}\n`, selfDiscard });
        expected.push(line);
      }
    }
    await waitFor(() => ingest.total === expected.length, 'every line');
    expect(ingest.of('www')).toEqual(expected);
    expect(input.handle.stats.lines).toBe(expected.length);
    // Anything delivered back would have arrived before this join's own notice.
    await barrier(alice, 'sync');
    expect(alice.events.filter((e) => e.type === 'message')).toEqual([]);
  });

  it('sessions - a sender without membership that never joins still ships (mod_log_spread)', async () => {
    const { ingest } = await start();
    const apache = await sender('', false);
    expect(apache.session.privateGroup).toMatch(/^#r\d+-\d+#localhost$/);
    apache.session.multicastNow({ service: 'RELIABLE', groups: 'weblogs', data: 'example.com 10.0.0.1 - - "GET / HTTP/1.1" 200 512\n' });
    await waitFor(() => ingest.total === 1, 'the line');
    expect(ingest.of('weblogs')).toEqual(['example.com 10.0.0.1 - - "GET / HTTP/1.1" 200 512']);
  });
});

describe('spread input - bodies', () => {
  it('bodies - several lines, CRLF, no trailing newline and empty lines become clean lines', async () => {
    const { ingest } = await start();
    const { session } = await sender('alice');
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'one\ntwo\nthree\n' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'crlf\r\nlast without newline' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: '\n\n\nafter blanks\n\n' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: '' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'end\n' });
    await waitFor(() => ingest.of('www').includes('end'), 'the last line');
    expect(ingest.of('www')).toEqual(['one', 'two', 'three', 'crlf', 'last without newline', 'after blanks', 'end']);
  });

  it('bodies - binary and invalid UTF-8 bytes are kept byte for byte', async () => {
    const { ingest } = await start();
    const { session } = await sender('alice');
    const binary = Buffer.from([0x00, 0x01, 0xc3, 0x28, 0xff, 0xfe, 0x80, 0x7f, 0x0d, 0x20, 0xe2, 0x82]);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, b) => b).filter((b) => b !== 0x0a));
    session.multicastNow({ service: 'FIFO', groups: 'bin', data: Buffer.concat([binary, Buffer.from('\n')]) });
    session.multicastNow({ service: 'FIFO', groups: 'bin', data: everyByte });
    await waitFor(() => ingest.total === 2, 'both lines');
    expect(ingest.of('bin')).toEqual([binary.toString('latin1'), everyByte.toString('latin1')]);
  });
});

describe('spread input - routing', () => {
  it('routing - one push per distinct destination; private groups are not forwarded', async () => {
    const { ingest } = await start();
    const alice = await sender('alice');
    const bob = await sender('bob');
    alice.session.multicastNow({ service: 'SAFE', groups: ['www', 'app', 'www', bob.session.privateGroup], data: 'to both\n' });
    alice.session.multicastNow({ service: 'FIFO', groups: [bob.session.privateGroup], data: 'private\n' });
    alice.session.multicastNow({ service: 'FIFO', groups: ['app'], data: 'app only\n' });
    await waitFor(() => ingest.of('app').length === 2, 'app lines');
    expect(ingest.of('www')).toEqual(['to both']);
    expect(ingest.of('app')).toEqual(['to both', 'app only']);
    expect([...ingest.lines.keys()].sort()).toEqual(['app', 'www']);
    await barrier(bob, 'sync');
    expect(bob.events.filter((e) => e.type === 'message')).toEqual([]);
  });

  it('routing - group rewrite sends every destination to the input group, once per message', async () => {
    const { ingest } = await start({ group: 'weblogs' });
    const { session } = await sender('alice');
    session.multicastNow({ service: 'AGREED', groups: ['www', 'app', 'other'], data: 'one\n' });
    session.multicastNow({ service: 'AGREED', groups: ['#bob#localhost'], data: 'private stays local\n' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'two\n' });
    await waitFor(() => ingest.total === 2, 'two lines');
    expect([...ingest.lines.keys()]).toEqual(['weblogs']);
    expect(ingest.of('weblogs')).toEqual(['one', 'two']);
    expect(ingest.routes).toEqual([{ group: 'weblogs', vhostBuckets: 0 }, { group: 'weblogs', vhostBuckets: 0 }]);
  });

  it('routing - vhost buckets go with the sender\'s group, or the rewrite group, on one reused route', async () => {
    const { ingest } = await start({ vhost_buckets: 8 });
    const { session } = await sender('alice');
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'a.example 1\n' });
    session.multicastNow({ service: 'AGREED', groups: 'www', data: 'b.example 2\n' });
    session.multicastNow({ service: 'AGREED', groups: 'api', data: 'c.example 3\n' });
    await waitFor(() => ingest.total === 3, 'three lines');
    expect(ingest.routes).toEqual([
      { group: 'www', vhostBuckets: 8 },
      { group: 'www', vhostBuckets: 8 },
      { group: 'api', vhostBuckets: 8 },
    ]);
    // The engine caches bucket names per route object.
    expect(ingest.routes[0]).toBe(ingest.routes[1]);
    await running?.input.close();

    const rewritten = await start({ group: 'logs', vhost_buckets: 4 });
    const bob = await sender('bob');
    bob.session.multicastNow({ service: 'AGREED', groups: ['www', 'api'], data: 'd.example 4\n' });
    await waitFor(() => rewritten.ingest.total === 1, 'the line');
    expect(rewritten.ingest.routes).toEqual([{ group: 'logs', vhostBuckets: 4 }]);
  });

  it('routing - a group no receiver could join is counted and not forwarded; the session goes on', async () => {
    const { ingest, input } = await start({ vhost_buckets: 16 });
    const { session } = await sender('alice');
    session.multicastNow({ service: 'AGREED', groups: 'caf\u00e9', data: 'latin1 group\n' });
    session.multicastNow({ service: 'AGREED', groups: 'g'.repeat(29), data: 'too long with -15\n' });
    session.multicastNow({ service: 'AGREED', groups: ['g'.repeat(28), 'caf\u00e9'], data: 'fits with -15\n' });
    await waitFor(() => ingest.total === 1, 'the routable line');
    expect(ingest.of('g'.repeat(28))).toEqual(['fits with -15']);
    expect(input.handle.stats.errors.bad_frame).toBe(3);
    expect(session.isOpen).toBe(true);
  });
});

describe('spread input - listeners and shutdown', () => {
  it('listeners - a unix socket listener takes Spread sessions too', async () => {
    const path = `/tmp/ringlog-spread-input-${process.pid}.sock`;
    const ingest = new RouteRecordingIngest();
    const input = createSpreadInput(spreadConfig({ listen: `unix:${path}` }), silentContext(ingest));
    await input.start();
    try {
      expect(input.describe()).toBe(`spread unix:${path}`);
      const session = await connect({ endpoint: `unix:${path}`, name: 'local' });
      sessions.push(session);
      session.multicastNow({ service: 'RELIABLE', groups: 'www', data: 'over unix\n' });
      await waitFor(() => ingest.total === 1, 'the line');
      expect(ingest.of('www')).toEqual(['over unix']);
    } finally {
      await input.close();
    }
  });

  it('shutdown - close() ends every connected session and frees the port', async () => {
    const { input, ingest, endpoint } = await start();
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => sender(`s${i}`)));
    for (const [i, client] of clients.entries()) client.session.multicastNow({ service: 'FIFO', groups: 'www', data: `line ${i}\n` });
    await waitFor(() => ingest.total === clients.length, 'every line');
    expect(input.handle.stats.connections).toBe(clients.length);

    await input.close();
    const ends = await Promise.all(clients.map((client) => client.session.closed()));
    expect(ends.every((end) => end !== undefined)).toBe(true);
    expect(input.handle.stats.connections).toBe(0);
    expect(input.handle.stats.errors.bad_frame).toBe(0);
    await expect(connect({ endpoint, name: 'late', connectTimeoutMs: 2_000 })).rejects.toThrow();
    await input.close();
  });
});
