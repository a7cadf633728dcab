/**
 * Ordering layers for session-layer tests: one that holds every request until the test
 * releases it, and one that delivers each request later on its own timer.
 */
import type { ConfigurationView, DeliverFn, OrderedRequest, OrderingLayer } from '@ringlog/daemon';
import { BASE_SEED, createPrng } from './prng.ts';

export const SEAM_VIEW: ConfigurationView = { procId: 77, timeSecs: 1234, daemons: ['elsewhere', 'localhost'] };

/** Holds every submission until the test releases it. */
export class HeldOrdering implements OrderingLayer {
  readonly view = SEAM_VIEW;
  readonly held: OrderedRequest[] = [];
  #deliver: DeliverFn | null = null;

  onDeliver(deliver: DeliverFn): void {
    this.#deliver = deliver;
  }

  submit(request: OrderedRequest): void {
    this.held.push(request);
  }

  /** Delivers the held requests that `wanted` picks, in `order`. */
  release(wanted: (request: OrderedRequest) => boolean = () => true, order: 'submitted' | 'reversed' = 'submitted'): void {
    const chosen = this.held.filter(wanted);
    for (const request of chosen) this.held.splice(this.held.indexOf(request), 1);
    if (order === 'reversed') chosen.reverse();
    for (const request of chosen) (this.#deliver as DeliverFn)(request);
  }

  close(): void {
    this.#deliver = null;
  }
}

/** Delivers each submission on its own timer, after a seeded random delay below `maxDelayMs`. */
export class DelayedOrdering implements OrderingLayer {
  readonly view = SEAM_VIEW;
  readonly delivered: OrderedRequest[] = [];
  readonly #prng = createPrng(BASE_SEED);
  readonly #maxDelayMs: number;
  readonly #order: 'scrambled' | 'fifo';
  #lastDueMs = 0;
  #deliver: DeliverFn | null = null;

  /** `fifo` keeps submission order (a total order that is merely late), `scrambled` does not. */
  constructor(maxDelayMs = 20, order: 'scrambled' | 'fifo' = 'scrambled') {
    this.#maxDelayMs = maxDelayMs;
    this.#order = order;
  }

  onDeliver(deliver: DeliverFn): void {
    this.#deliver = deliver;
  }

  submit(request: OrderedRequest): void {
    let dueMs = Date.now() + this.#prng.int(this.#maxDelayMs);
    if (this.#order === 'fifo') dueMs = Math.max(dueMs, this.#lastDueMs + 1);
    this.#lastDueMs = dueMs;
    setTimeout(() => {
      if (this.#deliver === null) return;
      this.delivered.push(request);
      this.#deliver(request);
    }, dueMs - Date.now());
  }

  close(): void {
    this.#deliver = null;
  }
}
