/**
 * Three hosts on one bridge, each a network namespace of its own with one ringlogd in
 * broadcast mode: the segment as it runs on a LAN. Cutting one host's link splits the ring
 * (both sides see a network membership); bringing it back merges it. Every address lives in
 * namespaces this test creates. Clients reach the daemons through unix sockets, which cross
 * namespaces because the file system is shared.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect, type SpreadEvent, type SpreadSession } from '@ringlog/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, RINGLOGD_MAIN, waitUntil } from './support/processes.ts';

const PREFIX = `rl${process.pid % 100_000}`;
const HOSTS = [1, 2, 3];
const GROUP = 'lan';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

function inNamespace(ns: string, ...args: string[]): void {
  ip('netns', 'exec', ns, ...args);
}

/** Why namespaces cannot be made here, or null when they can. */
function namespaceProblem(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  try {
    ip('netns', 'add', `${PREFIX}-probe`);
    ip('netns', 'delete', `${PREFIX}-probe`);
    return null;
  } catch (error) {
    return `cannot create a network namespace (needs root and iproute2): ${(error as Error).message.split('\n')[0]}`;
  }
}

function buildNetwork(): void {
  const bridgeNs = `${PREFIX}-br`;
  ip('netns', 'add', bridgeNs);
  inNamespace(bridgeNs, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
  inNamespace(bridgeNs, 'ip', 'link', 'set', 'br0', 'up');
  for (const host of HOSTS) {
    const ns = `${PREFIX}-h${host}`;
    ip('netns', 'add', ns);
    ip('link', 'add', `${PREFIX}h${host}`, 'netns', ns, 'type', 'veth', 'peer', 'name', `${PREFIX}b${host}`, 'netns', bridgeNs);
    inNamespace(ns, 'ip', 'link', 'set', 'lo', 'up');
    inNamespace(ns, 'ip', 'addr', 'add', `10.77.0.${host}/24`, 'broadcast', '10.77.0.255', 'dev', `${PREFIX}h${host}`);
    inNamespace(ns, 'ip', 'link', 'set', `${PREFIX}h${host}`, 'up');
    inNamespace(bridgeNs, 'ip', 'link', 'set', `${PREFIX}b${host}`, 'master', 'br0');
    inNamespace(bridgeNs, 'ip', 'link', 'set', `${PREFIX}b${host}`, 'up');
  }
}

function removeNetwork(): void {
  for (const name of [...HOSTS.map((host) => `${PREFIX}-h${host}`), `${PREFIX}-br`]) {
    try {
      ip('netns', 'delete', name);
    } catch {
      // Already gone.
    }
  }
}

function setHostLink(host: number, state: 'up' | 'down'): void {
  inNamespace(`${PREFIX}-h${host}`, 'ip', 'link', 'set', `${PREFIX}h${host}`, state);
}

async function writeConfigs(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'segment.key'), 'netns-test-key-0123456789abcdef\n', { mode: 0o600 });
  for (const host of HOSTS) {
    const yaml = [
      'daemon:',
      `  name: d${host}`,
      `  listen: [unix:${path.join(dir, `d${host}.sock`)}]`,
      'log:',
      '  level: warn',
      'segment:',
      '  port: 4803',
      '  addresses: [10.77.0.255]',
      '  key_file: segment.key',
      '  ring: { mode: broadcast }',
      '  daemons:',
      ...HOSTS.map((other) => `    - { name: d${other}, address: 10.77.0.${other} }`),
      '',
    ].join('\n');
    await writeFile(path.join(dir, `d${host}.yaml`), yaml);
  }
}

interface Client {
  readonly session: SpreadSession;
  readonly events: SpreadEvent[];
}

function lastMembership(c: Client): SpreadEvent | undefined {
  return c.events.filter((event) => event.type === 'membership').at(-1);
}

async function waitForMembers(c: Client, members: readonly string[], what: string): Promise<void> {
  await waitUntil(
    () => {
      const last = lastMembership(c);
      return last?.type === 'membership' && last.members.length === members.length && members.every((member) => last.members.includes(member));
    },
    what,
    () => JSON.stringify(c.events.filter((event) => event.type !== 'message')),
    30_000,
  );
}

const problem = namespaceProblem();

describe.skipIf(problem !== null)(`a segment across three network namespaces on a bridge, broadcast mode${problem === null ? '' : ` (skipped: ${problem})`}`, () => {
  let temp: { dir: string; remove: () => Promise<void> };
  const daemons: ChildProcessWithoutNullStreams[] = [];
  const output: string[] = ['', '', ''];
  const clients: Client[] = [];

  beforeAll(async () => {
    temp = await makeTempDir();
    removeNetwork();
    buildNetwork();
    await writeConfigs(temp.dir);
    for (const host of HOSTS) {
      const child = spawn('ip', ['netns', 'exec', `${PREFIX}-h${host}`, process.execPath, '--import', 'tsx', RINGLOGD_MAIN, '-c', path.join(temp.dir, `d${host}.yaml`)], { cwd: REPO_ROOT });
      child.stdout.on('data', (chunk: Buffer) => (output[host - 1] += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output[host - 1] += chunk.toString()));
      daemons.push(child);
    }
    for (const host of HOSTS) {
      const endpoint = `unix:${path.join(temp.dir, `d${host}.sock`)}`;
      let session: SpreadSession | null = null;
      await waitUntil(
        async () => {
          session = await connect({ endpoint, name: `w${host}` }).catch(() => null);
          return session !== null;
        },
        `ringlogd in namespace h${host} accepting clients`,
        () => output.join('\n---\n'),
        30_000,
      );
      const events: SpreadEvent[] = [];
      session!.onEvent((event) => events.push(event));
      clients.push({ session: session!, events });
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.session.disconnect()));
    for (const child of daemons) child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    removeNetwork();
    await temp?.remove();
  });

  it('forms one ring: members joined on every host see each other', async () => {
    for (const c of clients) c.session.join(GROUP);
    for (const c of clients) await waitForMembers(c, ['#w1#d1', '#w2#d2', '#w3#d3'], 'all three members everywhere');
    clients[0]!.session.multicast({ service: 'AGREED', groups: [GROUP], data: 'over-the-bridge' });
    await waitUntil(() => clients[2]!.events.some((event) => event.type === 'message' && event.data.toString() === 'over-the-bridge'), 'a message from h1 at h3');
  }, 60_000);

  it('cutting one host off splits the ring, and both sides get a network membership', async () => {
    setHostLink(3, 'down');
    for (const c of clients.slice(0, 2)) await waitForMembers(c, ['#w1#d1', '#w2#d2'], 'h3 gone from h1 and h2');
    await waitForMembers(clients[2]!, ['#w3#d3'], 'h3 alone');
    const cause = lastMembership(clients[0]!);
    expect(cause?.type === 'membership' && cause.cause).toBe('network');
  }, 60_000);

  it('healing the link merges the ring back', async () => {
    setHostLink(3, 'up');
    for (const c of clients) await waitForMembers(c, ['#w1#d1', '#w2#d2', '#w3#d3'], 'all three again after the heal');
    const merged = lastMembership(clients[0]!);
    if (merged?.type !== 'membership') throw new Error('expected a membership');
    expect(merged.cause).toBe('network');
    expect(merged.vsSets).toHaveLength(2);
  }, 60_000);
});
