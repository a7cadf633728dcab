/** Migration: the collector runs from an old spreadlogd.conf as is. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { CollectorTracker, connectSender, sendLines } from './support/collector-fixture.ts';

const tracker = new CollectorTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('collector process - spreadlogd.conf', () => {
  it('spreadlogd.conf - Port without Host means the local socket /tmp/<port>; VhostDir splits, File takes a group whole', async () => {
    const temp = await makeTempDir();
    cleanups.push(temp.remove);
    // A port of our own, so the daemon's /tmp/<port> socket does not meet another test's.
    const port = 40_000 + (process.pid % 20_000);
    const socket = `/tmp/${port}`;
    cleanups.push(() => rm(socket, { force: true }));
    const daemon = tracker.ringlogdMain(['-l', `unix:${socket}`]);
    await daemon.waitForLog('ringlogd started');
    const conf = join(temp.dir, 'spreadlogd.conf');
    await writeFile(
      conf,
      ['BufferSize = 65536', 'Spread {', `\tPort = ${port}`, '\tLog {', '\t\tGroup = www', `\t\tVhostDir = ${join(temp.dir, 'vhosts')}`, '\t}', '\tLog {', '\t\tGroup = errors', '\t\tFile = errors.log', '\t}', '}', ''].join('\n'),
    );
    const collector = tracker.collector(['-c', conf, '--no-admin']);
    await collector.waitForLog('Connected to the daemon and joined groups');
    const sender = await connectSender(`unix:${socket}`, 'www');
    await sendLines(sender, ['a.example.com GET /1', 'b.example.com GET /2']);
    await sendLines(sender, ['something failed'], 'errors');
    const read = (path: string) => readFile(path, 'utf8').catch(() => '');
    await waitUntil(async () => (await read(join(temp.dir, 'vhosts/a.example.com'))) === 'GET /1\n' && (await read(join(temp.dir, 'errors.log'))) === 'something failed\n', 'files written', () => collector.describe());
    expect(await read(join(temp.dir, 'vhosts/b.example.com'))).toBe('GET /2\n');
    expect(collector.stderr).toContain('BufferSize');
    await sender.disconnect();
  });
});
