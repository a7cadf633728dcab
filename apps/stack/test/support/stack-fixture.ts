/**
 * ringlog-stack as a child process for the end-to-end tests: free ports picked for every service,
 * a temp --dir, and a cleanup that also kills the services if a failing test left the launcher
 * (whose children run in their own process groups) killed before it could stop them.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ChildFixture, waitUntil } from '../../../daemon/test/support/processes.ts';

export const STACK_BIN = fileURLToPath(new URL('../../bin/ringlog-stack.mjs', import.meta.url));

/** Stack start-up on two shared cores: five Node processes and a ring. */
export const READY_WAIT_MS = 90_000;

export interface StackPortsForTest {
  readonly daemons: readonly [number, number, number];
  readonly shipperAdmin: number;
  readonly collectorAdmin: number;
  readonly tcpInput: number;
  readonly httpInput: number;
}

export function portArgs(ports: StackPortsForTest): string[] {
  return [
    '--daemon-ports', ports.daemons.join(','),
    '--shipper-admin-port', String(ports.shipperAdmin),
    '--collector-admin-port', String(ports.collectorAdmin),
    '--tcp-input-port', String(ports.tcpInput),
    '--http-input-port', String(ports.httpInput),
  ];
}

function bindsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function bindsUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** A port the OS calls free on TCP, with `span` ports from it free on TCP and UDP, away from `taken`. */
async function freePort(taken: Set<number>, span: number): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: found } = server.address() as net.AddressInfo;
        server.close(() => resolve(found));
      });
    });
    const range = Array.from({ length: span }, (_, index) => port + index);
    if (port + span > 65_000 || [port - 1, ...range].some((near) => taken.has(near))) continue;
    const free = await Promise.all(range.flatMap((candidate) => [bindsTcp(candidate), bindsUdp(candidate)]));
    if (!free.every(Boolean)) continue;
    for (const candidate of range) taken.add(candidate);
    return port;
  }
}

export async function freeStackPorts(): Promise<StackPortsForTest> {
  const taken = new Set<number>();
  const daemons = [await freePort(taken, 2), await freePort(taken, 2), await freePort(taken, 2)] as const;
  return { daemons, shipperAdmin: await freePort(taken, 1), collectorAdmin: await freePort(taken, 1), tcpInput: await freePort(taken, 1), httpInput: await freePort(taken, 1) };
}

/** One run of ringlog-stack. */
export class StackRun {
  readonly fixture: ChildFixture;

  constructor(dir: string, ports: StackPortsForTest, extraArgs: readonly string[] = []) {
    this.fixture = new ChildFixture(STACK_BIN, ['--dir', dir, ...portArgs(ports), '--log-level', 'warn', ...extraArgs]);
  }

  get stdout(): string {
    return this.fixture.stdout;
  }

  async waitReady(): Promise<void> {
    // The banner's last line: the map is printed in more than one write, so its first line alone
    // does not mean the rest has reached the pipe yet.
    await this.fixture.waitForStdout('Stop:           Ctrl-C', READY_WAIT_MS);
  }

  /** The services' pids, from the launcher's "<name> started, pid N" lines. */
  servicePids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const match of this.fixture.stdout.matchAll(/^stack +\| (\S+) started, pid (\d+)$/gm)) pids.set(match[1]!, Number(match[2]));
    return pids;
  }

  /** Waits until none of the services' processes exists any more. */
  async waitServicesGone(): Promise<void> {
    await waitUntil(() => [...this.servicePids().values()].every((pid) => !processExists(pid)), 'every service process to be gone', () => this.fixture.describe());
  }

  /** For afterEach: SIGKILL the launcher and whatever service survived it. */
  async killEverything(): Promise<void> {
    await this.fixture.kill();
    for (const pid of this.servicePids().values()) {
      if (processExists(pid)) process.kill(pid, 'SIGKILL');
    }
  }
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
