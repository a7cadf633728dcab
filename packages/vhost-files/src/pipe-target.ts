/**
 * Piped output: lines go to the stdin of a command (`sh -c command`), like Apache's
 * `CustomLog "|cmd"` and spreadlogd's piped logs. Typical commands are `rotatelogs`, `logger`, or a
 * shipper.
 *
 * Theory of operation. `append` only queues. `flush` starts the command if it is not running (the
 * first flush starts it, as a file is opened at its first write), then writes queued chunks to its
 * stdin, whole chunks in order, waiting for 'drain' whenever the stream asks, and resolves once
 * every chunk written has been handed to the OS, or the command has gone away. A chunk moves from
 * the queue to an in-flight list when written and leaves that list when its write callback
 * reports success. When the command exits (or its stdin fails, after which it is terminated), the
 * chunks still in flight are put back at the head of the queue, a 'close' event with reason
 * 'error' is emitted, and the command is started again after a backoff that doubles from
 * `restartInitialMs` up to `restartMaxMs` (reset once a command has lived `restartMaxMs`). The
 * restart writes whatever is queued by then. A shell that cannot be spawned at all emits
 * 'open_failed' and is retried on the same schedule.
 *
 * Delivery is at most once across a command crash: a chunk whose write succeeded sits in the
 * kernel's pipe buffer (64 KiB on Linux) until the command reads it, and if the command dies
 * first those lines are lost with no way to count them. A chunk whose write failed (EPIPE) is
 * written again in full to the next command, so lines of it that the dead command had already
 * read may appear twice. Queued bytes are bounded by `maxPendingBytes`: beyond it the oldest queued
 * chunks are dropped and a 'dropped' event counts their lines.
 *
 * `close` writes what it can (one last start of the command if it is down and lines are queued,
 * skipping the backoff), ends stdin, and waits for the command to exit; after `closeTimeoutMs` it
 * sends SIGTERM, and after as long again SIGKILL. Signals reach the shell; a pipeline's other
 * processes see end-of-file on their input instead (prefix the command with `exec` to signal it).
 *
 * Rules of this file: no exception from a pipe or a child escapes (every emitter has an 'error'
 * handler); a child record that has ended is never written to again; `#pendingBytes` is always
 * the bytes queued plus the bytes in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { PipeSpawnError, PipeWriteError } from './errors.ts';
import type { FileEvent, OutputTarget } from './types.ts';

export interface PipeTargetOptions {
  /** Run as `shell -c command`. */
  readonly command: string;
  /** Bound on bytes queued and in flight; beyond it the oldest queued chunks are dropped. */
  readonly maxPendingBytes: number;
  readonly onEvent?: (event: FileEvent) => void;
  /** First restart delay, in milliseconds (default 500). */
  readonly restartInitialMs?: number;
  /** Longest restart delay, in milliseconds (default 30 000). */
  readonly restartMaxMs?: number;
  /** Each wait of `close` (flush, exit after end of input, exit after SIGTERM), in milliseconds (default 5 000). */
  readonly closeTimeoutMs?: number;
  /** Default '/bin/sh'. */
  readonly shell?: string;
  /** Where the command's stdout and stderr go (default 'inherit': the collector's own). */
  readonly childOutput?: 'inherit' | 'ignore';
}

/** Cumulative counters of one piped output. */
export interface PipeTargetStats {
  readonly spawns: number;
  readonly spawnFailures: number;
  /** Exits of the command that close() did not ask for. */
  readonly unexpectedExits: number;
  readonly writeFailures: number;
  /** Chunks written to a pipe that failed, put back in the queue. */
  readonly requeuedChunks: number;
  readonly droppedLines: number;
  readonly droppedBytes: number;
  /** Bytes the OS accepted (not necessarily read by the command). */
  readonly writtenBytes: number;
}

export interface PipeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Child {
  readonly process: ChildProcess;
  readonly stdin: Writable;
  readonly startedAtMs: number;
  spawned: boolean;
  ended: boolean;
  /** False once a write failed: the stream is destroyed and the command is being terminated. */
  writable: boolean;
  /** Chunks written and not yet confirmed, oldest first (write callbacks come in order). */
  readonly inFlight: Buffer[];
  waiters: Array<() => void>;
  killTimer: NodeJS.Timeout | undefined;
  /** One write callback per child rather than a closure per write. */
  onWritten: (error?: Error | null) => void;
}

