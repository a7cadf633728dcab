/**
 * A session's events go to exactly one consumer: a synchronous listener (the hot path) or
 * the async iterator. This holds that rule once for SpreadSession and ReconnectingSession.
 */
import { ResultCode } from '@ringlog/wire';
import { ClientErrorCode, ClientUsageError } from './errors.ts';
import type { EventQueue } from './event-queue.ts';
import type { SpreadEvent } from './events.ts';

export type EventListener = (event: SpreadEvent) => void;

export class EventConsumer {
  #listener: EventListener | null = null;
  #iteratorTaken = false;

  /** The attached listener, or null while events queue for the iterator. */
  get listener(): EventListener | null {
    return this.#listener;
  }

  /** Attaches `listener` after handing it what `queue` already holds; returns the detacher. */
  attach(queue: EventQueue<SpreadEvent>, listener: EventListener): () => void {
    this.#assertFree();
    for (const event of queue.drainAll()) listener(event);
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = null;
    };
  }

  takeIterator(queue: EventQueue<SpreadEvent>): AsyncIterator<SpreadEvent> {
    this.#assertFree();
    this.#iteratorTaken = true;
    return queue;
  }

  #assertFree(): void {
    if (this.#iteratorTaken || this.#listener !== null) {
      throw new ClientUsageError(ClientErrorCode.ITERATOR_BUSY, ResultCode.ILLEGAL_SESSION, 'This session already has an event consumer');
    }
  }
}
