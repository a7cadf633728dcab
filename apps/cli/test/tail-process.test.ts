/**
 * `ringlog tail` as a process (bin/ringlog.mjs) against a real ringlogd process: --count for
 * scripts, a daemon restart that only pauses it, and a reader that closes the pipe.
 */
import { join } from 'node:path';
import { connect, type SpreadSession } from '@ringlog/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildTracker, makeTempDir, waitUntil, type ChildFixture } from '../../daemon/test/support/processes.ts';

const tracker = new ChildTracker();
const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await tracker.killAll();
});

async function ringlogd(socket: string): Promise<ChildFixture> {
  const daemon = tracker.ringlogdMain(['-l', `unix:${socket}`, '--log-level', 'info']);
  await daemon.waitForLog('ringlogd started');
  return daemon;
}

async function socketPath(): Promise<string> {
  const temp = await makeTempDir();
  cleanups.push(temp.remove);
  return join(temp.dir, 'd.sock');
}

/** A sender that sees `members` members in `group`: the tail has joined. */
async function sender(socket: string, group = 'www', members = 2): Promise<SpreadSession> {
  const session = await connect({ endpoint: `unix:${socket}`, name: 'sender', membership: true });
  cleanups.push(() => session.disconnect());
  let count = 0;
  session.onEvent((event) => {
    if (event.type === 'membership' && event.group === group) count = event.members.length;
  });
  session.join(group);
  await waitUntil(() => count >= members, `${members} members in ${group}`);
  return session;
}

async function send(session: SpreadSession, lines: readonly string[]): Promise<void> {
  await session.multicast({ service: 'AGREED', groups: ['www'], data: lines.map((line) => `${line}\n`).join('') });
}

describe('ringlog tail - process', () => {
  it('tail --count - prints the matching lines and exits 0, for scripts', async () => {
    const socket = await socketPath();
    await ringlogd(socket);
    const tail = tracker.ringlog(['tail', '-s', `unix:${socket}`, '--vhost', 'a.example.com', '--count', '3']);
    const www = await sender(socket);
    await send(www, ['a.example.com GET /1', 'b.example.com GET /2', 'A.example.com GET /3']);
    await send(www, ['a.example.com GET /4', 'a.example.com GET /5']);
    expect(await tail.exit()).toEqual({ code: 0, signal: null });
    expect(tail.stdout).toBe('a.example.com GET /1\nA.example.com GET /3\na.example.com GET /4\n');
    expect(tail.stderr).toBe('');
  });

  it('tail - a daemon restart pauses the tail with a note, then lines flow again', async () => {
    const socket = await socketPath();
    const first = await ringlogd(socket);
    const tail = tracker.ringlog(['tail', '-s', `unix:${socket}`, '-g', 'www', '--count', '2', '--reconnect-max-ms', '200']);
    const before = await sender(socket);
    await send(before, ['a.example.com before restart']);
    await tail.waitForStdout('before restart\n');
    first.child.kill('SIGTERM');
    expect((await first.exit()).code).toBe(0);
    await waitUntil(() => tail.stderr.includes('lost the daemon'), 'the note about the lost daemon', () => tail.describe());
    await ringlogd(socket);
    await waitUntil(() => tail.stderr.includes('connected to'), 'the note about the new connection', () => tail.describe());
    const after = await sender(socket);
    await send(after, ['a.example.com after restart']);
    expect((await tail.exit()).code).toBe(0);
    expect(tail.stdout).toBe('a.example.com before restart\na.example.com after restart\n');
    expect(tail.stderr).toMatch(new RegExp(`^ringlog tail: lost the daemon at unix:${socket}.*; reconnecting\\nringlog tail: connected to unix:${socket}; tailing www\\n$`));
  });

  it('tail - a reader that closes the pipe (ringlog tail | head -1) ends it quietly with status 0', async () => {
    const socket = await socketPath();
    await ringlogd(socket);
    const tail = tracker.ringlog(['tail', '-s', `unix:${socket}`]);
    const www = await sender(socket);
    await send(www, ['a.example.com first']);
    await tail.waitForStdout('first\n');
    tail.child.stdout.destroy();
    // Keep sending until a write meets the closed pipe.
    for (let index = 0; tail.running && index < 100; index++) {
      await send(www, [`a.example.com more ${index}`]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await tail.exit()).toEqual({ code: 0, signal: null });
    expect(tail.stderr).toBe('');
  });

  it('tail - SIGINT ends it with status 0', async () => {
    const socket = await socketPath();
    await ringlogd(socket);
    const tail = tracker.ringlog(['tail', '-s', `unix:${socket}`]);
    await sender(socket);
    tail.child.kill('SIGINT');
    expect(await tail.exit()).toEqual({ code: 0, signal: null });
  });
});
