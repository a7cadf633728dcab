/**
 * The cache of open output files: one target per path, a bounded set of descriptors shared by
 * LRU, and per-target serialized writes.
 *
 * Theory of operation
 * - `OutputTarget.append()` only queues a Buffer and marks the target dirty (no I/O, no promise).
 * - `flush()` starts one write per dirty target, concurrently across targets. Each target has an
 *   operation chain (`tail`): write, sync, close and reopen run one at a time in call order, so a
 *   target being closed (evicted, idle, reopened) that gets more data writes it only after the
 *   close, to a freshly opened file: nothing is lost or reordered.
 * - Descriptor slots: every target holding one (opening, open or closing) counts. A target that
 *   needs a slot when all are taken waits in a FIFO; the least recently used target with no
 *   operation pending (`#idleOpen`, a Map re-inserted on use, so O(1)) is evicted for it.
 * - Failure: a failed open or write keeps the unwritten chunks queued in front, closes the file,
 *   and parks the target in `#failing` until its backoff expires. Failing targets are not in
 *   `#dirty`; `flush()` moves the due ones back. Over `maxPendingBytes`, the oldest chunks of
 *   failing targets (never healthy ones) are dropped and reported.
 *
 * Rules of this file
 * - Every state change of a target's file happens inside an operation of its chain.
 * - A target is in `#idleOpen` iff it has a file and no operation pending.
 * - `#descriptors` counts the targets with `holdsSlot`; it never exceeds `maxOpenFiles`.
 * - Operations catch operating errors and turn them into events; only bugs reject.
 */
import assert from 'node:assert';
import { FileCacheClosedError, FileWriteError } from './errors.ts';
import { openLogFile, type OpenLogFile, type OpenLogFileHooks } from './open-log-file.ts';
import { SafeDirectories } from './safe-directory.ts';
import type { FileCacheStats, FileEvent, FileOpenOptions, LogFile, OutputTarget } from './types.ts';

export interface FileCacheOptions {
  /** Descriptors held at once (opening, open or closing). */
  readonly maxOpenFiles: number;
  /** Close a file not written for this long; 0 = never. */
  readonly idleCloseMs: number;
  /** Above this many queued bytes, queued chunks of failing targets are dropped. */
  readonly maxPendingBytes: number;
  /** 'interval': the caller calls `sync()` on a timer; 'always': after every write. */
  readonly fsync: 'never' | 'interval' | 'always';
  readonly onEvent?: (event: FileEvent) => void;
  /** Milliseconds clock, for idle closes and backoff. Default `Date.now`. */
  readonly now?: () => number;
  /** How files are opened; default `openLogFile`. Injectable for failure tests. */
  readonly open?: OpenLogFile;
  /** First retry delay after a failure; doubles up to `retryMaxMs`. Default 500. */
  readonly retryInitialMs?: number;
  /** Default 30000. */
  readonly retryMaxMs?: number;
}

/** `FileCacheStats` plus the high-water mark of descriptors held. */

type CloseReason = Extract<FileEvent, { type: 'close' }>['reason'];
type Accept = (target: CacheTarget, chunk: Buffer) => void;

const RESOLVED: Promise<void> = Promise.resolve();
const NEWLINE = 0x0a;

function countLines(chunk: Buffer): number {
  let lines = 0;
  let index = chunk.indexOf(NEWLINE);
  while (index !== -1) {
    lines += 1;
    index = chunk.indexOf(NEWLINE, index + 1);
  }
  return lines;
}

