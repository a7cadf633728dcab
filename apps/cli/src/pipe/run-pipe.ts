/**
 * `ringlog pipe`: the piped-log helper. Composes the stdin splitter, the backlog (memory, then
 * a spool file) and the link to the shipper; see pipe-protocol.ts for what goes over the socket.
 *
 * Lifecycle: take over leftovers of dead helpers (they go first), read stdin until it ends (or
 * the stop signal fires), wait at most `drainMs` for the shipper to acknowledge everything,
 * then leave what is left in the spool file and return. Standard input is read at all times:
 * whatever the shipper does, Apache's writes never wait on it.
 */
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { resolveBackoff } from '@ringlog/client/internal';
import { isLegalGroupName } from '@ringlog/wire';
import type { CliIo } from '../cli-io.ts';
import { ExitStatus } from '../errors.ts';
import { PipeBacklog } from './pipe-backlog.ts';
import { PipeLineSplitter, type LineRun } from './pipe-line-splitter.ts';
import { PipeLink } from './pipe-link.ts';
import type { PipeOptions } from './pipe-options.ts';
import { defaultSpoolDirs, prepareSpoolDir } from './pipe-spool-dir.ts';
import { PipeWarnings } from './pipe-warnings.ts';
import { PIPE_HELPER_ID_MAX_BYTES } from '@ringlog/shipper';

export interface RunPipeOptions extends PipeOptions {
  /** Names this helper's spool files; tests running several helpers in one process vary it. */
  readonly pid?: number;
}

/** Runs the helper until its input ends; resolves with the exit status. */
export async function runPipe(options: RunPipeOptions, io: CliIo): Promise<number> {
  const problem = optionProblem(options);
  if (problem !== null) {
    io.stderr.write(`ringlog pipe: ${problem}\n`);
    return ExitStatus.USAGE;
  }
  const pid = options.pid ?? process.pid;
  const warnings = new PipeWarnings(io.stderr, options.warningIntervalMs);
  const backlog = new PipeBacklog({
    spoolDir: openSpoolDir(options.spoolDir, warnings),
    pid,
    group: options.group,
    bufferBytes: options.bufferBytes,
    spoolMaxBytes: options.spoolMaxBytes,
    now: Date.now,
    warn: (key, message) => warnings.warn(key, message),
  });
  adoptLeftovers(backlog, warnings);
  let onEmpty = (): void => {};
  const link = new PipeLink(backlog, {
    socketPath: options.socketPath,
    helperId: helperId(pid),
    group: options.group,
    backoff: resolveBackoff({ initialDelayMs: options.reconnectInitialDelayMs, maxDelayMs: options.reconnectMaxDelayMs }),
    warn: (key, message) => warnings.warn(key, message),
    onAcknowledged: () => {
      if (backlog.pendingBytes === 0) onEmpty();
    },
  });
  link.start();
  const rescan = options.rescanIntervalMs > 0 ? setInterval(() => adoptLeftovers(backlog, warnings) > 0 && link.pump(), options.rescanIntervalMs) : null;
  const splitter = new PipeLineSplitter();
  const take = (run: LineRun | null): void => {
    if (run === null) return;
    if (!backlog.append(run.bytes, run.lines)) warnings.warn('drop', () => dropMessage(backlog.droppedLines, options));
    link.pump();
  };
  await readUntilEnd(io.stdin, (chunk) => take(splitter.push(chunk)), options.stopSignal);
  take(splitter.end());
  if (rescan !== null) clearInterval(rescan);
  await waitForEmpty(backlog, options.drainMs, (resolve) => (onEmpty = resolve));
  link.close();
  finish(backlog, splitter, warnings);
  return ExitStatus.OK;
}

function optionProblem(options: PipeOptions): string | null {
  if (options.group !== null && !isLegalGroupName(options.group)) return `--group must be a group name of 1..31 characters in 0x24..0x7e, got ${JSON.stringify(options.group)}`;
  if (options.socketPath.length === 0) return '--socket must name the shipper\'s pipe socket';
  if (options.reconnectMaxDelayMs < options.reconnectInitialDelayMs) return '--reconnect-max-ms must be at least --reconnect-initial-ms';
  return null;
}

/** The spool directory, or null (memory only) when none can be used: the helper must run anyway. */
function openSpoolDir(configured: string, warnings: PipeWarnings): string | null {
  const candidates = configured.length > 0 ? [configured] : defaultSpoolDirs();
  const problems: string[] = [];
  for (const dir of candidates) {
    try {
      prepareSpoolDir(dir);
      return dir;
    } catch (error) {
      problems.push(`${dir}: ${(error as Error).message}`);
    }
  }
  warnings.say(`cannot use a spool directory (${problems.join('; ')}); holding lines in memory only`);
  return null;
}

function adoptLeftovers(backlog: PipeBacklog, warnings: PipeWarnings): number {
  try {
    const adopted = backlog.adoptLeftovers();
    if (adopted > 0) warnings.say(`took over ${adopted} spool file(s) of helpers that exited; sending them (${backlog.pendingBytes} bytes held)`);
    return adopted;
  } catch (error) {
    warnings.warn('adopt', `cannot look for leftover spool files: ${(error as Error).message}`);
    return 0;
  }
}

/** Feeds every chunk to `onChunk` until end of input, a read error, or `stop`. */
function readUntilEnd(stdin: Readable, onChunk: (chunk: Buffer) => void, stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('data', onChunk);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    if (stop?.aborted === true) return done();
    stdin.on('data', onChunk);
    stdin.once('end', done);
    stdin.once('close', done);
    stdin.once('error', done);
    stop?.addEventListener('abort', done);
  });
}

function waitForEmpty(backlog: PipeBacklog, drainMs: number, setOnEmpty: (resolve: () => void) => void): Promise<void> {
  if (backlog.pendingBytes === 0 || drainMs === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, drainMs);
    setOnEmpty(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function finish(backlog: PipeBacklog, splitter: PipeLineSplitter, warnings: PipeWarnings): void {
  let outcome;
  try {
    outcome = backlog.persist();
  } catch (error) {
    warnings.say(`cannot save unacknowledged lines: ${(error as Error).message}`);
    return;
  }
  if (outcome.pendingBytes > 0) {
    warnings.say(`the shipper did not acknowledge ${outcome.pendingBytes} bytes of lines; left in ${outcome.paths.join(', ')} for the next helper`);
  }
  if (backlog.droppedLines > 0) warnings.say(`dropped ${backlog.droppedLines} lines in all: memory buffer and spool file were full`);
  if (splitter.truncatedLines > 0) warnings.say(`truncated ${splitter.truncatedLines} lines longer than the pipe protocol allows`);
}

function dropMessage(dropped: number, options: PipeOptions): string {
  return `dropping the newest lines (${dropped} so far): memory buffer (${options.bufferBytes} bytes) and spool file (${options.spoolMaxBytes} bytes) are full and the shipper at ${options.socketPath} is not keeping up`;
}

/** `<host>-<pid>`, in the characters a hello allows. */
function helperId(pid: number): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, PIPE_HELPER_ID_MAX_BYTES - 12);
  return `${host || 'host'}-${pid}`;
}
