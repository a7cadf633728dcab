/**
 * A session that survives daemon restarts and network drops.
 *
 * Theory of operation: one dial loop owns the connection. It dials; on success it rejoins
 * every group the caller joined, forwards the session's events and waits for it to close;
 * on failure or close it sleeps an exponential, jittered backoff and dials again. Progress
 * is reported as type-tagged status events (connecting, connected, disconnected,
 * reconnecting, closed). After `attemptsMax` consecutive failed dials, or a reject that
 * cannot heal by waiting (illegal name, version, auth), the loop ends and closed()
 * resolves with the error, whose `cause` is the last failure.
 *
 * Sends while disconnected throw NOT_CONNECTED rather than buffer without bound; await
 * ready() to wait for a connection.
 */
import { ResultCode } from '@ringlog/wire';
import { backoffDelayMs, resolveBackoff, type Backoff, type ReconnectOptions } from './backoff.ts';
import { connect, resolveConnectOptions, type ConnectOptions } from './connect.ts';
import { ClientError, ClientErrorCode, ClientUsageError, ReconnectExhaustedError, SessionClosedError } from './errors.ts';
import { EventConsumer } from './event-consumer.ts';
import { EventQueue } from './event-queue.ts';
import type { SpreadEvent } from './events.ts';
import type { MulticastOptions } from './prepared-multicast.ts';
import { checkJoinGroup } from './service.ts';
import type { EventListener, SpreadSession } from './session.ts';

export interface ReconnectingConnectOptions extends ConnectOptions {
  readonly reconnect?: ReconnectOptions;
}

export type ReconnectStatus =
  | { readonly type: 'connecting'; readonly attempt: number }
  | { readonly type: 'connected'; readonly privateGroup: string }
  | { readonly type: 'disconnected'; readonly cause: Error | undefined }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly cause: Error }
  | { readonly type: 'closed'; readonly error: Error | undefined };

export type Dialer = (options: ConnectOptions) => Promise<SpreadSession>;

/** Rejects that waiting cannot cure: the loop stops on them instead of retrying forever. */
const PERMANENT_REJECTS: ReadonlySet<number> = new Set([ResultCode.ILLEGAL_SPREAD, ResultCode.REJECT_ILLEGAL_NAME, ResultCode.REJECT_VERSION, ResultCode.REJECT_AUTH]);

const STATUS_QUEUE_MAX = 256;
const EVENT_QUEUE_MAX = 4096;

export class ReconnectingSession implements AsyncIterable<SpreadEvent> {
  readonly #options: ConnectOptions;
  readonly #backoff: Backoff;
  readonly #dial: Dialer;
  readonly #groups = new Set<string>();
  readonly #status = new EventQueue<ReconnectStatus>({ highWater: STATUS_QUEUE_MAX, lowWater: 0, overflow: 'drop-oldest' });
  readonly #events: EventQueue<SpreadEvent>;
  readonly #closed: Promise<Error | undefined>;
  #resolveClosed!: (error: Error | undefined) => void;
  #current: SpreadSession | null = null;
  readonly #consumer = new EventConsumer();
  #eventsPaused = false;
  #closing = false;
  #finished = false;
  #wake: (() => void) | null = null;
  #readyWaiters: { resolve: (session: SpreadSession) => void; reject: (error: Error) => void }[] = [];

