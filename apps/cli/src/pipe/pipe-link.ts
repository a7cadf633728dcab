/**
 * The helper's connection to the shipper's pipe input: dial with backoff, say hello, send the
 * backlog from its first unacknowledged byte, and turn `ACK`s into `backlog.acknowledge`.
 * Writes stop while the socket buffer is full (Node's own buffer stays small); stdin is read
 * by the caller regardless, so Apache never waits on the shipper.
 */
import { connect, type Socket } from 'node:net';
import { backoffDelayMs, type Backoff } from '@ringlog/client/internal';
import type { PipeBacklog } from './pipe-backlog.ts';
import { encodePipeHello, PipeByeReason, PipeReplyDecoder } from '@ringlog/shipper';

export interface PipeLinkOptions {
  readonly socketPath: string;
  readonly helperId: string;
  readonly group: string | null;
  readonly backoff: Backoff;
  readonly warn: (key: string, message: () => string) => void;
  /** Called after every acknowledgement (the exit path waits for the backlog to empty). */
  readonly onAcknowledged: () => void;
}

/** Bytes read from the backlog per socket write. */
const SEND_CHUNK_BYTES = 64 * 1024;

export class PipeLink {
  readonly #backlog: PipeBacklog;
  readonly #options: PipeLinkOptions;
  #socket: Socket | null = null;
  #connected = false;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Logical offset where this connection's stream (and its ack count) starts. */
  #connectionStart = 0;
  #sentOffset = 0;
  #ackedOnConnection = 0;
  #decoder = new PipeReplyDecoder();

  constructor(backlog: PipeBacklog, options: PipeLinkOptions) {
    this.#backlog = backlog;
    this.#options = options;
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#dial();
  }

  /** Sends what the backlog holds beyond what was sent, as far as the socket takes it. */
  pump(): void {
    const socket = this.#socket;
    if (socket === null && this.#retryTimer === null) return this.#dial();
    if (!this.#connected || socket === null) return;
    while (this.#sentOffset < this.#backlog.endOffset && !socket.writableNeedDrain) {
      const bytes = this.#backlog.read(this.#sentOffset, SEND_CHUNK_BYTES);
      this.#sentOffset += bytes.length;
      socket.write(bytes);
    }
  }

  /** Stops for good: no more dials; unacknowledged lines stay in the backlog. */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#socket?.destroy();
  }

  #dial(): void {
    this.#retryTimer = null;
    if (this.#closed || this.#socket !== null) return;
    const socket = connect(this.#options.socketPath);
    this.#socket = socket;
    socket.once('connect', () => this.#onConnect(socket));
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk));
    socket.on('drain', () => this.pump());
    socket.on('error', (error: NodeJS.ErrnoException) => this.#onError(error));
    socket.once('close', () => this.#onClose(socket));
  }

  #onConnect(socket: Socket): void {
    this.#failures = 0;
    this.#connected = true;
    this.#decoder = new PipeReplyDecoder();
    // Everything not acknowledged is sent again: acks on this connection count from here.
    this.#connectionStart = this.#backlog.ackedOffset;
    this.#sentOffset = this.#connectionStart;
    this.#ackedOnConnection = 0;
    socket.write(encodePipeHello(this.#options.helperId, this.#options.group));
    this.pump();
  }

  #onData(socket: Socket, chunk: Buffer): void {
    for (const event of this.#decoder.feed(chunk)) {
      if (event.type === 'ack') {
        const offset = this.#connectionStart + event.bytes;
        if (event.bytes < this.#ackedOnConnection || offset > this.#sentOffset) {
          this.#options.warn('protocol', () => `the shipper acknowledged ${event.bytes} bytes of ${this.#sentOffset - this.#connectionStart} sent; reconnecting`);
          socket.destroy();
          return;
        }
        this.#ackedOnConnection = event.bytes;
        this.#backlog.acknowledge(offset);
        this.#options.onAcknowledged();
      } else if (event.type === 'bye') {
        // An idle helper being let go is routine; anything else is worth a line in Apache's log.
        if (event.reason !== PipeByeReason.IDLE_TIMEOUT) this.#options.warn(`bye-${event.reason}`, () => `the shipper closed the connection: ${event.reason}`);
      } else {
        this.#options.warn('protocol', () => `the shipper sent ${event.detail}; reconnecting`);
        socket.destroy();
        return;
      }
    }
  }

  #onError(error: NodeJS.ErrnoException): void {
    const path = this.#options.socketPath;
    this.#options.warn('connect', () => `cannot reach the shipper at ${path} (${error.code ?? error.message}); holding ${this.#backlog.pendingBytes} bytes of lines until it is back`);
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#connected = false;
    if (this.#closed) return;
    // Nothing to send: dial again when a line arrives (pump), not in a loop against an idle timeout.
    if (this.#backlog.pendingBytes === 0) {
      this.#failures = 0;
      return;
    }
    this.#failures += 1;
    this.#retryTimer = setTimeout(() => this.#dial(), backoffDelayMs(this.#options.backoff, this.#failures));
  }
}
