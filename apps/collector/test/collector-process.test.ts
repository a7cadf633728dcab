/**
 * ringlog-collector as an operator runs it: a real ringlogd process, a real collector process,
 * a Spread sender, and the files on disk.
 */
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { CollectorTracker, collectorReady, connectSender, fetchStatus, sendLines, startRinglogd, writeCollectorYaml } from './support/collector-fixture.ts';

const tracker = new CollectorTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(temp.remove);
  return temp.dir;
}

function numberedLines(vhost: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${vhost} 10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET /${from + index} HTTP/1.1" 200 ${from + index}`);
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('collector process - splitting', () => {
  it('split - every vhost gets its lines with the vhost stripped; hostile names go to the catch-all; nothing leaves the root', async () => {
    const dir = await tempDir();
    const root = join(dir, 'www');
    const { endpoint } = await startRinglogd(tracker, dir);
    const config = await writeCollectorYaml(dir, { endpoint, root });
    const collector = tracker.collector(['-c', config]);
    const adminUrl = await collectorReady(collector);
    const sender = await connectSender(endpoint);
    const good = [...numberedLines('a.example.com', 0, 100), ...numberedLines('B.Example.COM', 0, 100)];
    const hostile = ['../../etc/passwd x', '/etc/shadow x', '.. x', 'a\\b x', '\u2215etc x', `${'x'.repeat(300)} x`, 'nospace'];
    await sendLines(sender, [...good, ...hostile]);
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === good.length + hostile.length, 'all lines received');
    await waitUntil(async () => (await fetchStatus(adminUrl)).pendingBytes === 0, 'all lines written');
    expect((await readdir(root)).sort()).toEqual(['_catchall', 'a.example.com', 'b.example.com']);
    expect(await readLines(join(root, 'a.example.com/access.log'))).toEqual(numberedLines('a.example.com', 0, 100).map((line) => line.slice('a.example.com '.length)));
    expect(await readLines(join(root, 'b.example.com/access.log'))).toHaveLength(100);
    expect(await readLines(join(root, '_catchall/access.log'))).toEqual(hostile);
    // Nothing beside the root but the config, the daemon socket and the collector's state_dir.
    expect((await readdir(dir)).sort()).toEqual(['collector-state', 'collector.yaml', 'd.sock', 'www']);
    const status = await fetchStatus(adminUrl);
    const catchAll = status.logs[0]?.catchAllLines ?? {};
    expect(catchAll).toMatchObject({ too_long: 1, no_separator: 1 });
    expect(Object.values(catchAll).reduce((sum, value) => sum + value, 0)).toBe(hostile.length);
    await sender.disconnect();
  });
});

describe('collector process - signals', () => {
  it('SIGHUP - mv + HUP under traffic loses nothing and reopens at once', async () => {
    const dir = await tempDir();
    const root = join(dir, 'www');
    const { endpoint } = await startRinglogd(tracker, dir);
    const collector = tracker.collector(['-c', await writeCollectorYaml(dir, { endpoint, root })]);
    const adminUrl = await collectorReady(collector);
    const sender = await connectSender(endpoint);
    const file = join(root, 'v.example.com/access.log');
    const total = 3000;
    let sent = 0;
    const sending = (async () => {
      while (sent < total) {
        await sendLines(sender, numberedLines('v.example.com', sent, 50));
        sent += 50;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await waitUntil(() => sent >= total / 3, 'a third sent');
    await rename(file, `${file}.1`);
    collector.child.kill('SIGHUP');
    // Reopened at once, not at the next message: the new file exists before more lines are needed.
    await waitUntil(async () => (await stat(file).catch(() => null)) !== null, 'file recreated by SIGHUP');
    await sending;
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === total && (await fetchStatus(adminUrl)).pendingBytes === 0, 'all written');
    const lines = [...(await readLines(`${file}.1`)), ...(await readLines(file))];
    expect(lines).toEqual(numberedLines('v.example.com', 0, total).map((line) => line.slice('v.example.com '.length)));
    await sender.disconnect();
  });

  it('SIGTERM - writes every line received before exiting, even while held for a long flush interval', async () => {
    const dir = await tempDir();
    const root = join(dir, 'www');
    const { endpoint } = await startRinglogd(tracker, dir);
    const config = await writeCollectorYaml(dir, { endpoint, root, extraOutput: ['flush_interval_ms: 60000', 'fsync: never'] });
    const collector = tracker.collector(['-c', config]);
    const adminUrl = await collectorReady(collector);
    const sender = await connectSender(endpoint);
    await sendLines(sender, numberedLines('t.example.com', 0, 500));
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === 500, 'all received');
    expect((await fetchStatus(adminUrl)).pendingBytes).toBeGreaterThan(0);
    collector.child.kill('SIGTERM');
    expect(await collector.exit()).toEqual({ code: 0, signal: null });
    expect(await readLines(join(root, 't.example.com/access.log'))).toHaveLength(500);
    await sender.disconnect();
  });
});

describe('collector process - daemon restarts', () => {
  it('reconnect - after ringlogd restarts the collector rejoins and later lines arrive', async () => {
    const dir = await tempDir();
    const root = join(dir, 'www');
    const first = await startRinglogd(tracker, dir);
    const collector = tracker.collector(['-c', await writeCollectorYaml(dir, { endpoint: first.endpoint, root })]);
    const adminUrl = await collectorReady(collector);
    let sender = await connectSender(first.endpoint);
    await sendLines(sender, numberedLines('r.example.com', 0, 100));
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === 100, 'first lines');
    await first.daemon.kill();
    await waitUntil(async () => !(await fetchStatus(adminUrl)).daemon.connected, 'collector saw the loss');
    const second = await startRinglogd(tracker, dir);
    await waitUntil(async () => (await fetchStatus(adminUrl)).daemon.connected, 'collector reconnected');
    sender = await connectSender(second.endpoint);
    await sendLines(sender, numberedLines('r.example.com', 100, 100));
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === 200 && (await fetchStatus(adminUrl)).pendingBytes === 0, 'later lines');
    expect(await readLines(join(root, 'r.example.com/access.log'))).toHaveLength(200);
    expect((await fetchStatus(adminUrl)).reconnects).toBe(1);
    await sender.disconnect();
  });
});

describe('collector process - command line', () => {
  it('cli - --help explains, --check prints the effective config, a bad config exits 1 with its location', async () => {
    const help = tracker.collector(['--help']);
    expect(await help.exit()).toEqual({ code: 0, signal: null });
    expect(help.stdout).toContain('Usage: ringlog-collector');
    expect(help.stdout).toContain('SIGHUP');
    const dir = await tempDir();
    const config = await writeCollectorYaml(dir, { endpoint: '4803', root: join(dir, 'www') });
    const check = tracker.collector(['--check', '-c', config]);
    expect(await check.exit()).toEqual({ code: 0, signal: null });
    expect(JSON.parse(check.stdout).config.logs[0].split.path).toBe('{vhost}/access.log');
    const bad = join(dir, 'bad.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, 'logs:\n  - name: www\n    groups: [www]\n    split:\n      root: relative/dir\n      path: "{vhost}"\n'));
    const failed = tracker.collector(['-c', bad]);
    expect((await failed.exit()).code).toBe(1);
    expect(failed.stderr).toMatch(/bad\.yaml:5:\d+/);
    const unknown = tracker.collector(['--frobnicate']);
    expect((await unknown.exit()).code).toBe(2);
  });
});