  constructor(options: ReconnectingConnectOptions, dial: Dialer = connect) {
    resolveConnectOptions(options);
    this.#options = options;
    this.#backoff = resolveBackoff(options.reconnect);
    this.#dial = dial;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#events = new EventQueue<SpreadEvent>({
      highWater: EVENT_QUEUE_MAX,
      lowWater: EVENT_QUEUE_MAX / 2,
      overflow: 'pause',
      onPause: () => this.#setEventsPaused(true),
      onResume: () => this.#setEventsPaused(false),
    });
    void this.#dialLoop();
  }

  /** The live session, or null while (re)connecting. */
  get current(): SpreadSession | null {
    return this.#current;
  }

  /** Groups joined through this object; rejoined after every reconnect. */
  get groups(): readonly string[] {
    return [...this.#groups];
  }

  /** Resolves with the live session (at once if connected); rejects once closed. */
  ready(): Promise<SpreadSession> {
    if (this.#current !== null && this.#current.isOpen) return Promise.resolve(this.#current);
    if (this.#finished || this.#closing) return Promise.reject(this.#notConnected());
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  join(group: string): void {
    checkJoinGroup(group);
    this.#groups.add(group);
    if (this.#current?.isOpen === true) this.#current.join(group);
  }

  leave(group: string): void {
    checkJoinGroup(group);
    this.#groups.delete(group);
    if (this.#current?.isOpen === true) this.#current.leave(group);
  }

  multicastNow(options: MulticastOptions): boolean {
    return this.#live().multicastNow(options);
  }

  multicast(options: MulticastOptions): Promise<void> {
    return this.#live().multicast(options);
  }

  /** Events of every connection in turn, synchronously. Same contract as SpreadSession.onEvent. */
  onEvent(listener: EventListener): () => void {
    return this.#consumer.attach(this.#events, listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<SpreadEvent> {
    return this.#consumer.takeIterator(this.#events);
  }

  /** Status events, oldest first; at most 256 are kept for a slow reader. One consumer. */
  status(): AsyncIterableIterator<ReconnectStatus> {
    return this.#status;
  }

  /** Stops redialing and disconnects. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    const current = this.#current;
    if (current !== null) await current.disconnect();
    await this.#closed;
  }

  /** Resolves when the loop has ended: undefined after close(), else why it gave up. */
  closed(): Promise<Error | undefined> {
    return this.#closed;
  }

  async #dialLoop(): Promise<void> {
    let failures = 0;
    let lastError: Error | undefined;
    while (!this.#closing) {
      this.#status.push({ type: 'connecting', attempt: failures + 1 });
      let session: SpreadSession;
      try {
        session = await this.#dial(this.#options);
      } catch (error) {
        failures++;
        lastError = error instanceof Error ? error : new Error(String(error));
        const fatal = this.#fatal(lastError, failures);
        if (fatal !== null || this.#closing) return this.#finish(fatal ?? undefined);
        await this.#pause(failures, lastError);
        continue;
      }
      failures = 0;
      const cause = await this.#run(session);
      if (this.#closing) break;
      this.#status.push({ type: 'disconnected', cause });
      await this.#pause(1, cause ?? new SessionClosedError(ClientErrorCode.CONNECTION_CLOSED, ResultCode.CONNECTION_CLOSED, 'Session closed'));
    }
    this.#finish(undefined);
  }

  /** Null to keep dialing; otherwise the error that ends the loop. */
  #fatal(error: Error, failures: number): Error | null {
    const code = error instanceof ClientError ? error.spreadCode : 0;
    if (error instanceof ClientUsageError || PERMANENT_REJECTS.has(code)) return error;
    if (this.#backoff.attemptsMax !== -1 && failures >= this.#backoff.attemptsMax) {
      return new ReconnectExhaustedError(ClientErrorCode.RECONNECT_EXHAUSTED, code || ResultCode.COULD_NOT_CONNECT, `Gave up after ${failures} failed dials: ${error.message}`, { cause: error });
    }
    return null;
  }

  async #pause(attempt: number, cause: Error): Promise<void> {
    const delayMs = backoffDelayMs(this.#backoff, attempt);
    this.#status.push({ type: 'reconnecting', attempt, delayMs, cause });
    if (this.#closing) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = null;
  }

  /** Attaches one live session until it closes; returns why it closed. */
  async #run(session: SpreadSession): Promise<Error | undefined> {
    this.#current = session;
    if (this.#eventsPaused) session.pause();
    session.onEvent(this.#forward);
    for (const group of this.#groups) session.join(group);
    this.#status.push({ type: 'connected', privateGroup: session.privateGroup });
    for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve(session);
    if (this.#closing) await session.disconnect();
    const cause = await session.closed();
    this.#current = null;
    return cause;
  }

  readonly #forward = (event: SpreadEvent): void => {
    const listener = this.#consumer.listener;
    if (listener !== null) listener(event);
    else this.#events.push(event);
  };

  #setEventsPaused(paused: boolean): void {
    this.#eventsPaused = paused;
    if (paused) this.#current?.pause();
    else this.#current?.resume();
  }

  #live(): SpreadSession {
    const current = this.#current;
    if (current === null || !current.isOpen) throw this.#notConnected();
    return current;
  }

  #notConnected(): SessionClosedError {
    return new SessionClosedError(ClientErrorCode.NOT_CONNECTED, ResultCode.CONNECTION_CLOSED, 'No live connection to the daemon');
  }

  #finish(error: Error | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#status.push({ type: 'closed', error });
    this.#status.end();
    this.#events.end();
    for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(error ?? this.#notConnected());
    this.#resolveClosed(error);
  }
}

/** Starts a ReconnectingSession; await ready() for the first connection. */
export function connectReconnecting(options: ReconnectingConnectOptions): ReconnectingSession {
  return new ReconnectingSession(options);
}
