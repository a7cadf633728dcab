/**
 * One helper connected to the pipe input: decodes its hello and lines, pushes the lines on the
 * route its hello chose, counts the stream bytes of those lines and acknowledges them once the
 * ack timer has flushed the spool. Anything hostile is counted and closes this connection only.
 */
import type { Socket } from 'node:net';
import type { InputHandle, InputRoute, LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';
import type { PipeAckTarget, PipeAckTimer } from './pipe-ack-timer.ts';
import { encodePipeAck, encodePipeBye, PipeByeReason, PipeStreamDecoder, type PipeHello, type PipeStreamSink, type PipeViolation } from '@ringlog/shipper';

export interface PipeConnectionContext {
  readonly ingest: LineIngest;
  readonly handle: InputHandle;
  readonly acks: PipeAckTimer;
  readonly logger: Logger;
  /** 0 = never. */
  readonly idleTimeoutMs: number;
  readonly onClosed: (connection: PipeConnection) => void;
}

/** A peer that does not read its acks is cut before its unread replies grow past this. */
const UNREAD_REPLY_MAX_BYTES = 64 * 1024;
/** How long a connection may take to close at shutdown before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

export class PipeConnection implements PipeStreamSink, PipeAckTarget {
  readonly #socket: Socket;
  readonly #context: PipeConnectionContext;
  readonly #decoder: PipeStreamDecoder;
  #route: InputRoute;
  #helperId = '';
  /** Stream bytes of the complete lines pushed so far; what the next ack will say. */
  #receivedBytes = 0;
  #ackedBytes = 0;
  #ending = false;
  readonly #closed: Promise<void>;

  constructor(socket: Socket, context: PipeConnectionContext) {
    this.#socket = socket;
    this.#context = context;
    this.#route = context.handle.route;
    this.#decoder = new PipeStreamDecoder(this);
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#decoder.feed(chunk));
    // At our own shutdown a half line is not the writer's fault: it resends it to the next shipper.
    socket.on('end', () => {
      if (!this.#ending) this.#decoder.end();
    });
    socket.on('error', (error) => this.#onError(error));
    socket.once('close', () => this.#onClose());
    if (context.idleTimeoutMs > 0) socket.setTimeout(context.idleTimeoutMs, () => this.#onIdle());
  }

  get helperId(): string {
    return this.#helperId;
  }

  hello(hello: PipeHello): void {
    this.#helperId = hello.helperId;
    // A writer that names its group gets exactly that group: bucketing would send it elsewhere.
    if (hello.group !== null) this.#route = { group: hello.group, vhostBuckets: 0 };
  }

  lines(lines: Buffer[], rawBytes: number): void {
    // Blank lines push nothing but still count: the helper needs their bytes acknowledged.
    const outcome = lines.length > 0 ? this.#context.ingest.push(this.#context.handle, lines, this.#route) : null;
    this.#receivedBytes += rawBytes;
    this.#context.acks.schedule(this);
    if (outcome?.paused === true && !this.#ending) this.#pauseUntilWritable();
  }

  violation(violation: PipeViolation): void {
    const stats = this.#context.handle.stats;
    stats.error(violation.type === 'overlong_line' ? 'overlong' : 'bad_frame');
    this.#context.logger.debug({ helper: this.#helperId, violation }, 'Pipe writer broke the protocol; closing its connection');
    if (violation.type === 'half_line') return; // the writer is gone already
    const reason = {
      bad_hello: PipeByeReason.BAD_HELLO,
      unsupported_version: PipeByeReason.UNSUPPORTED_VERSION,
      overlong_line: PipeByeReason.OVERLONG_LINE,
    }[violation.type];
    // Lines before the bad frame are durable and acked first, so the helper does not resend them.
    this.#context.acks.flushNow();
    this.end(reason);
  }

  sendAck(): void {
    if (this.#receivedBytes === this.#ackedBytes || this.#socket.destroyed) return;
    this.#ackedBytes = this.#receivedBytes;
    this.#socket.write(encodePipeAck(this.#ackedBytes));
    if (this.#socket.writableLength > UNREAD_REPLY_MAX_BYTES) this.#socket.destroy();
  }

  /** Stops reading (shutdown: the ack timer's final flush acks what was read). */
  stopReading(): void {
    this.#ending = true;
    this.#socket.pause();
  }

  /** Says goodbye and closes; resolves once the socket is closed (destroyed after a grace period). */
  end(reason: PipeByeReason): Promise<void> {
    this.#ending = true;
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.end(encodePipeBye(reason));
    const timer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    return this.#closed.finally(() => clearTimeout(timer));
  }

  #pauseUntilWritable(): void {
    if (this.#socket.isPaused()) return;
    this.#socket.pause();
    void this.#context.ingest.whenWritable().then(() => {
      if (!this.#ending && !this.#socket.destroyed) this.#socket.resume();
    });
  }

  #onIdle(): void {
    this.#context.handle.stats.error('idle_timeout');
    this.#context.acks.flushNow();
    void this.end(PipeByeReason.IDLE_TIMEOUT);
  }

  #onError(error: NodeJS.ErrnoException): void {
    // A helper killed mid-write resets the connection; what it did not finish it will resend.
    if (!this.#ending) this.#context.handle.stats.error('read_error');
    this.#context.logger.debug({ helper: this.#helperId, err: error }, 'Pipe connection failed');
  }

  #onClose(): void {
    this.#context.acks.cancel(this);
    this.#context.onClosed(this);
  }
}
