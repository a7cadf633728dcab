/**
 * `ringlog tail`: prints every line of every message delivered to the tailed groups, live.
 *
 * Theory of operation: one ReconnectingSession joins the groups and is read as an async
 * iterable. A data message to a tailed group becomes its printable lines (printableLines: UTF-8
 * with U+FFFD for bad bytes and control characters), the filter keeps some, and they go to
 * standard output in one write. When the reader of standard output is slow the loop waits for
 * 'drain' before taking the next event, so the session's queue fills and its socket pauses: the
 * daemon, not this process, holds the backlog (and applies its slow-reader policy; if it cuts
 * the session, that is one more reconnect). Status events become notes on standard error.
 *
 * The run ends after `count` lines, on the stop signal, when standard output's reader has gone
 * (EPIPE: quietly, status 0), or when the session gives up for good (status 1).
 */
import { ClientError, ClientErrorCode, ClientUsageError, ReconnectingSession, formatEndpoint, parseSpreadName, type ReconnectStatus, type SpreadEvent } from '@ringlog/client';
import { printableLines } from '@ringlog/collector';
import { MARKER_MESS_TYPE } from '@ringlog/shipper';
import { ACK_MESS_TYPE, batchBody } from '@ringlog/delivery';
import { isLegalGroupName } from '@ringlog/wire';
import type { CliIo } from '../cli-io.ts';
import { ExitStatus } from '../errors.ts';
import type { TailOptions } from './tail-options.ts';

const PREFIX = 'ringlog tail: ';

type StopReason = 'count' | 'signal' | 'output-closed' | 'output-failed';

class TailRun {
  readonly #session: ReconnectingSession;
  readonly #options: TailOptions;
  readonly #io: CliIo;
  readonly #groups: ReadonlySet<string>;
  readonly #endpoint: string;
  #printed = 0;
  #stopped: StopReason | null = null;
  #wakeWriter: (() => void) | null = null;

  constructor(session: ReconnectingSession, options: TailOptions, io: CliIo) {
    this.#session = session;
    this.#options = options;
    this.#io = io;
    this.#groups = new Set(options.groups);
    this.#endpoint = formatEndpoint(parseSpreadName(options.spread));
  }

