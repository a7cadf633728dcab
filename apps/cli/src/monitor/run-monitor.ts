/**
 * `ringlog monitor`: spmonitor's live view of the ring. Loads the segment from the daemon
 * config, then every `intervalMs` asks each daemon for its status and prints the round: redrawn
 * in place on a terminal, appended otherwise, or as JSON lines. Rounds never overlap: a round
 * that outlasts the interval is followed at once by the next.
 */
import type { Writable } from 'node:stream';
import { ConfigError } from '@ringlog/config';
import { RingError } from '@ringlog/ring';
import type { CliIo } from '../cli-io.ts';
import { CliError, ExitStatus } from '../errors.ts';
import type { MonitorOptions } from './monitor-options.ts';
import { everyDaemonAnswered, formatMonitorRoundJson, type MonitorRound, pollMonitorRound } from './monitor-round.ts';
import { loadMonitorSegment, type MonitorSegment } from './monitor-segment.ts';
import { formatMonitorRound } from './monitor-table.ts';

export interface RunMonitorOptions extends MonitorOptions {
  /** Aborting it ends the monitor with status 0 (Ctrl-C). */
  readonly stopSignal?: AbortSignal;
  /** Redraw in place (clear the screen each round); default: whether stdout is a terminal. */
  readonly terminal?: boolean;
}

/** Cursor home, then erase the display. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';
const PREFIX = 'ringlog monitor';

/** Runs the monitor until stopped (or one round with `once`); resolves with the exit status. */
export async function runMonitor(options: RunMonitorOptions, io: CliIo): Promise<number> {
  if (options.configPath.length === 0) {
    io.stderr.write(`${PREFIX}: -c/--config FILE is required: the daemon config (ringlogd YAML or spread.conf) listing the segment's daemons\nRun '${PREFIX} --help' for usage.\n`);
    return ExitStatus.USAGE;
  }
  let segment: MonitorSegment;
  try {
    segment = await loadMonitorSegment(options.configPath, options.keyFile);
  } catch (error) {
    return reportOperatingError(error, io);
  }
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  if (options.stopSignal?.aborted === true) abort();
  options.stopSignal?.addEventListener('abort', abort);
  // A closed pipe (`ringlog monitor | head`) ends the monitor like Ctrl-C.
  io.stdout.on('error', abort);
  try {
    return await monitorLoop(segment, options, io, stop.signal);
  } catch (error) {
    return reportOperatingError(error, io);
  } finally {
    options.stopSignal?.removeEventListener('abort', abort);
    io.stdout.off('error', abort);
  }
}

async function monitorLoop(segment: MonitorSegment, options: RunMonitorOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  const terminal = !options.once && !options.json && (options.terminal ?? isTerminal(io.stdout));
  let previous: MonitorRound | null = null;
  while (!stop.aborted) {
    const startedMs = Date.now();
    const round = await unlessAborted(pollMonitorRound(segment, options.timeoutMs), stop);
    if (round === null) break;
    io.stdout.write(renderRound(round, previous, segment, options, terminal));
    if (options.once) return everyDaemonAnswered(round) ? ExitStatus.OK : ExitStatus.NO_ANSWER;
    previous = round;
    await sleep(startedMs + options.intervalMs - Date.now(), stop);
  }
  return ExitStatus.OK;
}

function renderRound(round: MonitorRound, previous: MonitorRound | null, segment: MonitorSegment, options: RunMonitorOptions, terminal: boolean): string {
  if (options.json) return formatMonitorRoundJson(round);
  const text = formatMonitorRound(round, previous, segment.source);
  if (terminal) return `${CLEAR_SCREEN}${text}\nEvery ${options.intervalMs} ms; Ctrl-C quits.\n`;
  return previous === null ? text : `\n${text}`;
}

/** Config, key and socket problems: one line (or the config's located problems), status 1. */
function reportOperatingError(error: unknown, io: CliIo): number {
  if (!(error instanceof CliError || error instanceof ConfigError || error instanceof RingError)) throw error;
  io.stderr.write(`${PREFIX}: ${error.message}\n`);
  return ExitStatus.FAILURE;
}

function isTerminal(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

/** The promise's value, or null as soon as `signal` aborts (the promise is then left to settle alone). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(delayMs: number, signal: AbortSignal): Promise<void> {
  if (delayMs <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, delayMs);
    signal.addEventListener('abort', done, { once: true });
  });
}
