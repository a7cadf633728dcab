/**
 * A session's outbound path. Frames delivered during one turn of the event loop are gathered
 * and written with one socket write (one syscall for hundreds of small frames). While the
 * socket holds more than its high-water mark, frames wait here instead, bounded in count and
 * bytes; past the bound the configured policy either ends the session (Spread's
 * MaxSessionMessages behaviour) or drops the oldest frames. A slow reader therefore costs a
 * bounded amount of memory and never stalls anyone else.
 */
import type { Socket } from 'node:net';
import { QueueFullPolicy } from './options.ts';

export interface OutputQueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly policy: QueueFullPolicy;
  readonly socketHighWaterBytes: number;
}

export interface OutputQueueEvents {
  /** The queue overflowed under the disconnect policy; the owner ends the session. */
  onOverflow(queuedMessages: number, queuedBytes: number): void;
  onDropped(count: number): void;
  /** Asks the owner to call flush() later in this turn of the event loop. */
  requestFlush(): void;
}

export class OutputQueue {
  readonly #socket: Socket;
  readonly #limits: OutputQueueLimits;
  readonly #events: OutputQueueEvents;
  /** Frames gathered this turn, written together by flush(). */
  #batch: Buffer[] = [];
  #batchBytes = 0;
  /** Frames waiting for the socket to drain; #head avoids O(n) shifts. */
  #backlog: Buffer[] = [];
  #head = 0;
  #backlogBytes = 0;
  #waitingForDrain = false;
  #closed = false;

  constructor(socket: Socket, limits: OutputQueueLimits, events: OutputQueueEvents) {
    this.#socket = socket;
    this.#limits = limits;
    this.#events = events;
  }

  get queuedMessages(): number {
    return this.#backlog.length - this.#head + this.#batch.length;
  }

  get queuedBytes(): number {
    return this.#backlogBytes + this.#batchBytes;
  }

  push(frame: Buffer): void {
    if (this.#closed) return;
    if (this.#batch.length === 0) this.#events.requestFlush();
    this.#batch.push(frame);
    this.#batchBytes += frame.length;
  }

  /** Writes this turn's frames, or queues them behind earlier ones while the socket is full. */
  flush(): void {
    if (this.#closed || this.#batch.length === 0) return;
    const batch = this.#batch;
    const bytes = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    const backlogEmpty = this.#head === this.#backlog.length;
    if (backlogEmpty && this.#socket.writableLength < this.#limits.socketHighWaterBytes) {
      this.#socket.write(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, bytes));
      return;
    }
    for (const frame of batch) this.#backlog.push(frame);
    this.#backlogBytes += bytes;
    this.#enforceLimits();
    if (!this.#waitingForDrain) this.#pump();
  }

  close(): void {
    this.#closed = true;
    this.#batch = [];
    this.#backlog = [];
    this.#head = 0;
    this.#backlogBytes = 0;
    this.#batchBytes = 0;
  }

  /** Moves backlog into the socket up to the high-water mark, then waits for 'drain'. */
  #pump(): void {
    const highWater = this.#limits.socketHighWaterBytes;
    while (this.#head < this.#backlog.length && this.#socket.writableLength < highWater) {
      const frames: Buffer[] = [];
      let bytes = 0;
      while (this.#head < this.#backlog.length && bytes < highWater) {
        const frame = this.#backlog[this.#head++] as Buffer;
        frames.push(frame);
        bytes += frame.length;
      }
      this.#backlogBytes -= bytes;
      this.#socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames, bytes));
    }
    this.#compact();
    // Past the high-water mark the last write returned false, so 'drain' will come.
    if (this.#head < this.#backlog.length) {
      this.#waitingForDrain = true;
      this.#socket.once('drain', this.#onDrain);
    }
  }

  readonly #onDrain = (): void => {
    this.#waitingForDrain = false;
    if (!this.#closed) this.#pump();
  };

  #enforceLimits(): void {
    const over = (): boolean =>
      this.#backlog.length - this.#head > this.#limits.maxMessages || this.#backlogBytes > this.#limits.maxBytes;
    if (!over()) return;
    if (this.#limits.policy === QueueFullPolicy.DISCONNECT) {
      const messages = this.#backlog.length - this.#head;
      const bytes = this.#backlogBytes;
      this.close();
      this.#events.onOverflow(messages, bytes);
      return;
    }
    let dropped = 0;
    while (over()) {
      const frame = this.#backlog[this.#head++] as Buffer;
      this.#backlogBytes -= frame.length;
      dropped++;
    }
    this.#compact();
    this.#events.onDropped(dropped);
  }

  #compact(): void {
    if (this.#head === this.#backlog.length) {
      this.#backlog = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#backlog.length) {
      this.#backlog = this.#backlog.slice(this.#head);
      this.#head = 0;
    }
  }
}
