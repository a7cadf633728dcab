/**
 * Child-process fixtures for ringlogd and the ringlog CLI (pino's `test/fixtures` style):
 * spawn the real bins, collect their output, wait for lines, and kill whatever is left.
 * Every wait is a generous bound on how long a failing test hangs, never a speed check.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const RINGLOGD_BIN = fileURLToPath(new URL('../../bin/ringlogd.mjs', import.meta.url));
export const RINGLOGD_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
export const RINGLOG_BIN = fileURLToPath(new URL('../../../cli/bin/ringlog.mjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** How long a wait may take before the test fails; two shared cores and tsx start-up. */
export const WAIT_MS = 20_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One pino JSON line as ringlogd writes it. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export const PINO_INFO = 30;
export const PINO_WARN = 40;

/** Polls `condition` until true; fails after `timeoutMs` with `what` and `detail()`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, detail: () => string = () => '', timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lines of pino JSON output, skipping anything that is not a JSON object. */
export function parseLogLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // a partly written last line: the next poll sees it whole
    }
  }
  return lines;
}

/** A spawned node process with its output collected as text. */
export class ChildFixture {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';
  #exit: Exit | null = null;

  constructor(script: string, args: readonly string[], nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('latin1')));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  get running(): boolean {
    return this.#exit === null;
  }

  describe(): string {
    return `exit: ${JSON.stringify(this.#exit)}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  async waitForStdout(text: string, timeoutMs = WAIT_MS): Promise<void> {
    await waitUntil(() => this.stdout.includes(text), JSON.stringify(text), () => this.describe(), timeoutMs);
  }

  /** Waits for a JSON log line on stderr with this `msg`, and returns it. */
  async waitForLog(msg: string, timeoutMs = WAIT_MS): Promise<LogLine> {
    let found: LogLine | undefined;
    await waitUntil(() => (found = parseLogLines(this.stderr).find((line) => line.msg === msg)) !== undefined, `log ${JSON.stringify(msg)}`, () => this.describe(), timeoutMs);
    return found as LogLine;
  }

  /** Bounded wait for the exit; kills the process if it overstays. */
  async exit(timeoutMs = WAIT_MS): Promise<Exit> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Remembers every child a test file starts; `killAll` goes in afterEach. */
export class ChildTracker {
  readonly #children = new Set<ChildFixture>();

  ringlogd(args: readonly string[]): ChildFixture {
    return this.track(new ChildFixture(RINGLOGD_BIN, args));
  }

  /** The entry as `node --import tsx apps/daemon/src/main.ts`. */
  ringlogdMain(args: readonly string[]): ChildFixture {
    return this.track(new ChildFixture(RINGLOGD_MAIN, args, ['--import', 'tsx']));
  }

  ringlog(args: readonly string[]): ChildFixture {
    return this.track(new ChildFixture(RINGLOG_BIN, args));
  }

  /** Remembers a child started elsewhere, so killAll reaches it. */
  track(child: ChildFixture): ChildFixture {
    this.#children.add(child);
    return child;
  }

  async killAll(): Promise<void> {
    const children = [...this.#children];
    this.#children.clear();
    await Promise.all(children.map((child) => child.kill()));
  }
}

/** The TCP port from ringlogd's "ringlogd started" line (it listened on port 0). */
export function tcpPortOf(started: LogLine): number {
  const listen = started['listen'] as string[];
  const tcp = listen.find((address) => address.startsWith('tcp:'));
  if (tcp === undefined) throw new Error(`no TCP listener in ${JSON.stringify(listen)}`);
  return Number(tcp.slice(tcp.lastIndexOf(':') + 1));
}

/** A fresh temp dir for sockets, configs and logs. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ringlogd-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A TCP server holding a free port on 127.0.0.1, so a daemon asked for it finds it in use. */
export async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The reference spread.conf (shared/reference/spread-segment-for-web-logs.txt) as a file. */
export async function readSpreadConfFixture(): Promise<string> {
  return readFile(path.join(FIXTURES, 'spread.conf'), 'utf8');
}
