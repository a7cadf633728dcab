/**
 * Batches the pipe input's acknowledgements: connections that pushed lines ask for an ack, and
 * at most once per interval the timer makes everything pushed durable with one
 * `flushToSpool()` (shared by every connection: one spool write, not one per helper) and then
 * lets each of them send its `ACK`. Never ack before the flush: the helper forgets what we ack.
 */
import type { LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';

export interface PipeAckTarget {
  /** Sends the connection's cumulative ack; called only after a flush. */
  sendAck(): void;
}

export class PipeAckTimer {
  readonly #ingest: LineIngest;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #waiting = new Set<PipeAckTarget>();
  #timer: NodeJS.Timeout | null = null;

  constructor(ingest: LineIngest, logger: Logger, intervalMs: number) {
    this.#ingest = ingest;
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  schedule(target: PipeAckTarget): void {
    this.#waiting.add(target);
    this.#timer ??= setTimeout(() => this.flushNow(), this.#intervalMs);
  }

  /** Forgets a connection that is gone. */
  cancel(target: PipeAckTarget): void {
    this.#waiting.delete(target);
  }

  /** Flushes and acks now (violations, idle timeouts and shutdown do not wait for the tick). */
  flushNow(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#waiting.size === 0) return;
    try {
      this.#ingest.flushToSpool();
    } catch (error) {
      // Nothing is acked; the helpers keep their lines and the next tick tries again.
      this.#logger.error({ err: error }, 'Pipe input could not flush the spool; acknowledgements wait');
      this.#timer = setTimeout(() => this.flushNow(), this.#intervalMs * 100);
      return;
    }
    const targets = [...this.#waiting];
    this.#waiting.clear();
    for (const target of targets) target.sendAck();
  }

  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#waiting.clear();
  }
}
