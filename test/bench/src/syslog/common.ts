/**
 * What the rsyslog and syslog-ng comparator runs share: options and result types, starting and
 * stopping a daemon, feeding it newline-framed lines over TCP, waiting for the output files to
 * hold every byte, and checking that each line went, stripped of its vhost, to its vhost's file.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { countLinesPerVhost, splitIntoParts } from '../access-lines.ts';
import { cpuSeconds, peakRssKiB } from '../processes.ts';

export interface ComparatorOptions {
  /** Newline-terminated access-log lines, vhost first (see generateAccessLines). */
  readonly lines: Buffer;
  readonly lineCount: number;
  /** Sum of the output file sizes once every line is written (line bytes less the vhost and its space). */
  readonly expectedBytes: number;
  /** Number of distinct vhosts in lines (expected number of output files). */
  readonly vhosts: number;
  /** A fresh directory for the config, state and output of this run. */
  readonly workDir: string;
  /** TCP connections the lines are spread over (contiguous runs, one per connection); default: the variant's best. */
  readonly connections?: number;
  /** Give up waiting for the output after this long; default 300 s. */
  readonly timeoutMs?: number;
  /** Lines per vhost; computed from lines when absent (outside the timed part). */
  readonly perVhost?: ReadonlyMap<string, number>;
  /** Configuration variant (see RSYSLOG_VARIANTS / SYSLOG_NG_VARIANTS); default: the fastest honest one. */
  readonly variant?: string;
}

export interface ComparatorResult {
  /** e.g. "rsyslog 8.2302.0 (imtcp, rainerscript split, 1 conn)". */
  readonly name: string;
  readonly linesPerSecond: number;
  /** From the first byte sent until the last output byte was written. */
  readonly seconds: number;
  readonly filesWritten: number;
  readonly bytesWritten: number;
  /** Newlines counted across the output files (equals lineCount on an honest run). */
  readonly lineCountVerified: number;
  /** The configuration text used. */
  readonly config: string;
  /** The variant name, and how many TCP connections carried the lines. */
  readonly variant: string;
  readonly connections: number;
  /** Empty on an honest run; otherwise what the output got wrong (lost lines, wrong files, vhost not stripped…). */
  readonly problems: readonly string[];
  /** User + system CPU seconds of the daemon (all its threads) from the first byte sent until the output was complete; null when /proc could not tell. */
  readonly daemonCpuSeconds: number | null;
  /** The daemon's peak resident set size (VmHWM), KiB; null when /proc could not tell. */
  readonly daemonPeakRssKiB: number | null;
}

export interface Skipped {
  readonly skipped: string;
}

export function isSkipped(result: ComparatorResult | Skipped): result is Skipped {
  return 'skipped' in result;
}

export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningDaemon {
  readonly child: ChildProcess;
  readonly logPath: string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The daemon's stdout/stderr so far. */
  log(): string;
}

