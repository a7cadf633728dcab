/**
 * The live tail as an operator uses it: a real ringlogd process, a real collector process, a
 * Spread sender, and `GET /tail` streams read over HTTP.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { CollectorTracker, collectorReady, connectSender, sendLines, startRinglogd, writeCollectorYaml } from './support/collector-fixture.ts';
import { SseReader } from './support/sse-reader.ts';

const tracker = new CollectorTracker();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await tracker.killAll();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(temp.remove);
  return temp.dir;
}

async function open(url: string): Promise<SseReader> {
  const reader = await SseReader.open(url);
  cleanups.push(() => reader.close());
  await waitUntil(() => reader.comments.length > 0, `the stream of ${url} to start`);
  return reader;
}

async function metric(adminUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  if (match === null) throw new Error(`no metric ${name}`);
  return Number(match[1]);
}

describe('collector process - live tail', () => {
  it('tail - /tail streams what senders multicast, filtered by vhost and grep, hostile bytes made printable', async () => {
    const dir = await tempDir();
    const { endpoint } = await startRinglogd(tracker, dir);
    const collector = tracker.collector(['-c', await writeCollectorYaml(dir, { endpoint, root: join(dir, 'www') })]);
    const adminUrl = await collectorReady(collector);
    const all = await open(`${adminUrl}/tail`);
    const vhosts = await open(`${adminUrl}/tail?vhost=A.example.com&vhost=c.example.com`);
    const errors = await open(`${adminUrl}/tail?vhost=a.example.com&grep=${encodeURIComponent('" 5\\d\\d ')}`);
    expect(await metric(adminUrl, 'ringlog_collector_tail_clients')).toBe(3);
    const sender = await connectSender(endpoint);
    cleanups.push(() => sender.disconnect());
    const lines = ['a.example.com "GET /1" 200 10', 'b.example.com "GET /2" 500 20', 'a.example.com "GET /3" 503 30', 'C.EXAMPLE.COM "GET /4" 200 40'];
    await sendLines(sender, lines, 'www', 2);
    const hostile = Buffer.concat([Buffer.from('a.example.com "GET /\r'), Buffer.from([0x00, 0xff, 0x1b]), Buffer.from('" 200 50\n<script>x</script>\n')]);
    await sender.multicast({ service: 'AGREED', groups: ['www'], data: hostile });
    const printable = ['a.example.com "GET /\ufffd\ufffd\ufffd\ufffd" 200 50', '<script>x</script>'];
    expect(await all.waitForLines(6)).toEqual([...lines, ...printable]);
    expect(await vhosts.waitForLines(4)).toEqual([lines[0], lines[2], lines[3], printable[0]]);
    expect(await errors.waitForLines(1)).toEqual([lines[2]]);
    expect(await metric(adminUrl, 'ringlog_collector_tail_lines_sent_total')).toBe(6 + 4 + 1);
    expect(await metric(adminUrl, 'ringlog_collector_tail_lines_dropped_total')).toBe(0);
    all.close();
    vhosts.close();
    errors.close();
    await waitUntil(async () => (await metric(adminUrl, 'ringlog_collector_tail_clients')) === 0, 'every client forgotten');
  });

  it('tail - a bad regex is a 400; SIGTERM ends open streams and the collector still exits 0', async () => {
    const dir = await tempDir();
    const { endpoint } = await startRinglogd(tracker, dir);
    const collector = tracker.collector(['-c', await writeCollectorYaml(dir, { endpoint, root: join(dir, 'www') })]);
    const adminUrl = await collectorReady(collector);
    const bad = await fetch(`${adminUrl}/tail?grep=${encodeURIComponent('[')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'RL_COLLECTOR_BAD_TAIL_FILTER', message: expect.stringContaining('grep pattern "["') });
    const reader = await open(`${adminUrl}/tail`);
    collector.child.kill('SIGTERM');
    await reader.ended;
    expect((await collector.exit()).code).toBe(0);
  });
});
