/** Child processes for benchmarks: a real ringlogd, and helpers that report over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Resident set size of a process in KiB, from /proc. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match === null ? 0 : Number(match[1]);
}

/** Peak resident set size of a process in KiB (VmHWM, the kernel's high-water mark since it started), from /proc. */
export function peakRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return match === null ? 0 : Number(match[1]);
}

const CLOCK_TICKS_PER_SEC = 100;

/** User + system CPU seconds a process (all its threads) has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
}

/** With RINGLOG_BENCH_CPU_PROF=<dir>, every forked process writes a V8 CPU profile there. */
function profileArgs(): string[] {
  const dir = process.env['RINGLOG_BENCH_CPU_PROF'];
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

export function forkTs(script: string, args: readonly string[]): ChildProcess {
  return fork(script, [...args], { execArgv: ['--import', 'tsx', ...profileArgs()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: REPO_ROOT });
}

export async function waitForConnect(options: { port: number; host: string } | { path: string }, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = 'path' in options ? net.connect(options.path) : net.connect(options.port, options.host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Nothing listening at ${JSON.stringify(options)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly tcpPort: number;
  readonly unixPath: string;
  stop(): Promise<void>;
}

/** Starts apps/daemon's ringlogd as a separate process, as an operator would run it. */
export async function startDaemonProcess(tcpPort: number, unixPath: string, extraArgs: readonly string[] = []): Promise<DaemonProcess> {
  const child = forkTs(`${REPO_ROOT}apps/daemon/src/main.ts`, ['-l', `tcp:127.0.0.1:${tcpPort}`, '-l', `unix:${unixPath}`, '--log-level', 'warn', ...extraArgs]);
  await waitForConnect({ port: tcpPort, host: '127.0.0.1' });
  return {
    child,
    tcpPort,
    unixPath,
    stop: () => stopChild(child),
  };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Sends a request to a forked helper and waits for its one reply. */
export function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`Helper exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply as T);
    });
    child.send(message as object);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