/** Returns the part of `chunks` after its first `skipBytes` bytes. */
function unwrittenChunks(chunks: readonly Buffer[], skipBytes: number): Buffer[] {
  let index = 0;
  let left = skipBytes;
  while (index < chunks.length && left >= chunks[index]!.length) {
    left -= chunks[index]!.length;
    index += 1;
  }
  const rest = chunks.slice(index);
  if (left > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

/** One output path. Fields are the cache's; callers see only `OutputTarget`. */
class CacheTarget implements OutputTarget {
  readonly path: string;
  options: FileOpenOptions;
  queue: Buffer[] = [];
  queuedBytes = 0;
  inFlightBytes = 0;
  file: LogFile | null = null;
  holdsSlot = false;
  /** `reopen()` generation the file was opened in. */
  openedGeneration = 0;
  tail: Promise<void> = RESOLVED;
  opsPending = 0;
  /** A write chained but not started: later flushes reuse it (it takes whatever is queued then). */
  queuedWrite: Promise<void> | null = null;
  inDirty = false;
  unsynced = false;
  failing = false;
  retryAtMs = 0;
  backoffMs = 0;
  attached = true;
  lastWriteMs: number;
  readonly #accept: Accept;

  constructor(path: string, options: FileOpenOptions, accept: Accept, nowMs: number) {
    this.path = path;
    this.options = options;
    this.#accept = accept;
    this.lastWriteMs = nowMs;
  }

  get pendingBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  append(chunk: Buffer): void {
    this.#accept(this, chunk);
  }
}

/** The LRU cache of open output files. See the theory of operation at the top of this file. */
export class FileCache {
  readonly #maxOpenFiles: number;
  readonly #idleCloseMs: number;
  readonly #maxPendingBytes: number;
  readonly #fsync: FileCacheOptions['fsync'];
  readonly #onEvent: ((event: FileEvent) => void) | undefined;
  readonly #now: () => number;
  readonly #open: OpenLogFile;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #directories = new SafeDirectories();

  readonly #targets = new Map<string, CacheTarget>();
  readonly #dirty = new Set<CacheTarget>();
  readonly #failing = new Set<CacheTarget>();
  #nextRetryAtMs = Number.POSITIVE_INFINITY;
  readonly #unsynced = new Set<CacheTarget>();
  readonly #holders = new Set<CacheTarget>();
  /** Eviction candidates, least recently used first. */
  readonly #idleOpen = new Map<string, CacheTarget>();
  readonly #pendingWrites = new Set<Promise<void>>();
  #slotWaiters: Array<(() => void) | undefined> = [];
  #slotWaitersHead = 0;
  #evictionsStarted = 0;
  #descriptors = 0;
  #generation = 0;
  #closing = false;
  #closed: Promise<void> | null = null;

  #pendingBytes = 0;
  #descriptorsMax = 0;
  #opens = 0;
  #openFailures = 0;
  #evictions = 0;
  #idleCloses = 0;
  #reopens = 0;
  #writeFailures = 0;
  #rotations = 0;
  #droppedLines = 0;
  #writtenBytes = 0;

  constructor(options: FileCacheOptions) {
    assert.ok(Number.isInteger(options.maxOpenFiles) && options.maxOpenFiles >= 1, 'maxOpenFiles must be an integer >= 1');
    assert.ok(options.idleCloseMs >= 0, 'idleCloseMs must be >= 0');
    assert.ok(options.maxPendingBytes >= 0, 'maxPendingBytes must be >= 0');
    this.#maxOpenFiles = options.maxOpenFiles;
    this.#idleCloseMs = options.idleCloseMs;
    this.#maxPendingBytes = options.maxPendingBytes;
    this.#fsync = options.fsync;
    this.#onEvent = options.onEvent;
    this.#now = options.now ?? Date.now;
    this.#open = options.open ?? openLogFile;
    this.#retryInitialMs = options.retryInitialMs ?? 500;
    this.#retryMaxMs = Math.max(options.retryMaxMs ?? 30_000, this.#retryInitialMs);
    assert.ok(this.#retryInitialMs > 0, 'retryInitialMs must be > 0');
  }

  /** The target for `options.path`, created on first use. Later options take effect at the next open. */
  target(options: FileOpenOptions): OutputTarget {
    let target = this.#targets.get(options.path);
    if (target === undefined) {
      target = new CacheTarget(options.path, options, this.#accept, this.#now());
      this.#targets.set(options.path, target);
    } else if (target.options !== options) {
      target.options = options;
    }
    return target;
  }

  /**
   * Writes every dirty target's queue, opening files as needed; resolves when everything queued
   * before the call is written or has failed. Failing targets are retried once their backoff expires.
   */
  flush(): Promise<void> {
    for (const target of this.#dirty) this.#scheduleWrite(target);
    this.#dirty.clear();
    if (this.#failing.size > 0) this.#scheduleRetries(this.#closing);
    if (this.#pendingWrites.size === 0) return RESOLVED;
    return Promise.all(Array.from(this.#pendingWrites)).then(() => undefined);
  }

  /**
   * Paths with bytes queued and no write under way: what the next `flush()` writes (and, for
   * failing targets, retries). The collector's write journal records their sizes first.
   */
  pendingPaths(): string[] {
    const paths: string[] = [];
    for (const target of this.#dirty) if (target.queue.length > 0) paths.push(target.path);
    for (const target of this.#failing) if (target.queue.length > 0) paths.push(target.path);
    return paths;
  }

  /** fsyncs every file written since its last sync. */
  async sync(): Promise<void> {
    const syncs: Promise<void>[] = [];
    for (const target of this.#unsynced) syncs.push(this.#enqueue(target, () => this.#syncOp(target)));
    await Promise.all(syncs);
  }

  /**
   * Closes every open file (each after its write in flight) and opens it again at once, so a file
   * moved away by logrotate is released now and the path exists again. Queued data goes to the
   * new file.
   */
  async reopen(): Promise<void> {
    this.#directories.forget();
    this.#generation += 1;
    const reopens: Promise<void>[] = [];
    for (const target of this.#holders) reopens.push(this.#enqueue(target, () => this.#reopenOp(target)));
    await Promise.all(reopens);
  }

  /** Closes files not written for `idleCloseMs` and forgets targets that are closed, empty and idle. */
  async closeIdle(): Promise<void> {
    const nowMs = this.#now();
    const closes: Promise<void>[] = [];
    if (this.#idleCloseMs > 0) {
      const idle = [...this.#idleOpen.values()].filter((target) => nowMs - target.lastWriteMs >= this.#idleCloseMs);
      for (const target of idle) closes.push(this.#enqueue(target, () => this.#closeFile(target, 'idle')));
    }
    await Promise.all(closes);
    for (const [path, target] of this.#targets) {
      if (target.holdsSlot || target.opsPending > 0 || target.queue.length > 0 || target.inDirty || target.failing) continue;
      if (this.#idleCloseMs > 0 && nowMs - target.lastWriteMs < this.#idleCloseMs) continue;
      this.#targets.delete(path);
      target.attached = false;
    }
  }

  /** Flushes (retrying failing targets once, backoff or not), syncs, closes every file. `append()` then throws. */
  close(): Promise<void> {
    if (this.#closed === null) {
      this.#closing = true;
      this.#closed = this.#shutdown();
    }
    return this.#closed;
  }

  /** Bytes accepted and not yet written, across all targets (what `stats().pendingBytes` says, without the object). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  stats(): FileCacheStats {
    return {
      openFiles: this.#descriptors,
      openFilesMax: this.#descriptorsMax,
      targets: this.#targets.size,
      pendingBytes: this.#pendingBytes,
      opens: this.#opens,
      openFailures: this.#openFailures,
      evictions: this.#evictions,
      idleCloses: this.#idleCloses,
      reopens: this.#reopens,
      writeFailures: this.#writeFailures,
      rotations: this.#rotations,
      droppedLines: this.#droppedLines,
      writtenBytes: this.#writtenBytes,
    };
  }

  async #shutdown(): Promise<void> {
    await this.flush();
    if (this.#fsync !== 'never') await this.sync();
    const closes: Promise<void>[] = [];
    for (const target of this.#holders) closes.push(this.#enqueue(target, () => this.#closeFile(target, 'shutdown')));
    await Promise.all(closes);
    // What could not be written by now is lost: count it.
    for (const target of this.#targets.values()) this.#dropQueued(target, target.queue.length);
  }

  // ---- queueing ----------------------------------------------------------------------------

  readonly #accept = (target: CacheTarget, chunk: Buffer): void => {
    if (this.#closing) throw new FileCacheClosedError(target.path);
    let owner = target;
    if (!owner.attached) owner = this.#reattach(owner);
    const length = chunk.length;
    if (length === 0) return;
    owner.queue.push(chunk);
    owner.queuedBytes += length;
    this.#pendingBytes += length;
    if (!owner.inDirty && !owner.failing) {
      owner.inDirty = true;
      this.#dirty.add(owner);
    }
    if (this.#pendingBytes > this.#maxPendingBytes && this.#failing.size > 0) this.#shed();
  };

  /** A forgotten target was appended to: use the current target of its path, or re-register it. */
  #reattach(target: CacheTarget): CacheTarget {
    const current = this.#targets.get(target.path);
    if (current !== undefined) return current;
    target.attached = true;
    this.#targets.set(target.path, target);
    return target;
  }

  #markDirty(target: CacheTarget): void {
    if (target.inDirty || target.failing || target.queue.length === 0) return;
    target.inDirty = true;
    this.#dirty.add(target);
  }

  #scheduleWrite(target: CacheTarget): void {
    target.inDirty = false;
    if (target.queuedWrite !== null) return;
    const write = this.#enqueue(target, () => this.#writeOp(target));
    target.queuedWrite = write;
    this.#pendingWrites.add(write);
    const settle = (): void => {
      this.#pendingWrites.delete(write);
    };
    write.then(settle, settle);
  }

  /** Moves failing targets whose backoff expired (or all, when closing) back to writing. */
  #scheduleRetries(ignoreBackoff: boolean): void {
    const nowMs = this.#now();
    if (!ignoreBackoff && nowMs < this.#nextRetryAtMs) return;
    let nextRetryAtMs = Number.POSITIVE_INFINITY;
    for (const target of this.#failing) {
      if (target.opsPending > 0) {
        nextRetryAtMs = nowMs; // look again at the next flush
        continue;
      }
      if (!ignoreBackoff && nowMs < target.retryAtMs) {
        nextRetryAtMs = Math.min(nextRetryAtMs, target.retryAtMs);
      } else if (target.queue.length === 0) {
        // Nothing left to retry (all dropped): the next append starts afresh.
        this.#clearFailing(target);
      } else {
        this.#scheduleWrite(target);
      }
    }
    this.#nextRetryAtMs = nextRetryAtMs;
  }

  // ---- per-target operation chain ------------------------------------------------------------

  #enqueue(target: CacheTarget, op: () => Promise<void>): Promise<void> {
    target.opsPending += 1;
    if (target.opsPending === 1) this.#idleOpen.delete(target.path);
    const run = target.tail.then(op).finally(() => this.#opDone(target));
    target.tail = run.catch(() => undefined); // a bug in one operation must not stall the next
    return run;
  }

  #opDone(target: CacheTarget): void {
    target.opsPending -= 1;
    if (target.opsPending > 0 || target.file === null) return;
    this.#idleOpen.set(target.path, target);
    if (this.#slotWaiters.length > this.#slotWaitersHead) this.#pumpSlots();
  }

  async #writeOp(target: CacheTarget): Promise<void> {
    target.queuedWrite = null;
    if (target.queue.length === 0) return;
    if (target.failing && !this.#closing && this.#now() < target.retryAtMs) {
      this.#nextRetryAtMs = Math.min(this.#nextRetryAtMs, target.retryAtMs);
      return;
    }
    if (target.file !== null && target.openedGeneration < this.#generation) {
      await this.#reopenFile(target); // reopen() was called after this write was queued
      if (target.file === null) return;
    } else if (target.file === null && !(await this.#openFile(target))) {
      return;
    }
    const file = target.file;
    assert.ok(file !== null);
    const chunks = target.queue;
    const bytes = target.queuedBytes;
    target.queue = [];
    target.queuedBytes = 0;
    target.inFlightBytes = bytes;
    let failure: unknown = null;
    try {
      await file.write(chunks);
    } catch (error) {
      failure = error;
    }
    target.inFlightBytes = 0;
    const writtenBytes = failure === null ? bytes : failure instanceof FileWriteError ? Math.min(failure.writtenBytes, bytes) : 0;
    this.#pendingBytes -= writtenBytes;
    this.#writtenBytes += writtenBytes;
    if (writtenBytes > 0) this.#markUnsynced(target);
    if (failure !== null) {
      this.#requeue(target, writtenBytes === 0 ? chunks : unwrittenChunks(chunks, writtenBytes), bytes - writtenBytes);
      await this.#writeFailed(target, failure);
      return;
    }
    target.lastWriteMs = this.#now();
    this.#clearFailing(target);
    if (this.#fsync === 'always') await this.#syncFile(target);
  }

  /** Puts unwritten chunks back in front of what was appended meanwhile. */
  #requeue(target: CacheTarget, chunks: Buffer[], bytes: number): void {
    if (chunks.length === 0) return;
    target.queue = target.queue.length === 0 ? chunks : chunks.concat(target.queue);
    target.queuedBytes += bytes;
  }

  async #writeFailed(target: CacheTarget, error: unknown): Promise<void> {
    this.#writeFailures += 1;
    this.#emit({ type: 'write_failed', path: target.path, error: toError(error) });
    this.#markFailing(target);
    await this.#closeFile(target, 'error');
    if (this.#pendingBytes > this.#maxPendingBytes) this.#shed();
  }

  #markUnsynced(target: CacheTarget): void {
    target.unsynced = true;
    this.#unsynced.add(target);
  }

  async #syncOp(target: CacheTarget): Promise<void> {
    if (target.file === null || !target.unsynced) return;
    await this.#syncFile(target);
  }

  async #syncFile(target: CacheTarget): Promise<void> {
    const file = target.file;
    if (file === null) return;
    target.unsynced = false;
    this.#unsynced.delete(target);
    try {
      await file.sync();
    } catch (error) {
      this.#writeFailures += 1;
      this.#emit({ type: 'write_failed', path: target.path, error: toError(error) });
      await this.#closeFile(target, 'error');
    }
  }

  async #reopenOp(target: CacheTarget): Promise<void> {
    if (target.file !== null && target.openedGeneration < this.#generation) await this.#reopenFile(target);
  }

  /** Close then open again, keeping the descriptor slot across (so reopen never waits for one). */
  async #reopenFile(target: CacheTarget): Promise<void> {
    await this.#closeFile(target, 'reopen', true);
    await this.#openWithSlot(target);
  }

  // ---- descriptors ---------------------------------------------------------------------------

  async #openFile(target: CacheTarget): Promise<boolean> {
    assert.ok(!target.holdsSlot, 'a target without a file holds no slot');
    const wait = this.#acquireSlot();
    if (wait !== null) await wait;
    target.holdsSlot = true;
    this.#holders.add(target);
    return this.#openWithSlot(target);
  }

  /** Opens the target's file in the slot it holds; on failure releases the slot and backs off. */
  async #openWithSlot(target: CacheTarget): Promise<boolean> {
    const generation = this.#generation;
    const hooks: OpenLogFileHooks = {
      directories: this.#directories,
      onRotated: (rotatedTo) => {
        this.#rotations += 1;
        this.#emit({ type: 'rotated', path: target.path, rotatedTo });
      },
    };
    try {
      target.file = await this.#open(target.options, hooks);
    } catch (error) {
      this.#releaseSlot(target);
      this.#openFailures += 1;
      this.#emit({ type: 'open_failed', path: target.path, error: toError(error) });
      this.#markFailing(target);
      if (this.#pendingBytes > this.#maxPendingBytes) this.#shed();
      return false;
    }
    target.openedGeneration = generation;
    this.#opens += 1;
    this.#emit({ type: 'open', path: target.path });
    return true;
  }

  /** Syncs (unless fsync 'never') and closes the file; keeps the slot only for a reopen or an eviction. */
  async #closeFile(target: CacheTarget, reason: CloseReason, keepSlot = false): Promise<void> {
    const file = target.file;
    if (file === null) return;
    target.file = null;
    if (target.unsynced && this.#fsync !== 'never') {
      try {
        await file.sync();
      } catch (error) {
        this.#writeFailures += 1;
        this.#emit({ type: 'write_failed', path: target.path, error: toError(error) });
      }
    }
    target.unsynced = false;
    this.#unsynced.delete(target);
    try {
      await file.close();
    } catch (error) {
      // Linux reports delayed write-back errors at close: written data may be lost.
      this.#writeFailures += 1;
      this.#emit({ type: 'write_failed', path: target.path, error: toError(error) });
    }
    if (reason === 'evicted') this.#evictions += 1;
    else if (reason === 'idle') this.#idleCloses += 1;
    else if (reason === 'reopen') this.#reopens += 1;
    this.#emit({ type: 'close', path: target.path, reason });
    if (!keepSlot) this.#releaseSlot(target);
  }

  /** Null when a slot was taken at once; otherwise a promise resolved once one is taken for us. */
  #acquireSlot(): Promise<void> | null {
    if (this.#descriptors < this.#maxOpenFiles && this.#slotWaiters.length === this.#slotWaitersHead) {
      this.#takeSlot();
      return null;
    }
    return new Promise((resolve) => {
      this.#slotWaiters.push(resolve);
      this.#pumpSlots();
    });
  }

  #takeSlot(): void {
    this.#descriptors += 1;
    if (this.#descriptors > this.#descriptorsMax) this.#descriptorsMax = this.#descriptors;
    assert.ok(this.#descriptors <= this.#maxOpenFiles);
  }

  #releaseSlot(target: CacheTarget): void {
    if (!target.holdsSlot) return;
    target.holdsSlot = false;
    this.#holders.delete(target);
    this.#descriptors -= 1;
    this.#pumpSlots();
  }

  /** Hands free slots to waiters, evicting idle files (LRU first) for the ones left. */
  #pumpSlots(): void {
    while (this.#slotWaiters.length > this.#slotWaitersHead) {
      const waiting = this.#slotWaiters.length - this.#slotWaitersHead;
      if (this.#descriptors < this.#maxOpenFiles) {
        this.#takeSlot();
        const resolve = this.#slotWaiters[this.#slotWaitersHead];
        this.#slotWaiters[this.#slotWaitersHead] = undefined;
        this.#slotWaitersHead += 1;
        resolve?.();
        continue;
      }
      if (this.#evictionsStarted >= waiting) break;
      const victim = this.#idleOpen.values().next();
      if (victim.done === true) break;
      this.#evict(victim.value);
    }
    if (this.#slotWaitersHead > 1024 && this.#slotWaitersHead * 2 > this.#slotWaiters.length) {
      this.#slotWaiters = this.#slotWaiters.slice(this.#slotWaitersHead);
      this.#slotWaitersHead = 0;
    }
  }

  #evict(victim: CacheTarget): void {
    this.#evictionsStarted += 1;
    void this.#enqueue(victim, async () => {
      try {
        await this.#closeFile(victim, 'evicted', true);
      } finally {
        this.#evictionsStarted -= 1;
        this.#releaseSlot(victim);
      }
    });
  }

  // ---- failure -------------------------------------------------------------------------------

  #markFailing(target: CacheTarget): void {
    target.backoffMs = target.failing ? Math.min(target.backoffMs * 2, this.#retryMaxMs) : this.#retryInitialMs;
    target.failing = true;
    target.retryAtMs = this.#now() + target.backoffMs;
    this.#nextRetryAtMs = Math.min(this.#nextRetryAtMs, target.retryAtMs);
    this.#failing.add(target);
    if (target.inDirty) {
      target.inDirty = false;
      this.#dirty.delete(target);
    }
  }

  #clearFailing(target: CacheTarget): void {
    if (!target.failing) return;
    target.failing = false;
    target.backoffMs = 0;
    this.#failing.delete(target);
    this.#markDirty(target);
  }

  /** Drops the oldest queued chunks of failing targets until under `maxPendingBytes`. */
  #shed(): void {
    for (const target of this.#failing) {
      if (this.#pendingBytes <= this.#maxPendingBytes) return;
      const queue = target.queue;
      let count = 0;
      let bytes = 0;
      while (count < queue.length && this.#pendingBytes - bytes > this.#maxPendingBytes) {
        bytes += queue[count]!.length;
        count += 1;
      }
      this.#dropQueued(target, count);
    }
  }

  #dropQueued(target: CacheTarget, count: number): void {
    if (count === 0) return;
    const dropped = target.queue.splice(0, count);
    let bytes = 0;
    let lines = 0;
    for (const chunk of dropped) {
      bytes += chunk.length;
      lines += countLines(chunk);
    }
    target.queuedBytes -= bytes;
    this.#pendingBytes -= bytes;
    this.#droppedLines += lines;
    this.#emit({ type: 'dropped', path: target.path, lines, bytes });
  }

  #emit(event: FileEvent): void {
    this.#onEvent?.(event);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
