/** `collector.daemon: embedded`: ringlogd inside the collector's process, senders connect to it. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { CollectorTracker, collectorReady, connectSender, fetchStatus, sendLines, writeCollectorYaml } from './support/collector-fixture.ts';

const tracker = new CollectorTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('collector process - embedded daemon', () => {
  it('embedded - one process runs ringlogd and the collector; a sender on its socket reaches the files; SIGTERM stops both', async () => {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    const socket = join(temp.dir, 'embedded.sock');
    const daemonYaml = join(temp.dir, 'ringlogd.yaml');
    await writeFile(daemonYaml, `daemon:\n  name: logbox\n  listen: ["unix:${socket}"]\n`);
    const root = join(temp.dir, 'www');
    const config = await writeCollectorYaml(temp.dir, { endpoint: 'embedded', root, extraCollector: [`embedded_config: ${JSON.stringify(daemonYaml)}`] });
    const collector = tracker.collector(['-c', config]);
    const adminUrl = await collectorReady(collector);
    const sender = await connectSender(`unix:${socket}`);
    const lines = Array.from({ length: 300 }, (_, index) => `e.example.com GET /${index}`);
    await sendLines(sender, lines);
    await waitUntil(async () => (await fetchStatus(adminUrl)).logs[0]?.lines === 300, 'all lines received');
    await sender.disconnect();
    collector.child.kill('SIGTERM');
    expect(await collector.exit()).toEqual({ code: 0, signal: null });
    const written = (await readFile(join(root, 'e.example.com/access.log'), 'utf8')).split('\n').slice(0, -1);
    expect(written).toEqual(lines.map((line) => line.slice('e.example.com '.length)));
  });
});