  async run(): Promise<number> {
    const notes = this.#followStatus();
    const onStop = (): void => this.#stop('signal');
    this.#options.stopSignal?.addEventListener('abort', onStop, { once: true });
    if (this.#options.stopSignal?.aborted === true) onStop();
    this.#io.stdout.on('error', this.#onOutputError);
    try {
      for await (const event of this.#session) {
        if (this.#stopped !== null) break;
        const chunk = this.#take(event);
        if (chunk !== null && !this.#io.stdout.write(chunk)) await this.#drained();
        if (this.#stopped !== null) break;
      }
    } finally {
      this.#options.stopSignal?.removeEventListener('abort', onStop);
      await this.#session.close();
      await notes;
      // Keep a listener: a write still in flight may fail after we return.
      this.#io.stdout.off('error', this.#onOutputError);
      this.#io.stdout.on('error', () => undefined);
    }
    return this.#status(await this.#session.closed());
  }

  /** The text to print for one event, or null when it prints nothing. */
  #take(event: SpreadEvent): string | null {
    if (event.type !== 'message') return null;
    // Shipper markers only ever go to the shipper's own private group; skip them by type too.
    if (event.messType === MARKER_MESS_TYPE || event.messType === ACK_MESS_TYPE) return null;
    if (!event.groups.some((group) => this.#groups.has(group))) return null;
    let text = '';
    // A shipper's batch in acknowledged delivery starts with its header: show the lines only.
    for (const line of printableLines(batchBody(event.data, event.messType))) {
      if (!this.#options.filter.matches(line)) continue;
      text += `${line}\n`;
      this.#printed++;
      if (this.#printed === this.#options.count) {
        this.#stop('count');
        break;
      }
    }
    return text.length === 0 ? null : text;
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#io.stdout.off('drain', wake);
        this.#wakeWriter = null;
        resolve();
      };
      this.#wakeWriter = wake;
      this.#io.stdout.once('drain', wake);
    });
  }

  #stop(reason: StopReason): void {
    if (this.#stopped !== null) return;
    this.#stopped = reason;
    this.#wakeWriter?.();
    void this.#session.close();
  }

  readonly #onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') return this.#stop('output-closed');
    if (this.#stopped === null) this.#note(`cannot write to standard output: ${error.message}`);
    this.#stop('output-failed');
  };

  #status(failure: Error | undefined): number {
    if (this.#stopped === 'output-failed') return ExitStatus.FAILURE;
    if (this.#stopped !== null || failure === undefined) return ExitStatus.OK;
    this.#note(`gave up on the daemon at ${this.#endpoint}: ${failure.message}`);
    return ExitStatus.FAILURE;
  }

  /** One note per change: lost, then (re)connected; never one per redial. */
  async #followStatus(): Promise<void> {
    let troubled = false;
    for await (const status of this.#session.status()) {
      if (status.type === 'closed') return;
      const note = this.#statusNote(status, troubled);
      if (note === null) continue;
      troubled = status.type !== 'connected';
      this.#note(note);
    }
  }

  #statusNote(status: ReconnectStatus, troubled: boolean): string | null {
    const groups = this.#options.groups.join(' ');
    switch (status.type) {
      case 'connected':
        return troubled ? `connected to ${this.#endpoint}; tailing ${groups}` : null;
      case 'disconnected':
        return `lost the daemon at ${this.#endpoint}${status.cause === undefined ? '' : ` (${status.cause.message})`}; reconnecting`;
      case 'reconnecting':
        return troubled ? null : `cannot connect to ${this.#endpoint} (${status.cause.message}); retrying`;
      default:
        return null;
    }
  }

  #note(text: string): void {
    if (this.#stopped === 'output-failed' || this.#stopped === 'output-closed') return;
    this.#io.stderr.write(`${PREFIX}${text}\n`);
  }
}

function optionProblem(options: TailOptions): string | null {
  if (options.groups.length === 0) return 'give at least one -g GROUP';
  const illegal = options.groups.find((group) => !isLegalGroupName(group));
  if (illegal !== undefined) return `-g must name a group of 1..31 characters in 0x24..0x7e, got ${JSON.stringify(illegal)}`;
  if (options.reconnectMaxDelayMs < options.reconnectInitialDelayMs) return '--reconnect-max-ms must be at least --reconnect-initial-ms';
  return null;
}

function openSession(options: TailOptions): ReconnectingSession {
  const session = new ReconnectingSession({
    endpoint: options.spread,
    name: options.user,
    membership: false,
    connectTimeoutMs: options.connectTimeoutMs,
    reconnect: { initialDelayMs: options.reconnectInitialDelayMs, maxDelayMs: options.reconnectMaxDelayMs },
  });
  for (const group of options.groups) session.join(group);
  return session;
}

/** Tails `options.groups` on `options.spread` until stopped; resolves with the exit status. */
export async function runTail(options: TailOptions, io: CliIo): Promise<number> {
  const problem = optionProblem(options);
  if (problem !== null) {
    io.stderr.write(`${PREFIX}${problem}\n`);
    return ExitStatus.USAGE;
  }
  let session: ReconnectingSession;
  try {
    session = openSession(options);
  } catch (error) {
    // Thrown before any dial: a malformed -s (ILLEGAL_SPREAD) or option.
    const malformed = error instanceof ClientUsageError || (error instanceof ClientError && error.code === ClientErrorCode.ILLEGAL_SPREAD);
    if (!malformed) throw error;
    io.stderr.write(`${PREFIX}${error.message}\n`);
    return ExitStatus.USAGE;
  }
  return new TailRun(session, options, io).run();
}
