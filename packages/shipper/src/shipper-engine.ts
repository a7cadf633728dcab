/**
 * The shipper engine: the LineIngest every input pushes into, and the owner of the path from a
 * pushed line to the spool.
 *
 * Theory of operation. push() routes each line to its group (fixed or vhost bucket), cuts
 * overlong lines by policy, and copies it into the group's open batch. A batch closes when full
 * or when it has waited `batchMaxDelayMs`; a closed batch is appended to the spool at once
 * (one write(2): from then on kill -9 cannot lose it) and the listeners (the upstream sender)
 * are told. The spool is the queue: the upstream sender reads it and acknowledges what the
 * daemon has ordered.
 *
 * Fullness is decided here, per line, before a line is taken: pending spool bytes plus open
 * batch bytes against `spoolMaxBytes`. Under drop_newest a line that does not fit is dropped and
 * counted on its input; under block it is still taken (it was already read) and push() answers
 * paused, so stream inputs stop reading until acknowledgements make room. That is why the spool
 * itself is opened with headroom above spoolMaxBytes.
 */
import type { OverlongPolicy, SpoolFullPolicy } from '@ringlog/config';
import { Batcher, type ClosedBatch } from './batcher.ts';
import { EngineStats } from './engine-stats.ts';
import { InputStats } from './input-stats.ts';
import { blockLines, type InputHandle, type InputRoute, type LineIngest, type PushOutcome } from './line-ingest.ts';
import { routeGroup } from './vhost-route.ts';

/** What the engine needs of the spool: appends and the size of what waits in it. */
export interface SpoolWriter {
  readonly pendingBytes: number;
  append(group: string, body: Buffer, lineCount: number): unknown;
}

export interface ShipperEngineOptions {
  readonly lineMaxBytes: number;
  readonly overlong: OverlongPolicy;
  readonly batchMaxBytes: number;
  readonly batchMaxDelayMs: number;
  readonly spoolMaxBytes: number;
  readonly onFull: SpoolFullPolicy;
}

/** Resume reading once pending bytes fall below this share of the cap (hysteresis). */
const RESUME_FRACTION = 0.9;
/** Delay before retrying a failed spool write. */
const SPOOL_RETRY_MS = 1000;

const NOT_PAUSED: PushOutcome = Object.freeze({ dropped: 0, paused: false });
const JUST_PAUSED: PushOutcome = Object.freeze({ dropped: 0, paused: true });

export class ShipperEngine implements LineIngest {
  readonly stats = new EngineStats();
  readonly #options: ShipperEngineOptions;
  readonly #spool: SpoolWriter;
  readonly #batcher: Batcher;
  readonly #lineMaxBytes: number;
  readonly #inputs = new Map<string, InputHandle>();
  readonly #listeners: (() => void)[] = [];
  readonly #errorListeners: ((error: Error) => void)[] = [];
  /** Closed batches the spool has not taken yet (only while its writes fail). */
  readonly #unspooled: ClosedBatch[] = [];
  #unspooledBytes = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #timer: NodeJS.Timeout | null = null;
  #paused = false;
  #wakers: (() => void)[] = [];
  #closed = false;

  constructor(options: ShipperEngineOptions, spool: SpoolWriter) {
    this.#options = options;
    this.#spool = spool;
    this.#batcher = new Batcher(options.batchMaxBytes, this.#spoolBatch);
    // A line must fit one batch, and a batch one Spread message.
    this.#lineMaxBytes = Math.min(options.lineMaxBytes, this.#batcher.lineMaxBytes);
  }

