/**
 * Write batching for one session. Callers encode frames straight into a shared slab
 * (reserve → write at `offset` → commit); the bytes committed during one event-loop turn
 * go to the socket in a single write on setImmediate, or as soon as `flushBytes` have
 * accumulated. Under load this turns thousands of 150-byte multicasts into a few 64 KiB
 * writes: one syscall and one WriteWrap per batch instead of per message.
 *
 * A flushed region is never written again (the slab only grows forward and a fresh slab is
 * allocated when it is full), so the socket may hold on to it until the kernel takes it.
 *
 * Backpressure: once socket.write() returns false, `writable` is false until 'drain';
 * `drained()` resolves then. Committed bytes are never refused: like stream.write(), the
 * false is advice the caller must follow to keep memory bounded.
 */
import type { Socket } from 'node:net';

export interface FrameWriterOptions {
  /** Bytes per slab allocation. */
  readonly slabBytes: number;
  /** Flush without waiting for the end of the turn once this many bytes are pending. */
  readonly flushBytes: number;
  /** `writable` turns false once this many bytes wait unflushed or in the socket. */
  readonly pendingMaxBytes: number;
}

export const DEFAULT_FRAME_WRITER_OPTIONS: FrameWriterOptions = {
  slabBytes: 256 * 1024,
  flushBytes: 64 * 1024,
  pendingMaxBytes: 4 * 1024 * 1024,
};

export class FrameWriter {
  readonly #socket: Socket;
  readonly #options: FrameWriterOptions;
  #slab: Buffer;
  #start = 0;
  #end = 0;
  #scheduled = false;
  #blocked = false;
  #closedError: Error | null = null;
  #drain: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(socket: Socket, options: FrameWriterOptions = DEFAULT_FRAME_WRITER_OPTIONS) {
    this.#socket = socket;
    this.#options = options;
    this.#slab = Buffer.allocUnsafe(options.slabBytes);
    socket.on('drain', this.#onDrain);
  }

  /** The slab to encode into after reserve(); write at `offset`. */
  get buffer(): Buffer {
    return this.#slab;
  }

  get offset(): number {
    return this.#end;
  }

  /** Bytes committed and not yet handed to the socket. */
  get pendingBytes(): number {
    return this.#end - this.#start;
  }

  /** False when the caller should wait for drained() before committing more. */
  get writable(): boolean {
    if (this.#closedError !== null) return false;
    if (this.#blocked) return false;
    return this.#end - this.#start + this.#socket.writableLength < this.#options.pendingMaxBytes;
  }

  /** Makes room for `bytes` contiguous bytes at `buffer[offset]`. */
  reserve(bytes: number): void {
    if (this.#slab.length - this.#end >= bytes) return;
    this.flush();
    this.#slab = Buffer.allocUnsafe(Math.max(this.#options.slabBytes, bytes));
    this.#start = 0;
    this.#end = 0;
  }

  /** Marks `bytes` written at `offset` as a complete frame (or frames). */
  commit(bytes: number): void {
    this.#end += bytes;
    if (this.#end - this.#start >= this.#options.flushBytes) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushScheduled);
    }
  }

  /** Appends an already encoded frame. */
  append(frame: Buffer): void {
    this.reserve(frame.length);
    frame.copy(this.#slab, this.#end);
    this.commit(frame.length);
  }

  flush(): void {
    if (this.#end === this.#start || this.#closedError !== null) return;
    const chunk = this.#slab.subarray(this.#start, this.#end);
    this.#start = this.#end;
    if (!this.#socket.write(chunk, this.#onWritten)) this.#blocked = true;
    else if (this.#drain !== null) this.#settleDrain();
  }

  /** Resolves when the caller may write again; rejects once the session has closed. */
  drained(): Promise<void> {
    if (this.#closedError !== null) return Promise.reject(this.#closedError);
    if (this.writable) return Promise.resolve();
    if (this.#drain === null) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#drain = { promise, resolve, reject };
    }
    return this.#drain.promise;
  }

  /** Stops writing: pending bytes are dropped and drain waiters rejected with `error`. */
  close(error: Error): void {
    if (this.#closedError !== null) return;
    this.#closedError = error;
    this.#start = this.#end;
    this.#socket.off('drain', this.#onDrain);
    const drain = this.#drain;
    this.#drain = null;
    if (drain !== null) {
      drain.promise.catch(() => undefined);
      drain.reject(error);
    }
  }

  readonly #flushScheduled = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /**
   * A chunk reached the kernel. With a socket high-water mark above pendingMaxBytes, write()
   * never returns false, so 'drain' never comes: waiters blocked by pendingMaxBytes alone are
   * released here as the socket's buffer empties.
   */
  readonly #onWritten = (): void => {
    if (this.#drain !== null && this.#closedError === null) this.#settleDrain();
  };

  readonly #onDrain = (): void => {
    this.#blocked = false;
    this.#settleDrain();
  };

  #settleDrain(): void {
    if (!this.writable) return;
    const drain = this.#drain;
    this.#drain = null;
    drain?.resolve();
  }
}
