// End to end: ringlog-stack as a child process, with the real daemons, shipper and collector.
import { readFile, readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { freeStackPorts, READY_WAIT_MS, StackRun, type StackPortsForTest } from './support/stack-fixture.ts';

const runs: StackRun[] = [];
let dir: string;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  ({ dir, remove: removeDir } = await makeTempDir());
});

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.killEverything()));
});

afterAll(async () => {
  await removeDir();
});

function start(ports: StackPortsForTest, extraArgs: readonly string[] = [], runDir = dir): StackRun {
  const run = new StackRun(runDir, ports, extraArgs);
  runs.push(run);
  return run;
}

function line(vhost: string, seq: number): string {
  return `${vhost} 192.0.2.${seq} - - [22/Nov/2026:10:00:0${seq} +0000] "GET /item/${seq} HTTP/1.1" 200 512 "-" "curl/8.5.0"`;
}

async function sendLines(socketPath: string, lines: readonly string[]): Promise<void> {
  const socket = net.createConnection(socketPath);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await new Promise<void>((resolve) => socket.end(lines.map((text) => `${text}\n`).join(''), resolve));
}

async function readIfThere(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

describe('ringlog-stack', () => {
  it('stack - lines for three vhosts go through d1, the ring and d3 into their per-vhost files; SIGINT stops everything, exit 0', async () => {
    const ports = await freeStackPorts();
    const run = start(ports);
    await run.waitReady();
    expect([...run.servicePids().keys()]).toEqual(['d1', 'd2', 'd3', 'collector', 'shipper']);
    for (const text of [`admin http://127.0.0.1:${ports.shipperAdmin}/status`, `admin http://127.0.0.1:${ports.collectorAdmin}/status`, 'monitor -c', '| nc -U ', 'pipe --group www --socket ']) {
      expect(run.stdout).toContain(text);
    }
    const vhosts = ['www.example.com', 'shop.example.com', 'blog.example.org'];
    const sent = vhosts.flatMap((vhost) => [1, 2, 3].map((seq) => line(vhost, seq)));
    await sendLines(path.join(dir, 'var/run/ringlog/access.sock'), sent);
    for (const vhost of vhosts) {
      const file = path.join(dir, 'var/log/www', vhost, 'access.log');
      // The collector writes each line without its vhost, in the order the shipper sent them.
      const want = [1, 2, 3].map((seq) => `${line(vhost, seq).slice(vhost.length + 1)}\n`).join('');
      await waitUntil(async () => (await readIfThere(file)) === want, `${file} to hold its 3 lines`, () => run.fixture.describe());
    }
    expect((await stat(path.join(dir, 'var/etc/ringlog/segment.key'))).mode & 0o777).toBe(0o600);
    run.fixture.child.kill('SIGINT');
    expect(await run.fixture.exit(60_000)).toEqual({ code: 0, signal: null });
    await run.waitServicesGone();
    expect(run.stdout).toMatch(/shipper stopped\n[^]*collector stopped\n[^]*Stopped\.\n$/);
    expect(run.fixture.stderr).toBe('');
  }, 180_000);

  it('stack - --demo fills files for several vhosts, a restart keeps the segment key, and SIGTERM exits 0 with every line written', async () => {
    const keyFile = path.join(dir, 'var/etc/ringlog/segment.key');
    const keyBefore = await readIfThere(keyFile);
    const logRoot = path.join(dir, 'var/log/www');
    const linesInFiles = async (): Promise<number> => {
      const names = await readdir(logRoot).catch(() => []);
      const counts = await Promise.all(names.map(async (name) => (await readIfThere(path.join(logRoot, name, 'access.log'))).split('\n').length - 1));
      return counts.reduce((sum, lines) => sum + lines, 0);
    };
    // The first test's lines, whether or not it got as far as sending them.
    const linesBefore = await linesInFiles();
    const run = start(await freeStackPorts(), ['--demo', '--demo-rate', '100']);
    await run.waitReady();
    const demoVhosts = async (): Promise<string[]> => {
      const names = await readdir(logRoot);
      const filled = await Promise.all(names.map(async (name) => ((await readIfThere(path.join(logRoot, name, 'access.log'))).length > 0 ? name : null)));
      return filled.filter((name): name is string => name !== null && !['www.example.com', 'shop.example.com', 'blog.example.org'].includes(name));
    };
    await waitUntil(async () => (await demoVhosts()).length >= 3, 'demo lines in files of 3 more vhosts', () => run.fixture.describe(), READY_WAIT_MS);
    const [demoVhost] = await demoVhosts();
    const sample = (await readFile(path.join(logRoot, demoVhost!, 'access.log'), 'utf8')).split('\n')[0];
    // Apache combined, its vhost stripped by the collector.
    expect(sample).toMatch(/^198\.51\.100\.\d+ - \S+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "(GET|POST|HEAD) \S+ HTTP\/1\.1" \d{3} (\d+|-) "[^"]*" "[^"]*"$/);
    expect(keyBefore).not.toBe('');
    expect(await readFile(keyFile, 'utf8')).toBe(keyBefore);
    expect(run.stdout).not.toContain('Created the segment key');
    run.fixture.child.kill('SIGTERM');
    expect(await run.fixture.exit(60_000)).toEqual({ code: 0, signal: null });
    await run.waitServicesGone();
    // A clean stop loses nothing: every demo line sent is in a file.
    const sent = Number(/Demo traffic stopped after (\d+) lines/.exec(run.stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect((await linesInFiles()) - linesBefore).toBe(sent);
  }, 180_000);

  it('stack - a service that dies takes the stack down with exit 1 and no process left', async () => {
    const { dir: ownDir, remove } = await makeTempDir();
    try {
      const run = start(await freeStackPorts(), [], ownDir);
      await run.waitReady();
      process.kill(run.servicePids().get('d2')!, 'SIGKILL');
      expect(await run.fixture.exit(60_000)).toEqual({ code: 1, signal: null });
      expect(run.stdout).toContain('d2 killed by SIGKILL unexpectedly; stopping the stack');
      await run.waitServicesGone();
    } finally {
      await remove();
    }
  }, 180_000);

  it.each([
    ['TCP', (ports: StackPortsForTest) => ports.collectorAdmin, "for the collector's admin HTTP"],
    ['UDP', (ports: StackPortsForTest) => ports.daemons[1] + 1, "for d2's ring token"],
  ] as const)('stack - a busy %s port stops the start with a message naming it, before anything runs', async (protocol, pick, use) => {
    const ports = await freeStackPorts();
    const port = pick(ports);
    const holder = protocol === 'TCP' ? await holdTcp(port) : await holdUdp(port);
    try {
      const run = start(ports);
      expect(await run.fixture.exit(60_000)).toEqual({ code: 1, signal: null });
      expect(run.fixture.stderr).toContain(`ringlog-stack: port ${port} (${protocol} on 127.0.0.1, ${use}) is in use;`);
      expect(run.servicePids().size).toBe(0);
    } finally {
      await holder();
    }
  }, 60_000);
});

async function holdTcp(port: number): Promise<() => Promise<void>> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ host: '127.0.0.1', port }, resolve));
  return () => new Promise((resolve) => server.close(() => resolve()));
}

async function holdUdp(port: number): Promise<() => Promise<void>> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: '127.0.0.1', port }, resolve);
  });
  return () => new Promise((resolve) => socket.close(() => resolve()));
}
