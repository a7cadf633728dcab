/**
 * One established Spread session (what libspread calls a mailbox), after the handshake.
 *
 * Theory of operation:
 * - Reading: socket chunks go through one FrameDecoder; each frame becomes a SpreadEvent and
 *   goes either to the synchronous onEvent() listener (hot path: no promise, no queue) or to
 *   a bounded queue read by the async iterator. When that queue is full the socket is paused,
 *   so a slow consumer pushes back on the daemon instead of growing memory.
 * - Writing: every frame (join, leave, multicast, kill) is encoded into the FrameWriter's
 *   slab and flushed once per event-loop turn. multicastNow()/send() return false when the
 *   caller should wait for drained(); multicast() does that wait itself.
 * - Closing: disconnect() sends KILL_MESS naming our private group (as SP_disconnect does)
 *   and half-closes; the daemon then closes its side. Any other end (daemon EOF, socket
 *   error, a protocol violation) records an error that closed() resolves with.
 *
 * Rules of this file: a closed session throws on every send; peer errors never throw out of
 * socket callbacks, they close the session.
 */
import type { Socket } from 'node:net';
import {
  DAEMON_FRAME_LIMITS,
  FrameDecoder,
  Limits,
  ResultCode,
  ServiceType,
  encodeMessage,
  hasOldType,
  hintFromMessType,
  WireProtocolError,
  type Accept,
  type Message,
} from '@ringlog/wire';
import { ClientErrorCode, ClientUsageError, SessionClosedError } from './errors.ts';
import { decodeEvent, type SpreadEvent } from './events.ts';
import { EventConsumer, type EventListener } from './event-consumer.ts';
import { EventQueue } from './event-queue.ts';
import { FrameWriter, type FrameWriterOptions } from './frame-writer.ts';
import { DATA_LENGTH_OFFSET, PreparedMulticast, type MulticastOptions, type MulticastTarget } from './prepared-multicast.ts';
import { checkJoinGroup } from './service.ts';
import type { Endpoint } from './spread-name.ts';

export interface SessionOptions {
  /** Largest data + 32·groups a multicast may carry. */
  readonly bodyMaxBytes: number;
  /** Events the async iterator may hold before the socket is paused. */
  readonly receiveQueueMax: number;
  readonly writer: FrameWriterOptions;
  /** How long disconnect() waits for the daemon to close before destroying the socket. */
  readonly closeTimeoutMs: number;
}

export interface SessionInit {
  readonly socket: Socket;
  readonly accept: Accept;
  readonly endpoint: Endpoint;
  /** Bytes that arrived after the accept, already part of the message stream. */
  readonly rest: Buffer;
  readonly options: SessionOptions;
}

export type { EventListener } from './event-consumer.ts';

type SessionState = 'open' | 'closing' | 'closed';

export class SpreadSession implements AsyncIterable<SpreadEvent> {
  readonly #socket: Socket;
  readonly #endpoint: Endpoint;
  readonly #privateGroup: string;
  readonly #daemonVersion: { readonly major: number; readonly minor: number; readonly patch: number };
  readonly #options: SessionOptions;
  readonly #decoder: FrameDecoder;
  readonly #writer: FrameWriter;
  readonly #queue: EventQueue<SpreadEvent>;
  readonly #closed: Promise<Error | undefined>;
  #resolveClosed!: (error: Error | undefined) => void;
  #state: SessionState = 'open';
  #closeError: Error | undefined = undefined;
  readonly #consumer = new EventConsumer();
  #queuePaused = false;
  #userPaused = false;
  #lastPrepared: PreparedMulticast | null = null;