export function startDaemon(command: string, args: readonly string[], workDir: string, env: NodeJS.ProcessEnv = process.env): RunningDaemon {
  const logPath = join(workDir, 'daemon.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(command, [...args], { cwd: workDir, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('error', () => undefined);
  return {
    child,
    logPath,
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until something accepts TCP connections on 127.0.0.1:port, or the daemon exits. */
export async function waitForTcp(port: number, daemon: RunningDaemon, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) {
      throw new Error(`daemon exited (${daemon.child.exitCode ?? daemon.child.signalCode}) before listening:\n${daemon.log()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms:\n${daemon.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Opens `connections` TCP connections, then sends the lines split into that many contiguous runs
 * (one per connection) as fast as the sockets take them. Resolves with the wall-clock time of the
 * first byte sent, a promise that resolves once every connection has handed all its bytes to the
 * kernel (or with the first socket error: a daemon that resets a connection has refused lines),
 * and a function that closes the sockets.
 */
export async function sendLines(
  port: number,
  lines: Buffer,
  connections: number,
): Promise<{ startedAt: number; sent: Promise<Error | undefined>; close: () => void }> {
  const errors: Error[] = [];
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          // A permanent listener: a reset after the connection is up must not crash the benchmark.
          socket.on('error', (error) => {
            errors.push(error);
            reject(error);
          });
        }),
    ),
  );
  const parts = splitIntoParts(lines, connections);
  const startedAt = Date.now();
  const sent = Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<void>((resolve) => {
          // 'finish': every byte is handed to the kernel (the daemon closes its side in its own time).
          socket.once('finish', () => resolve());
          socket.once('close', () => resolve());
          // One write of the whole run: libuv writes it as fast as the kernel takes it.
          socket.end(parts[i] ?? Buffer.alloc(0));
          socket.resume();
        }),
    ),
  ).then(() => errors[0]);
  return { startedAt, sent, close: () => sockets.forEach((socket) => socket.destroy()) };
}

interface OutputScan {
  readonly files: number;
  readonly bytes: number;
  /** Latest mtime among the files, ms since the epoch. */
  readonly lastWriteMs: number;
}

/** Sizes of the regular files directly in dir (the per-vhost output files). */
export function scanOutput(dir: string): OutputScan {
  let files = 0;
  let bytes = 0;
  let lastWriteMs = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { files: 0, bytes: 0, lastWriteMs: 0 };
  }
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (!st.isFile()) continue;
      files++;
      bytes += st.size;
      if (st.mtimeMs > lastWriteMs) lastWriteMs = st.mtimeMs;
    } catch {
      // A file being created between readdir and stat: the next poll sees it.
    }
  }
  return { files, bytes, lastWriteMs };
}

/**
 * Polls the output directory until the files hold expectedBytes (or more), the daemon dies, or
 * timeoutMs passes. Polls every ~20 ms, or less often when a scan itself is slow (100k files), so
 * that polling never takes more than about a fifth of a core from the daemons. The end time is the
 * newest file mtime, so the poll interval does not add to the measured time.
 */
export async function waitForOutput(
  dir: string,
  expectedBytes: number,
  daemon: RunningDaemon,
  timeoutMs: number,
  startedAt: number,
): Promise<{ scan: OutputScan; endedAt: number; timedOut: boolean }> {
  const deadline = startedAt + timeoutMs;
  let stableSince = Date.now();
  let lastBytes = -1;
  for (;;) {
    const t0 = Date.now();
    const scan = scanOutput(dir);
    const t1 = Date.now();
    if (scan.bytes >= expectedBytes) {
      const endedAt = scan.lastWriteMs >= startedAt && scan.lastWriteMs <= t1 ? scan.lastWriteMs : t1;
      return { scan, endedAt, timedOut: false };
    }
    if (scan.bytes !== lastBytes) {
      lastBytes = scan.bytes;
      stableSince = t1;
    }
    const dead = daemon.child.exitCode !== null || daemon.child.signalCode !== null;
    // Output that has not grown for 15 s will not grow any more: lines were lost.
    if (t1 > deadline || dead || t1 - stableSince > 15_000) return { scan, endedAt: t1, timedOut: true };
    await new Promise((r) => setTimeout(r, Math.max(20, 4 * (t1 - t0))));
  }
}

/** FNV-1a (32-bit) of buffer[start, end). */
function fnv1a(buffer: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buffer[i] as number), 0x01000193);
  return h >>> 0;
}

/** What one vhost's file must hold. */
export interface ExpectedFile {
  /** Sum (mod 2^32) of the FNV-1a of each line, vhost and its space cut off, newline kept: order-independent. */
  readonly digest: number;
  /** Per TCP connection, the line hashes of this vhost sent on it, in the order sent. */
  readonly runs: readonly Uint32Array[];
}

const expectedCache = new WeakMap<Buffer, Map<number, Map<string, ExpectedFile>>>();

/**
 * Per vhost, what its file must hold when the lines are sent over `connections` connections as
 * sendLines splits them. Cached per buffer and connection count (computed before the timed part).
 */
export function expectedFiles(lines: Buffer, connections: number): Map<string, ExpectedFile> {
  const byConnections = expectedCache.get(lines) ?? new Map<number, Map<string, ExpectedFile>>();
  expectedCache.set(lines, byConnections);
  const cached = byConnections.get(connections);
  if (cached !== undefined) return cached;
  const parts = splitIntoParts(lines, connections);
  const building = new Map<string, { digest: number; runs: number[][] }>();
  for (const [c, part] of parts.entries()) {
    let start = 0;
    while (start < part.length) {
      let end = part.indexOf(0x0a, start);
      end = end === -1 ? part.length : end + 1;
      let space = part.indexOf(0x20, start);
      if (space === -1 || space >= end) space = end - 1;
      const vhost = part.toString('utf8', start, space);
      let entry = building.get(vhost);
      if (entry === undefined) {
        entry = { digest: 0, runs: parts.map(() => []) };
        building.set(vhost, entry);
      }
      const h = fnv1a(part, space + 1, end);
      entry.digest = (entry.digest + h) >>> 0;
      entry.runs[c]?.push(h);
      start = end;
    }
  }
  const result = new Map<string, ExpectedFile>();
  for (const [vhost, entry] of building) result.set(vhost, { digest: entry.digest, runs: entry.runs.map((r) => Uint32Array.from(r)) });
  byConnections.set(connections, result);
  return result;
}

/**
 * Checks one output file against what it must hold: returns 'ok', 'reordered' (the right lines,
 * but lines sent on one connection are not in the order sent) or 'wrong' (lines missing, extra or
 * altered).
 */
function checkFile(content: Buffer, expected: ExpectedFile): 'ok' | 'reordered' | 'wrong' {
  const heads = new Array<number>(expected.runs.length).fill(0);
  let digest = 0;
  let outOfOrder = false;
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    end = end === -1 ? content.length : end + 1;
    const h = fnv1a(content, start, end);
    digest = (digest + h) >>> 0;
    const c = expected.runs.findIndex((run, i) => run[heads[i] as number] === h);
    if (c === -1) outOfOrder = true;
    else heads[c] = (heads[c] as number) + 1;
    start = end;
  }
  if (digest !== expected.digest) return 'wrong';
  return outOfOrder ? 'reordered' : 'ok';
}

/**
 * Checks the output honestly: one file per vhost named `<vhost>.log`, holding exactly that vhost's
 * lines with the vhost and its space cut off (same count, same order-independent digest), lines
 * sent on one connection in the order sent; total newlines = lineCount. Returns the newline count
 * and the problems found (empty when honest).
 */
export function verifyOutput(
  dir: string,
  lines: Buffer,
  lineCount: number,
  perVhost: ReadonlyMap<string, number>,
  connections = 1,
): { lineCountVerified: number; filesWritten: number; bytesWritten: number; problems: string[] } {
  const problems: string[] = [];
  const note = (problem: string): void => {
    if (problems.length < 20) problems.push(problem);
  };
  const expectedByVhost = expectedFiles(lines, connections);
  let newlines = 0;
  let files = 0;
  let bytes = 0;
  let reordered = 0;
  const seen = new Set<string>();
  for (const name of readdirSync(dir)) {
    const content = readFileSync(join(dir, name));
    files++;
    bytes += content.length;
    let count = 0;
    for (let i = content.indexOf(0x0a); i !== -1; i = content.indexOf(0x0a, i + 1)) count++;
    newlines += count;
    const vhost = name.endsWith('.log') ? name.slice(0, -4) : name;
    seen.add(vhost);
    const expected = expectedByVhost.get(vhost);
    if (expected === undefined || perVhost.get(vhost) === undefined) {
      note(`unexpected file ${name}`);
      continue;
    }
    if (count !== perVhost.get(vhost)) note(`${name}: ${count} lines, expected ${perVhost.get(vhost)}`);
    if (content.toString('utf8', 0, vhost.length + 1) === `${vhost} `) note(`${name}: vhost not stripped`);
    const check = checkFile(content, expected);
    if (check === 'wrong') note(`${name}: its lines are not ${vhost}'s input lines less the vhost`);
    if (check === 'reordered') reordered++;
  }
  if (reordered > 0) problems.push(`${reordered} files have lines out of the order they were sent in on their connection`);
  if (newlines !== lineCount) problems.push(`${newlines} lines written, ${lineCount} sent (${lineCount - newlines} lost)`);
  const missing = [...perVhost.keys()].filter((v) => !seen.has(v));
  if (missing.length > 0) problems.push(`${missing.length} vhosts have no file, e.g. ${missing.slice(0, 3).join(', ')}`);
  return { lineCountVerified: newlines, filesWritten: files, bytesWritten: bytes, problems };
}

export interface DaemonRun {
  readonly name: string;
  readonly variant: string;
  readonly config: string;
  readonly connections: number;
  /** Starts the daemon on the port, with its config already written; output goes to outDir. */
  start(port: number): RunningDaemon;
}

/** The measurement both comparators share, for a daemon configured by `run`. */
export async function measure(options: ComparatorOptions, outDir: string, run: DaemonRun): Promise<ComparatorResult> {
  mkdirSync(outDir, { recursive: true });
  const perVhost = options.perVhost ?? countLinesPerVhost(options.lines);
  expectedFiles(options.lines, run.connections); // computed (and cached) before the timed part
  // Write back what earlier runs left dirty, so that their writeback does not land in this one.
  execFileSync('sync');
  const port = await freeTcpPort();
  const daemon = run.start(port);
  try {
    await waitForTcp(port, daemon);
    const pid = daemon.child.pid;
    const fromProc = <T>(read: (pid: number) => T): T | null => {
      try {
        return pid === undefined ? null : read(pid);
      } catch {
        return null; // the daemon is gone
      }
    };
    const cpuBefore = fromProc(cpuSeconds);
    const { startedAt, sent, close } = await sendLines(port, options.lines, run.connections);
    const timeoutMs = options.timeoutMs ?? 300_000;
    // No polling while lines are still being sent: the output cannot be complete before, and
    // scanning 100k files takes CPU from the daemon.
    let sendTimer: NodeJS.Timeout | undefined;
    const sendError = await Promise.race([sent, new Promise<undefined>((r) => (sendTimer = setTimeout(() => r(undefined), timeoutMs)))]);
    // A pending timer would keep the benchmark's process alive for timeoutMs after it is done.
    clearTimeout(sendTimer);
    const { endedAt, timedOut } = await waitForOutput(outDir, options.expectedBytes, daemon, timeoutMs, startedAt);
    const cpuAfter = fromProc(cpuSeconds);
    const daemonPeakRssKiB = fromProc(peakRssKiB);
    close();
    const seconds = Math.max(endedAt - startedAt, 1) / 1000;
    const verified = verifyOutput(outDir, options.lines, options.lineCount, perVhost, run.connections);
    const problems = [...verified.problems];
    if (timedOut) problems.unshift(`output stopped at ${verified.bytesWritten} of ${options.expectedBytes} bytes`);
    if (sendError !== undefined) problems.unshift(`the daemon broke a connection while lines were sent: ${sendError.message}`);
    if (verified.bytesWritten !== options.expectedBytes && !timedOut) problems.push(`${verified.bytesWritten} bytes written, expected ${options.expectedBytes}`);
    return {
      name: run.name,
      variant: run.variant,
      connections: run.connections,
      linesPerSecond: Math.round(verified.lineCountVerified / seconds),
      seconds,
      filesWritten: verified.filesWritten,
      bytesWritten: verified.bytesWritten,
      lineCountVerified: verified.lineCountVerified,
      config: run.config,
      problems,
      daemonCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      daemonPeakRssKiB,
    };
  } finally {
    await daemon.stop();
  }
}