  get inputs(): readonly InputHandle[] {
    return [...this.#inputs.values()];
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Bytes in open batches, not yet in the spool. */
  get openBytes(): number {
    return this.#batcher.openBytes;
  }

  /** Effective line limit: lines.max_bytes, capped by what one batch can hold. */
  get lineMaxBytes(): number {
    return this.#lineMaxBytes;
  }

  registerInput(name: string, type: string, route: InputRoute): InputHandle {
    if (this.#inputs.has(name)) throw new Error(`an input named ${name} is already registered`);
    const handle: InputHandle = { name, type, route, stats: new InputStats() };
    this.#inputs.set(name, handle);
    return handle;
  }

  /** Called after each batch reaches the spool (the upstream sender wakes on it). */
  onSpooled(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Called when a spool write fails (the batch is kept and retried). */
  onSpoolError(listener: (error: Error) => void): void {
    this.#errorListeners.push(listener);
  }

  /** Batches held in memory because spool writes fail. */
  get unspooledBatches(): number {
    return this.#unspooled.length;
  }

  push(input: InputHandle, lines: readonly Buffer[], route: InputRoute = input.route): PushOutcome {
    if (this.#closed) return this.#refuse(input, lines.length, 'closing');
    let dropped = 0;
    for (const line of lines) {
      if (line.length === 0) continue;
      if (line.length > this.#lineMaxBytes) {
        dropped += this.#pushOverlong(input, line, route);
        continue;
      }
      if (!this.#take(input, line, route)) dropped += 1;
    }
    if (dropped > 0) return { dropped, paused: this.#paused };
    return this.#paused ? JUST_PAUSED : NOT_PAUSED;
  }

  pushBlock(input: InputHandle, block: Buffer, lineCount: number): PushOutcome {
    const route = input.route;
    // Buckets, a spool near its cap, or lines the engine would cut: the line-by-line path decides.
    const simple = route.vhostBuckets === 0 && !this.#closed && this.#usedBytes() + block.length <= this.#options.spoolMaxBytes;
    if (!simple) return this.push(input, blockLines(block));
    if (this.#batcher.addBlock(route.group, block, lineCount)) this.#armTimer();
    const bytes = block.length - lineCount;
    input.stats.lines += lineCount;
    input.stats.bytes += bytes;
    this.stats.lines += lineCount;
    this.stats.bytes += bytes;
    return this.#paused ? JUST_PAUSED : NOT_PAUSED;
  }

  whenWritable(): Promise<void> {
    if (!this.#paused) return Promise.resolve();
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  flushToSpool(): void {
    this.#clearTimer();
    this.#batcher.closeAll();
  }

  /** Re-evaluates fullness after the spool shrank (acknowledgements); wakes paused inputs. */
  spoolShrank(): void {
    if (!this.#paused) return;
    if (this.#usedBytes() > this.#options.spoolMaxBytes * RESUME_FRACTION) return;
    this.#paused = false;
    for (const wake of this.#wakers.splice(0)) wake();
  }

  /** Spools every open batch; later pushes are dropped and counted as `closing`. */
  close(): void {
    this.flushToSpool();
    this.#drainUnspooled();
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#closed = true;
    this.#paused = false;
    for (const wake of this.#wakers.splice(0)) wake();
  }

  /** Takes one line of legal length; false when it was dropped (spool full, drop_newest). */
  #take(input: InputHandle, line: Buffer, route: InputRoute): boolean {
    const stats = input.stats;
    if (this.#usedBytes() + line.length + 1 > this.#options.spoolMaxBytes && !this.#full(input)) return false;
    const group = route.vhostBuckets === 0 ? route.group : routeGroup(route, line);
    if (this.#batcher.add(group, line)) this.#armTimer();
    stats.lines += 1;
    stats.bytes += line.length;
    this.stats.lines += 1;
    this.stats.bytes += line.length;
    return true;
  }

  /** The spool is full: under block the line is still taken (returns true) and inputs pause. */
  #full(input: InputHandle): boolean {
    if (this.#options.onFull === 'drop_newest') {
      input.stats.drops.spool_full += 1;
      this.stats.droppedLines += 1;
      return false;
    }
    if (!this.#paused) {
      this.#paused = true;
      this.stats.pauses += 1;
    }
    return true;
  }

  /** Splits or truncates a line over the limit; returns how many pieces were dropped. */
  #pushOverlong(input: InputHandle, line: Buffer, route: InputRoute): number {
    input.stats.error('overlong');
    const max = this.#lineMaxBytes;
    if (this.#options.overlong === 'truncate') {
      input.stats.drops.truncated += 1;
      return this.#take(input, line.subarray(0, max), route) ? 0 : 1;
    }
    let dropped = 0;
    for (let start = 0; start < line.length; start += max) {
      if (!this.#take(input, line.subarray(start, Math.min(line.length, start + max)), route)) dropped += 1;
    }
    return dropped;
  }

  #refuse(input: InputHandle, count: number, reason: 'closing'): PushOutcome {
    input.stats.drops[reason] += count;
    this.stats.droppedLines += count;
    return { dropped: count, paused: false };
  }

  #usedBytes(): number {
    return this.#spool.pendingBytes + this.#batcher.openBytes + this.#unspooledBytes;
  }

  readonly #spoolBatch = (batch: ClosedBatch): void => {
    this.stats.batches += 1;
    this.#unspooled.push(batch);
    this.#unspooledBytes += batch.body.length;
    this.#drainUnspooled();
  };

  /**
   * Appends held batches in order. A failing write (disk full, I/O error) keeps them in memory,
   * still counted against the cap, and retries: a sick disk pauses shipping, it does not drop.
   */
  #drainUnspooled(): void {
    let appended = false;
    while (this.#unspooled.length > 0) {
      const batch = this.#unspooled[0] as ClosedBatch;
      try {
        if (this.#spool.append(batch.group, batch.body, batch.lineCount) === null) throw new Error('the spool refused a batch over its size limit');
      } catch (error) {
        this.stats.spoolWriteErrors += 1;
        this.#reportError(error as Error);
        this.#retryLater();
        break;
      }
      this.#unspooled.shift();
      this.#unspooledBytes -= batch.body.length;
      appended = true;
    }
    if (appended) for (const listener of this.#listeners) listener();
  }

  #retryLater(): void {
    if (this.#retryTimer !== null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#drainUnspooled();
    }, SPOOL_RETRY_MS);
  }

  #reportError(error: Error): void {
    for (const listener of this.#errorListeners) listener(error);
  }

  #armTimer(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(this.#onTimer, this.#options.batchMaxDelayMs);
  }

  readonly #onTimer = (): void => {
    this.#timer = null;
    this.#batcher.closeAll();
  };

  #clearTimer(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }
}
