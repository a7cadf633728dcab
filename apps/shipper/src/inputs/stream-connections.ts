/**
 * The open connections of one stream input (unix or tcp): reading, framing, backpressure, idle
 * timeout and shutdown.
 *
 * Theory of operation: a web node may hold tens of thousands of writers that connect once and
 * then stay silent for long stretches, so an idle connection must cost little more than its
 * socket. Hence: one Map entry per socket whose framer stays null until the first byte arrives;
 * socket event handlers created once per input and shared by every socket (`this` is the
 * socket); a per-socket timer only when `idle_timeout_ms` > 0.
 *
 * Backpressure is input-wide: when the engine answers a push with `paused`, every socket of the
 * input is paused (Node then stops reading from the kernel, and writers block in write()); when
 * `whenWritable()` resolves they are all resumed. A connection's last line (no LF before EOF) is
 * pushed when the socket closes, whatever closed it.
 */
import type net from 'node:net';
import type { InputHandle, LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';
import { StreamFramer, type StreamFramingPolicy } from './stream-framer.ts';


const NEWLINE = 0x0a;
export interface StreamConnectionsOptions {
  readonly handle: InputHandle;
  readonly ingest: LineIngest;
  readonly logger: Logger;
  readonly framing: StreamFramingPolicy;
  /** 0 = never close a silent connection. */
  readonly idleTimeoutMs: number;
}

interface SocketHandlers {
  data(this: net.Socket, chunk: Buffer): void;
  close(this: net.Socket): void;
  error(this: net.Socket, error: NodeJS.ErrnoException): void;
  timeout(this: net.Socket): void;
}

/** A writer that goes away abruptly resets its connection: routine, not a read failure. */
const ROUTINE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

export class StreamConnections {
  readonly #options: StreamConnectionsOptions;
  /** Open sockets → their framer; null until the socket's first byte. */
  readonly #sockets = new Map<net.Socket, StreamFramer | null>();
  readonly #handlers: SocketHandlers;
  #paused = false;
  #closing = false;
  #allClosed: (() => void) | null = null;

  constructor(options: StreamConnectionsOptions) {
    this.#options = options;
    this.#handlers = StreamConnections.#createHandlers(this);
  }

  /** Adopts a socket the server accepted. */
  readonly accept = (socket: net.Socket): void => {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const { stats } = this.#options.handle;
    this.#sockets.set(socket, null);
    stats.connections += 1;
    stats.connectionsTotal += 1;
    const handlers = this.#handlers;
    socket.on('data', handlers.data);
    socket.on('close', handlers.close);
    socket.on('error', handlers.error);
    if (this.#options.idleTimeoutMs > 0) {
      socket.setTimeout(this.#options.idleTimeoutMs);
      socket.on('timeout', handlers.timeout);
    }
    if (this.#paused) socket.pause();
  };

  /**
   * Ends every connection: lines already read (including bytes a paused socket holds in its
   * buffer, and each connection's unterminated last line) are pushed first. Resolves once every
   * socket has closed. The server must already have stopped accepting.
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const socket of this.#sockets.keys()) {
      socket.off('data', this.#handlers.data);
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) this.#read(socket, chunk);
      socket.destroy();
    }
    if (this.#sockets.size === 0) return;
    await new Promise<void>((resolve) => (this.#allClosed = resolve));
  }

  static #createHandlers(owner: StreamConnections): SocketHandlers {
    return {
      data(chunk) {
        owner.#read(this, chunk);
      },
      close() {
        owner.#closed(this);
      },
      error(error) {
        if (ROUTINE_SOCKET_ERRORS.has(error.code ?? '')) return;
        owner.#options.handle.stats.error('read_error');
        owner.#options.logger.warn({ input: owner.#options.handle.name, err: error }, 'Input connection read failed');
      },
      timeout() {
        owner.#idle(this);
      },
    };
  }

  #read(socket: net.Socket, chunk: Buffer): void {
    let framer = this.#sockets.get(socket);
    if (framer === undefined) return;
    if (framer === null) {
      framer = new StreamFramer(this.#options.framing, chunk[0]!);
      this.#sockets.set(socket, framer);
    }
    const lines: Buffer[] = [];
    // A socket read almost always ends inside a line: finish that line on the per-line path so
    // the complete lines after it can go as one block.
    if (framer.linePending) {
      const headEnd = chunk.indexOf(NEWLINE) + 1;
      if (headEnd > 0 && headEnd < chunk.length) {
        if (!framer.push(chunk.subarray(0, headEnd), lines)) return this.#broken(socket, lines);
        chunk = chunk.subarray(headEnd);
      }
    }
    const fast = framer.takeBlock(chunk);
    if (fast !== null) {
      this.#push(lines);
      lines.length = 0;
      this.#pushBlock(fast.block, fast.lineCount);
      chunk = fast.rest;
    }
    const intact = framer.push(chunk, lines);
    this.#push(lines);
    if (!intact) socket.destroy();
  }

  #broken(socket: net.Socket, lines: Buffer[]): void {
    this.#push(lines);
    socket.destroy();
  }

  #closed(socket: net.Socket): void {
    const framer = this.#sockets.get(socket);
    if (framer === undefined) return;
    this.#sockets.delete(socket);
    this.#options.handle.stats.connections -= 1;
    if (framer !== null) {
      const lines: Buffer[] = [];
      framer.end(lines);
      this.#push(lines);
    }
    if (this.#sockets.size === 0 && this.#allClosed !== null) this.#allClosed();
  }

  #idle(socket: net.Socket): void {
    // A writer blocked by our own backpressure is not idle: wait another period.
    if (this.#paused) {
      socket.setTimeout(this.#options.idleTimeoutMs);
      return;
    }
    this.#options.handle.stats.error('idle_timeout');
    socket.destroy();
  }

  #push(lines: Buffer[]): void {
    if (lines.length === 0) return;
    const outcome = this.#options.ingest.push(this.#options.handle, lines);
    if (outcome.paused && !this.#paused && !this.#closing) this.#pauseAll();
  }

  #pushBlock(block: Buffer, lineCount: number): void {
    const outcome = this.#options.ingest.pushBlock(this.#options.handle, block, lineCount);
    if (outcome.paused && !this.#paused && !this.#closing) this.#pauseAll();
  }

  #pauseAll(): void {
    this.#paused = true;
    for (const socket of this.#sockets.keys()) socket.pause();
    this.#options.ingest.whenWritable().then(
      () => this.#resumeAll(),
      (error: unknown) => {
        this.#options.logger.error({ input: this.#options.handle.name, err: error }, 'Input could not wait for the spool; resuming');
        this.#resumeAll();
      },
    );
  }

  #resumeAll(): void {
    this.#paused = false;
    for (const socket of this.#sockets.keys()) socket.resume();
  }
}