const NEWLINE = 0x0a;
const DEFAULT_RESTART_INITIAL_MS = 500;
const DEFAULT_RESTART_MAX_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export class PipeTarget implements OutputTarget {
  readonly path: string;
  readonly #shell: string;
  readonly #childOutput: 'inherit' | 'ignore';
  readonly #maxPendingBytes: number;
  readonly #restartInitialMs: number;
  readonly #restartMaxMs: number;
  readonly #closeTimeoutMs: number;
  readonly #onEvent: (event: FileEvent) => void;

  #queue: Buffer[] = [];
  #queueHead = 0;
  #pendingBytes = 0;
  #child: Child | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartDelayMs: number;
  #flushChain: Promise<void> = Promise.resolve();
  #closing = false;
  #spawnedWhileClosing = false;
  #closePromise: Promise<void> | undefined;
  #lastExit: PipeExit | undefined;
  #stats = { spawns: 0, spawnFailures: 0, unexpectedExits: 0, writeFailures: 0, requeuedChunks: 0, droppedLines: 0, droppedBytes: 0, writtenBytes: 0 };

  constructor(options: PipeTargetOptions) {
    this.path = options.command;
    this.#shell = options.shell ?? '/bin/sh';
    this.#childOutput = options.childOutput ?? 'inherit';
    this.#maxPendingBytes = options.maxPendingBytes;
    this.#restartInitialMs = options.restartInitialMs ?? DEFAULT_RESTART_INITIAL_MS;
    this.#restartMaxMs = options.restartMaxMs ?? DEFAULT_RESTART_MAX_MS;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#restartDelayMs = this.#restartInitialMs;
    assertOptions(this.path, this.#maxPendingBytes, this.#restartInitialMs, this.#restartMaxMs, this.#closeTimeoutMs);
  }

  /** Bytes queued or written to the pipe and not yet accepted by the OS. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  get stats(): PipeTargetStats {
    return { ...this.#stats };
  }

  /** How the last command ended, if one has. */
  get lastExit(): PipeExit | undefined {
    return this.#lastExit;
  }

  /** True while a command is running (spawned and not yet exited). */
  get running(): boolean {
    return this.#child !== undefined && this.#child.spawned && !this.#child.ended;
  }

  /** Queues whole lines; never writes. Throws after `close()` has been called (a caller bug). */
  append(chunk: Buffer): void {
    if (this.#closing) throw new Error(`PipeTarget ${JSON.stringify(this.path)}: append after close()`);
    if (chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes > this.#maxPendingBytes) this.#dropOldest();
  }

  /**
   * Writes the queued chunks, starting the command if needed. Resolves when all were handed to the
   * OS, or early (lines kept queued) when the command is down or waiting for its restart.
   */
  flush(): Promise<void> {
    const pass = this.#flushChain.then(() => this.#flushPass());
    this.#flushChain = pass;
    return pass;
  }

  /** Flushes, ends the command's input and waits for it to exit (see the file comment). Idempotent. */
  close(): Promise<void> {
    this.#closePromise ??= this.#closeOnce();
    return this.#closePromise;
  }

  async #flushPass(): Promise<void> {
    const child = await this.#readyChild();
    if (child === undefined) return;
    while (usable(child)) {
      const chunk = this.#dequeue();
      if (chunk === undefined) break;
      child.inFlight.push(chunk);
      if (child.stdin.write(chunk, child.onWritten)) continue;
      while (usable(child) && child.stdin.writableNeedDrain) await nextChange(child);
    }
    while (usable(child) && child.inFlight.length > 0) await nextChange(child);
  }

  /** The running command, started if none runs and no restart is pending; undefined when down. */
  async #readyChild(): Promise<Child | undefined> {
    let child = this.#child;
    if (child === undefined) {
      if (this.#restartTimer !== undefined) return undefined;
      if (this.#closing && (this.#spawnedWhileClosing || this.#pendingBytes === 0)) return undefined;
      if (this.#closing) this.#spawnedWhileClosing = true;
      child = this.#spawn();
      if (child === undefined) return undefined;
    }
    while (!child.spawned && !child.ended) await nextChange(child);
    return usable(child) ? child : undefined;
  }

  #spawn(): Child | undefined {
    let process: ChildProcess;
    try {
      process = spawn(this.#shell, ['-c', this.path], { stdio: ['pipe', this.#childOutput, this.#childOutput] });
    } catch (error) {
      // Synchronous spawn failures (EINVAL, and EMFILE on some versions) are handled like async ones.
      this.#onSpawnFailed(error);
      return undefined;
    }
    const stdin = process.stdin;
    if (stdin === null) throw new Error('PipeTarget: spawn returned no stdin although stdio[0] is "pipe"');
    const child: Child = {
      process,
      stdin,
      startedAtMs: Date.now(),
      spawned: false,
      ended: false,
      writable: true,
      inFlight: [],
      waiters: [],
      killTimer: undefined,
      onWritten: () => {},
    };
    child.onWritten = (error) => this.#onWritten(child, error);
    this.#child = child;
    process.once('spawn', () => this.#onSpawned(child));
    process.on('error', (error) => this.#onProcessError(child, error));
    process.once('close', (code: number | null, signal: NodeJS.Signals | null) => this.#onEnded(child, code, signal));
    stdin.on('error', (error) => this.#onStdinError(child, error));
    stdin.on('drain', () => wake(child));
    return child;
  }

  #onSpawned(child: Child): void {
    child.spawned = true;
    this.#stats.spawns += 1;
    this.#onEvent({ type: 'open', path: this.path });
    wake(child);
  }

  #onProcessError(child: Child, error: Error): void {
    // After a successful spawn, 'error' only reports a failed kill() or IPC send; the 'close' that
    // follows an exit does the bookkeeping. Before it, the spawn failed and 'close' follows too, but
    // end the record now so a flush waiting for the spawn is released at once.
    if (child.spawned || child.ended) return;
    this.#onSpawnFailed(error);
    this.#onEnded(child, null, null);
  }

  #onSpawnFailed(error: unknown): void {
    this.#stats.spawnFailures += 1;
    this.#onEvent({ type: 'open_failed', path: this.path, error: new PipeSpawnError(this.path, error) });
    if (this.#child === undefined) this.#scheduleRestart(0);
  }

  #onWritten(child: Child, error: Error | null | undefined): void {
    // A failed write leaves its chunk in flight: the stream's 'error' handler and then the exit
    // put it back in the queue. Callbacks come in write order, so a success confirms the oldest.
    if (child.ended || error) return;
    const chunk = child.inFlight.shift();
    if (chunk === undefined) throw new Error('PipeTarget: write confirmed with nothing in flight');
    this.#pendingBytes -= chunk.length;
    this.#stats.writtenBytes += chunk.length;
    wake(child);
  }

  #onStdinError(child: Child, error: Error): void {
    if (child.ended || !child.writable) return;
    child.writable = false;
    this.#stats.writeFailures += 1;
    this.#onEvent({ type: 'write_failed', path: this.path, error: new PipeWriteError(this.path, error) });
    // A command that no longer reads its input is of no use; end it so that it is restarted.
    this.#terminate(child);
    wake(child);
  }

  #onEnded(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.ended) return;
    child.ended = true;
    if (child.killTimer !== undefined) clearTimeout(child.killTimer);
    this.#requeue(child.inFlight.splice(0));
    if (this.#child === child) this.#child = undefined;
    if (child.spawned) {
      this.#lastExit = { code, signal };
      if (!this.#closing) this.#stats.unexpectedExits += 1;
      this.#onEvent({ type: 'close', path: this.path, reason: this.#closing ? 'shutdown' : 'error' });
      if (!this.#closing) this.#scheduleRestart(Date.now() - child.startedAtMs);
    } else if (!this.#closing) {
      this.#scheduleRestart(0);
    }
    wake(child);
  }

  #scheduleRestart(livedMs: number): void {
    if (this.#closing || this.#restartTimer !== undefined) return;
    if (livedMs >= this.#restartMaxMs) this.#restartDelayMs = this.#restartInitialMs;
    const delayMs = this.#restartDelayMs;
    this.#restartDelayMs = Math.min(delayMs * 2, this.#restartMaxMs);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      // A flush pass does not reject (operating errors become events); one that did would be a
      // bug, and the unhandled rejection crashes the process as a bug should.
      if (!this.#closing) void this.flush();
    }, delayMs);
    // A pending restart alone does not keep the process alive; close() cancels it.
    this.#restartTimer.unref();
  }

  #terminate(child: Child): void {
    if (child.ended || child.killTimer !== undefined) return;
    child.process.kill('SIGTERM');
    child.killTimer = setTimeout(() => {
      if (!child.ended) child.process.kill('SIGKILL');
    }, this.#closeTimeoutMs);
    child.killTimer.unref();
  }

  #dequeue(): Buffer | undefined {
    if (this.#queueHead >= this.#queue.length) return undefined;
    const chunk = this.#queue[this.#queueHead];
    this.#queue[this.#queueHead] = EMPTY;
    this.#queueHead += 1;
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead >= 1024 && this.#queueHead * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    return chunk;
  }

  /** Puts chunks that were in flight back at the head of the queue; they stay in `#pendingBytes`. */
  #requeue(chunks: readonly Buffer[]): void {
    if (chunks.length === 0) return;
    this.#stats.requeuedChunks += chunks.length;
    this.#queue = [...chunks, ...this.#queue.slice(this.#queueHead)];
    this.#queueHead = 0;
  }

  #dropOldest(): void {
    let lines = 0;
    let bytes = 0;
    while (this.#pendingBytes > this.#maxPendingBytes) {
      const chunk = this.#dequeue();
      if (chunk === undefined) break; // only in-flight bytes remain; those cannot be taken back
      lines += countLines(chunk);
      bytes += chunk.length;
      this.#pendingBytes -= chunk.length;
    }
    this.#reportDropped(lines, bytes);
  }

  #reportDropped(lines: number, bytes: number): void {
    if (bytes === 0) return;
    this.#stats.droppedLines += lines;
    this.#stats.droppedBytes += bytes;
    this.#onEvent({ type: 'dropped', path: this.path, lines, bytes });
  }

  async #closeOnce(): Promise<void> {
    this.#closing = true;
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    await withTimeout(this.flush(), this.#closeTimeoutMs);
    const child = this.#child;
    if (child !== undefined) await this.#stopChild(child);
    // Whatever is left could not be written: the command is gone for good.
    const lines = this.#queue.slice(this.#queueHead).reduce((sum, chunk) => sum + countLines(chunk), 0);
    const bytes = this.#pendingBytes;
    this.#queue = [];
    this.#queueHead = 0;
    this.#pendingBytes = 0;
    this.#reportDropped(lines, bytes);
  }

  async #stopChild(child: Child): Promise<void> {
    if (!child.stdin.destroyed) child.stdin.end();
    if (await waitForEnd(child, this.#closeTimeoutMs)) return;
    child.process.kill('SIGTERM');
    if (await waitForEnd(child, this.#closeTimeoutMs)) return;
    child.process.kill('SIGKILL');
    await waitForEnd(child, this.#closeTimeoutMs);
  }
}

const EMPTY = Buffer.alloc(0);

function usable(child: Child): boolean {
  return child.spawned && !child.ended && child.writable;
}

function nextChange(child: Child): Promise<void> {
  return new Promise((resolve) => child.waiters.push(resolve));
}

function wake(child: Child): void {
  if (child.waiters.length === 0) return;
  const waiters = child.waiters;
  child.waiters = [];
  for (const resolve of waiters) resolve();
}

/** True when the child ended within `timeoutMs`. */
async function waitForEnd(child: Child, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!child.ended) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return false;
    await withTimeout(nextChange(child), remainingMs);
  }
  return true;
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function countLines(chunk: Buffer): number {
  let lines = 0;
  let index = chunk.indexOf(NEWLINE);
  while (index !== -1) {
    lines += 1;
    index = chunk.indexOf(NEWLINE, index + 1);
  }
  return lines;
}

function assertOptions(command: string, maxPendingBytes: number, restartInitialMs: number, restartMaxMs: number, closeTimeoutMs: number): void {
  if (command.trim() === '') throw new Error('PipeTarget: command must not be empty');
  if (!Number.isSafeInteger(maxPendingBytes) || maxPendingBytes <= 0) throw new Error('PipeTarget: maxPendingBytes must be a positive integer');
  if (!(restartInitialMs > 0) || !(restartMaxMs >= restartInitialMs)) throw new Error('PipeTarget: need 0 < restartInitialMs <= restartMaxMs');
  if (!(closeTimeoutMs > 0)) throw new Error('PipeTarget: closeTimeoutMs must be positive');
}
