/**
 * One client connection: the handshake, then a frame decoder feeding validated requests to
 * the daemon, and an output queue for deliveries. A session's protocol error, socket error
 * or slow reading ends that session alone.
 */
import type { Socket } from 'node:net';
import {
  classifyClientMessage,
  CLIENT_FRAME_LIMITS,
  type ClientRequest,
  FrameDecoder,
  type Hello,
  type Message,
  WireProtocolError,
} from '@ringlog/wire';
import { SessionEndReason } from './errors.ts';
import { type HandshakeHost, HandshakePhase, type HandshakeStep } from './handshake-phase.ts';
import { OutputQueue, type OutputQueueLimits } from './output-queue.ts';

export interface SessionHost extends HandshakeHost {
  readonly handshakeTimeoutMs: number;
  readonly queueLimits: OutputQueueLimits;
  onOpen(session: Session, hello: Hello): void;
  onRequest(session: Session, request: ClientRequest): void;
  onRejected(session: Session, code: number, reason: string): void;
  onProtocolError(session: Session, error: WireProtocolError): void;
  onEnd(session: Session, reason: SessionEndReason): void;
  onQueueOverflow(session: Session, messages: number, bytes: number): void;
  onQueueDropped(session: Session, count: number): void;
  scheduleFlush(session: Session): void;
}

export class Session {
  readonly id: number;
  readonly socket: Socket;
  readonly remote: string;
  readonly output: OutputQueue;
  #host: SessionHost;
  #handshake: HandshakePhase | null;
  #decoder: FrameDecoder | null = null;
  #timer: NodeJS.Timeout | null;
  #privateGroup: string | null = null;
  #membership = false;
  #ended = false;

  constructor(id: number, socket: Socket, remote: string, host: SessionHost) {
    this.id = id;
    this.socket = socket;
    this.remote = remote;
    this.#host = host;
    this.#handshake = new HandshakePhase(host);
    this.output = new OutputQueue(socket, host.queueLimits, {
      onOverflow: (messages, bytes) => host.onQueueOverflow(this, messages, bytes),
      onDropped: (count) => host.onQueueDropped(this, count),
      requestFlush: () => host.scheduleFlush(this),
    });
    this.#timer = setTimeout(this.#onHandshakeTimeout, host.handshakeTimeoutMs);
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** `#user#daemon` once the handshake admitted it, else null. */
  get privateGroup(): string | null {
    return this.#privateGroup;
  }

  get wantsMembership(): boolean {
    return this.#membership;
  }

  get isOpen(): boolean {
    return this.#decoder !== null && !this.#ended;
  }

  /** Bytes of a frame received only in part; non-zero at the end means the peer left mid-frame. */
  get partialFrameBytes(): number {
    return this.#decoder?.bufferedBytes ?? 0;
  }

  /** Hands a frame to this session's output; written at the end of this event-loop turn. */
  deliver(frame: Buffer): void {
    if (!this.#ended) this.output.push(frame);
  }

  /** Ends the session: flushes what is queued, then closes the socket. */
  end(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#finish(reason);
    this.output.flush();
    this.output.close();
    this.socket.end();
    // A peer that never reads would hold the socket open forever after end().
    this.#destroyAfter(5_000);
  }

  /** A hard deadline, not socket.setTimeout: a peer trickling bytes must not keep a closing socket. */
  #destroyAfter(ms: number): void {
    setTimeout(() => this.socket.destroy(), ms).unref();
  }

  /** Ends the session at once, dropping anything queued. */
  destroy(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#finish(reason);
    this.output.close();
    this.socket.destroy();
  }

  #finish(reason: SessionEndReason): void {
    this.#ended = true;
    this.#clearTimer();
    this.socket.off('data', this.#onData);
    this.#host.onEnd(this, reason);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#handshake !== null) {
      this.#onHandshakeStep(this.#handshake.feed(chunk));
      return;
    }
    this.#decode(chunk);
  };

  #decode(chunk: Buffer): void {
    const error = (this.#decoder as FrameDecoder).push(chunk);
    if (error !== null && !this.#ended) {
      this.#host.onProtocolError(this, error);
      this.destroy(SessionEndReason.PROTOCOL_VIOLATION);
    }
  }

  readonly #sink = {
    onFrame: (message: Message): void => {
      // A KILL ends the session mid-chunk; frames pipelined after it must not act for a gone session.
      if (this.#ended) return;
      const request = classifyClientMessage(message, this.#privateGroup as string);
      if (request instanceof WireProtocolError) {
        (this.#decoder as FrameDecoder).fail(request);
        return;
      }
      this.#host.onRequest(this, request);
    },
  };

  #onHandshakeStep(step: HandshakeStep): void {
    switch (step.kind) {
      case 'wait':
        return;
      case 'reply':
        this.socket.write(step.bytes);
        return;
      case 'reject':
        this.#handshake = null;
        // The socket stays readable until the peer's FIN; later bytes have no decoder to go to.
        this.socket.off('data', this.#onData);
        this.#host.onRejected(this, step.code, step.reason);
        this.#ended = true;
        this.#clearTimer();
        if (step.bytes === null) {
          this.socket.destroy();
          return;
        }
        this.socket.end(step.bytes);
        // A peer that never closes its side would hold this socket outside every session count.
        this.#destroyAfter(this.#host.handshakeTimeoutMs);
        return;
      case 'open':
        this.#open(step);
    }
  }

  #open(step: Extract<HandshakeStep, { kind: 'open' }>): void {
    this.#handshake = null;
    this.#clearTimer();
    this.#privateGroup = step.privateGroup;
    this.#membership = step.hello.membership;
    this.#decoder = new FrameDecoder(this.#sink, CLIENT_FRAME_LIMITS);
    this.socket.write(step.bytes);
    this.#host.onOpen(this, step.hello);
    if (step.rest.length > 0) this.#decode(step.rest);
  }

  readonly #onHandshakeTimeout = (): void => {
    this.#timer = null;
    if (this.#handshake !== null) this.#onHandshakeStep(this.#handshake.timeout());
  };

  readonly #onError = (): void => {
    // 'close' follows every 'error'; the session ends there. Resets are routine for clients.
  };

  readonly #onClose = (): void => {
    if (this.#handshake !== null) {
      this.#handshake.timeout();
      this.#handshake = null;
    }
    if (!this.#ended) this.#finish(SessionEndReason.CLIENT_CLOSED);
    this.output.close();
  };

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
