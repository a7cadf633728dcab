/**
 * A bounded single-consumer queue that is also an async iterator. The producer pushes
 * synchronously; the consumer awaits next(). Two overflow policies:
 *   'pause'       – at `highWater` items it calls onPause() (the session stops reading its
 *                   socket, so TCP pushes back on the daemon) and onResume() once the
 *                   consumer has taken it down to `lowWater`. Items already decoded from one
 *                   socket read are still accepted, so the bound is highWater + one read.
 *   'drop-oldest' – at `highWater` the oldest item is discarded and counted.
 * Each item may carry a weight (bytes), summed in `weight`.
 */
export type OverflowPolicy = 'pause' | 'drop-oldest';

export interface EventQueueOptions {
  readonly highWater: number;
  readonly lowWater: number;
  readonly overflow: OverflowPolicy;
  readonly onPause?: () => void;
  readonly onResume?: () => void;
}

const COMPACT_AFTER = 1024;

export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #options: EventQueueOptions;
  #items: T[] = [];
  #weights: number[] = [];
  #head = 0;
  #weight = 0;
  #waiter: ((result: IteratorResult<T>) => void) | null = null;
  #ended = false;
  #paused = false;
  #dropped = 0;

  constructor(options: EventQueueOptions) {
    if (!(options.lowWater >= 0 && options.lowWater < options.highWater)) {
      throw new RangeError(`EventQueue needs 0 <= lowWater < highWater, got ${options.lowWater}, ${options.highWater}`);
    }
    this.#options = options;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Sum of the weights of queued items. */
  get weight(): number {
    return this.#weight;
  }

  get dropped(): number {
    return this.#dropped;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(item: T, weight = 0): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter({ value: item, done: false });
      return;
    }
    if (this.length >= this.#options.highWater && this.#options.overflow === 'drop-oldest') {
      this.#take();
      this.#dropped++;
    }
    this.#items.push(item);
    this.#weights.push(weight);
    this.#weight += weight;
    if (!this.#paused && this.#options.overflow === 'pause' && this.length >= this.#options.highWater) {
      this.#paused = true;
      this.#options.onPause?.();
    }
  }

  /** No more items will come; the consumer still gets the queued ones, then done. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.({ value: undefined, done: true });
  }

  /** Takes an item if one is queued, without waiting. */
  tryShift(): T | undefined {
    return this.length === 0 ? undefined : this.#take();
  }

  /** Takes every queued item at once (used when a synchronous listener replaces the iterator). */
  drainAll(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#weights = [];
    this.#head = 0;
    this.#weight = 0;
    this.#maybeResume();
    return items;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.length > 0) return Promise.resolve({ value: this.#take(), done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter !== null) return Promise.reject(new Error('EventQueue supports one pending next() at a time'));
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** The consumer stopped (for await … break): drop what is queued and end. */
  return(): Promise<IteratorResult<T>> {
    this.drainAll();
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #take(): T {
    const item = this.#items[this.#head] as T;
    this.#weight -= this.#weights[this.#head] as number;
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#weights = this.#weights.slice(this.#head);
      this.#head = 0;
    }
    this.#maybeResume();
    return item;
  }

  #maybeResume(): void {
    if (this.#paused && this.length <= this.#options.lowWater) {
      this.#paused = false;
      this.#options.onResume?.();
    }
  }
}
