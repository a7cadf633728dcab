/**
 * The listening side of a stream input (unix or tcp): one net.Server, connections over
 * `max_connections` refused, and an orderly close. Connections themselves live in
 * StreamConnections.
 */
import net from 'node:net';
import type { InputHandle, LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';
import { StreamConnections } from './stream-connections.ts';
import type { StreamFramingPolicy } from './stream-framer.ts';

/** The kernel caps it at net.core.somaxconn; a deep queue absorbs writers that all connect at once (a web server's restart). */
export const STREAM_LISTEN_BACKLOG = 4096;

export interface StreamServerOptions {
  readonly handle: InputHandle;
  readonly ingest: LineIngest;
  readonly logger: Logger;
  readonly framing: StreamFramingPolicy;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
}

export class StreamServer {
  readonly #server: net.Server;
  readonly #connections: StreamConnections;
  readonly #handle: InputHandle;
  readonly #logger: Logger;
  #listening = false;
  #closed: Promise<void> | null = null;

  constructor(options: StreamServerOptions) {
    this.#handle = options.handle;
    this.#logger = options.logger;
    this.#connections = new StreamConnections(options);
    this.#server = net.createServer();
    // Node refuses over the limit before it builds a Socket: a flood of connections costs no JS objects.
    this.#server.maxConnections = options.maxConnections;
    this.#server.on('drop', this.#refused);
    this.#server.on('connection', this.#connections.accept);
  }

  /** Listens; rejects with the OS error (the input wraps it in a ShipperInputError). */
  async listen(options: net.ListenOptions): Promise<net.AddressInfo | string | null> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ backlog: STREAM_LISTEN_BACKLOG, ...options }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#listening = true;
    // Accept failures (EMFILE under a flood) must not crash the shipper: the server keeps listening.
    this.#server.on('error', this.#failed);
    return this.#server.address();
  }

  /** Stops accepting, ends every connection after pushing what it sent, resolves when all are closed. */
  close(): Promise<void> {
    if (!this.#listening) return this.#closed ?? Promise.resolve();
    this.#listening = false;
    const serverClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#closed = this.#connections.close().then(() => serverClosed);
    return this.#closed;
  }

  readonly #refused = (): void => {
    this.#handle.stats.error('too_many_connections');
  };

  readonly #failed = (error: Error): void => {
    this.#handle.stats.error('read_error');
    this.#logger.warn({ input: this.#handle.name, err: error }, 'Input could not accept a connection');
  };
}
