/**
 * The live tail's hub: every line the collector receives goes to each subscribed client whose
 * filter keeps it (`GET /tail`, server-sent events).
 *
 * Theory of operation: the hub attaches itself to the engine (through `onActiveChange`) only
 * while at least one client listens, so without listeners the collector's hot path pays one null
 * check per message. With listeners, each message body is cut into printable lines once and
 * offered to every client; clients queue and write on their own (TailClient), so a slow client
 * drops its own lines and never slows the others or the files. At most `clientsMax` clients;
 * a heartbeat comment keeps idle streams open through proxies.
 */
import { printableLines, type TailFilter } from '@ringlog/collector';
import { TailClient, type TailCounters, type TailSink } from './tail-client.ts';

export interface TailHubOptions {
  /** Concurrent clients at most; one more is refused (503). */
  readonly clientsMax?: number;
  /** Frames queued per client at most. */
  readonly bufferLinesMax?: number;
  /** Characters queued per client at most. */
  readonly bufferBytesMax?: number;
  /** Milliseconds between heartbeat comments; 0 = none. */
  readonly heartbeatMs?: number;
  /** True when the first client arrives, false when the last leaves: attach or detach the tap. */
  readonly onActiveChange?: (active: boolean) => void;
}

export const TAIL_CLIENTS_MAX = 64;
export const TAIL_BUFFER_LINES_MAX = 1000;
/** 1 MiB of characters: with 64 clients the tail holds at most 64 MiB, whatever the clients do. */
export const TAIL_BUFFER_BYTES_MAX = 1024 * 1024;
export const TAIL_HEARTBEAT_MS = 15_000;

export class TailHub {
  readonly counters: TailCounters = { clients: 0, linesSent: 0, linesDropped: 0, clientsRejected: 0 };
  readonly clientsMax: number;
  readonly #limits: { readonly bufferLinesMax: number; readonly bufferBytesMax: number };
  readonly #clients = new Set<TailClient>();
  readonly #onActiveChange: (active: boolean) => void;
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: TailHubOptions = {}) {
    this.clientsMax = options.clientsMax ?? TAIL_CLIENTS_MAX;
    this.#limits = { bufferLinesMax: options.bufferLinesMax ?? TAIL_BUFFER_LINES_MAX, bufferBytesMax: options.bufferBytesMax ?? TAIL_BUFFER_BYTES_MAX };
    this.#onActiveChange = options.onActiveChange ?? (() => undefined);
    this.#heartbeatMs = options.heartbeatMs ?? TAIL_HEARTBEAT_MS;
  }

  /** True when a subscription would be refused. */
  get refusing(): boolean {
    return this.#closed || this.#clients.size >= this.clientsMax;
  }

  /** Starts streaming to `sink`; null (counted) when refusing. */
  subscribe(filter: TailFilter, sink: TailSink): TailClient | null {
    if (this.refusing) {
      this.counters.clientsRejected++;
      return null;
    }
    const client = new TailClient(filter, sink, this.#limits, this.counters);
    this.#clients.add(client);
    this.counters.clients = this.#clients.size;
    if (this.#clients.size === 1) this.#activate();
    return client;
  }

  /** Forgets `client` (its response closed); idempotent. */
  unsubscribe(client: TailClient): void {
    client.close();
    if (!this.#clients.delete(client)) return;
    this.counters.clients = this.#clients.size;
    if (this.#clients.size === 0) this.#deactivate();
  }

  /** The engine's tap: offers every line of one message body to every client. */
  readonly publish = (_groups: readonly string[], data: Buffer): void => {
    if (this.#clients.size === 0) return;
    const lines = printableLines(data);
    for (const client of this.#clients) {
      for (const line of lines) client.offer(line);
    }
  };

  /** Ends every stream and refuses new ones (the admin HTTP is closing). */
  close(): void {
    this.#closed = true;
    for (const client of [...this.#clients]) {
      client.end();
      this.unsubscribe(client);
    }
  }

  #activate(): void {
    if (this.#heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#clients.forEach((client) => client.heartbeat()), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    this.#onActiveChange(true);
  }

  #deactivate(): void {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    this.#onActiveChange(false);
  }
}