  /** @internal Sessions come from connect(). */
  constructor(init: SessionInit) {
    this.#socket = init.socket;
    this.#endpoint = init.endpoint;
    this.#options = init.options;
    this.#privateGroup = init.accept.privateGroup;
    this.#daemonVersion = { major: init.accept.major, minor: init.accept.minor, patch: init.accept.patch };
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#decoder = new FrameDecoder({ onFrame: (message) => this.#onFrame(message) }, DAEMON_FRAME_LIMITS);
    this.#writer = new FrameWriter(init.socket, init.options.writer);
    const max = init.options.receiveQueueMax;
    this.#queue = new EventQueue<SpreadEvent>({
      highWater: max,
      lowWater: Math.floor(max / 2),
      overflow: 'pause',
      onPause: () => this.#setQueuePaused(true),
      onResume: () => this.#setQueuePaused(false),
    });
    init.socket.on('data', this.#onData);
    init.socket.on('end', this.#onEnd);
    init.socket.on('error', this.#onError);
    init.socket.on('close', this.#onClose);
    if (init.rest.length > 0) this.#onData(init.rest);
  }

  /** Our private group, `#name#daemon`: the name other sessions send point-to-point to. */
  get privateGroup(): string {
    return this.#privateGroup;
  }

  get daemonVersion(): { readonly major: number; readonly minor: number; readonly patch: number } {
    return this.#daemonVersion;
  }

  get endpoint(): Endpoint {
    return this.#endpoint;
  }

  /** False once disconnect() was called or the connection ended. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** False when a sender should wait for drained() before sending more. */
  get writable(): boolean {
    return this.#state === 'open' && this.#writer.writable;
  }

  /** Events decoded and waiting for the async iterator. */
  get pendingEvents(): number {
    return this.#queue.length;
  }

  /** Bytes received and not yet consumed: queued events' frames, partial frames, socket buffer. */
  get pendingBytes(): number {
    return this.#queue.weight + this.#decoder.bufferedBytes + this.#socket.readableLength;
  }

  join(group: string): void {
    checkJoinGroup(group);
    this.#control(ServiceType.JOIN, group);
  }

  leave(group: string): void {
    checkJoinGroup(group);
    this.#control(ServiceType.LEAVE, group);
  }

  /** Validates and encodes a multicast once, for repeated send(). */
  prepare(target: MulticastTarget): PreparedMulticast {
    return new PreparedMulticast(target, this.#options.bodyMaxBytes);
  }

  /**
   * The fastest send: copies the prepared header and `data` into the write batch.
   * Returns false when the caller should wait for drained(); the message is queued either way.
   */
  send(prepared: PreparedMulticast, data: Uint8Array): boolean {
    this.#assertOpen();
    const length = data.length;
    if (length + prepared.groupBytes > this.#options.bodyMaxBytes) {
      throw new ClientUsageError(ClientErrorCode.MESSAGE_TOO_LONG, ResultCode.MESSAGE_TOO_LONG, `data + 32 x groups = ${length + prepared.groupBytes} bytes exceeds ${this.#options.bodyMaxBytes}`);
    }
    const template = prepared.template(this.#privateGroup);
    const total = template.length + length;
    const writer = this.#writer;
    writer.reserve(total);
    const buffer = writer.buffer;
    const offset = writer.offset;
    template.copy(buffer, offset);
    buffer.writeInt32LE(length, offset + DATA_LENGTH_OFFSET);
    buffer.set(data, offset + template.length);
    writer.commit(total);
    return writer.writable;
  }

  /** Synchronous multicast: false means "wait for drained() before sending more". */
  multicastNow(options: MulticastOptions): boolean {
    let prepared = this.#lastPrepared;
    if (prepared === null || !prepared.matches(options)) {
      prepared = this.prepare(options);
      this.#lastPrepared = prepared;
    }
    const data = typeof options.data === 'string' ? Buffer.from(options.data, 'utf8') : options.data;
    return this.send(prepared, data);
  }

  /** Multicast that waits for socket backpressure to clear before it resolves. */
  async multicast(options: MulticastOptions): Promise<void> {
    if (!this.multicastNow(options)) await this.#writer.drained();
  }

  /** Resolves when sending may continue; rejects if the session closes first. */
  drained(): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(this.#usedAfterClose());
    return this.#writer.drained();
  }

  /**
   * Delivers every event synchronously to `listener` instead of the async iterator: the
   * hot path for high rates. Events already queued are delivered first, synchronously,
   * before onEvent returns. Returns a function that detaches the listener (events queue again).
   */
  onEvent(listener: EventListener): () => void {
    return this.#consumer.attach(this.#queue, listener);
  }

  /** The events of this session, ending when it closes. One consumer per session. */
  [Symbol.asyncIterator](): AsyncIterator<SpreadEvent> {
    return this.#consumer.takeIterator(this.#queue);
  }

  /** Stops reading the socket (events stop; TCP pushes back on the daemon). */
  pause(): void {
    this.#userPaused = true;
    this.#socket.pause();
  }

  resume(): void {
    this.#userPaused = false;
    if (!this.#queuePaused) this.#socket.resume();
  }

  /** SP_disconnect: KILL_MESS naming our private group, then close. Resolves once closed. */
  async disconnect(): Promise<void> {
    if (this.#state !== 'open') {
      await this.#closed;
      return;
    }
    this.#writer.append(this.#controlFrame(ServiceType.KILL, this.#privateGroup));
    this.#writer.flush();
    this.#state = 'closing';
    this.#socket.end();
    const timer = setTimeout(() => this.#socket.destroy(), this.#options.closeTimeoutMs);
    timer.unref();
    await this.#closed;
    clearTimeout(timer);
  }

  /** Closes at once without KILL_MESS (the daemon reports a DISCONNECT all the same). */
  destroy(error?: Error): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'open') this.#closeError = error;
    this.#state = 'closing';
    this.#socket.destroy();
  }

  /** Resolves when the session has closed: undefined after disconnect(), else the reason. */
  closed(): Promise<Error | undefined> {
    return this.#closed;
  }

  #control(type: number, group: string): void {
    this.#assertOpen();
    this.#writer.append(this.#controlFrame(type, group));
  }

  #controlFrame(type: number, group: string): Buffer {
    return encodeMessage({ type, sender: this.#privateGroup, groups: [group], hint: hintFromMessType(0) });
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw this.#usedAfterClose();
  }

  #usedAfterClose(): SessionClosedError {
    return new SessionClosedError(ClientErrorCode.SESSION_CLOSED, ResultCode.CONNECTION_CLOSED, `Session ${this.#privateGroup} is closed`, { cause: this.#closeError });
  }

  #setQueuePaused(paused: boolean): void {
    this.#queuePaused = paused;
    if (paused) this.#socket.pause();
    else if (!this.#userPaused) this.#socket.resume();
  }

  #onFrame(message: Message): void {
    const event = decodeEvent(message, this.#privateGroup);
    if (event instanceof WireProtocolError) {
      this.#decoder.fail(event);
      return;
    }
    const listener = this.#consumer.listener;
    if (listener !== null) {
      listener(event);
      return;
    }
    const header = message.header;
    const oldType = hasOldType(header.type) ? Limits.REJECT_OLD_TYPE_BYTES : 0;
    this.#queue.push(event, Limits.HEADER_BYTES + oldType + header.numGroups * Limits.GROUP_NAME_BYTES + header.dataLength);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#state === 'closed') return;
    const error = this.#decoder.push(chunk);
    if (error === null) return;
    if (this.#state === 'open') {
      this.#closeError = new SessionClosedError(ClientErrorCode.PROTOCOL_VIOLATION, ResultCode.NET_ERROR_ON_SESSION, `Daemon broke the protocol: ${error.message}`, { cause: error });
    }
    this.#state = 'closing';
    this.#socket.destroy();
  };

  readonly #onEnd = (): void => {
    if (this.#state === 'open') {
      this.#closeError = new SessionClosedError(ClientErrorCode.CONNECTION_CLOSED, ResultCode.CONNECTION_CLOSED, `Daemon closed session ${this.#privateGroup}`);
    }
  };

  readonly #onError = (error: Error): void => {
    if (this.#state === 'open' && this.#closeError === undefined) {
      this.#closeError = new SessionClosedError(ClientErrorCode.CONNECTION_CLOSED, ResultCode.CONNECTION_CLOSED, `Session ${this.#privateGroup} failed: ${error.message}`, { cause: error });
    }
  };

  readonly #onClose = (): void => {
    if (this.#state === 'open' && this.#closeError === undefined) {
      this.#closeError = new SessionClosedError(ClientErrorCode.CONNECTION_CLOSED, ResultCode.CONNECTION_CLOSED, `Session ${this.#privateGroup} closed`);
    }
    this.#state = 'closed';
    this.#writer.close(this.#usedAfterClose());
    this.#queue.end();
    this.#resolveClosed(this.#closeError);
  };
}
