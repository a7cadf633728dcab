/**
 * Sends this collector's acknowledgements to the ack group: soon after each commit the shippers
 * whose committed offsets moved (or that have a gap to fill), and every `fullIntervalMs` all of
 * them, so a shipper that restarted, or missed an acknowledgement while its daemon was away,
 * learns where this collector stands. Sending is throttled to one message per `minIntervalMs`:
 * acknowledgements only let shippers forget spooled batches, they never delay lines.
 */
import { ACK_ENTRIES_MAX, encodeAck, type AckEntry, type NodeId } from '@ringlog/delivery';
import type { DeliveryLedger } from './delivery-ledger.ts';

export interface AckPublisherOptions {
  readonly collectorId: NodeId;
  /** Sends one acknowledgement body; false when there is no connection (it is sent again later). */
  readonly send: (body: Buffer) => boolean;
  readonly minIntervalMs?: number;
  readonly fullIntervalMs?: number;
}

const MIN_INTERVAL_MS_DEFAULT = 50;
const FULL_INTERVAL_MS_DEFAULT = 1000;

export class AckPublisher {
  readonly #ledger: DeliveryLedger;
  readonly #options: AckPublisherOptions;
  readonly #minIntervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #fullTimer: NodeJS.Timeout | null = null;
  #lastSentMs = -Infinity;
  #sent = 0;

  constructor(ledger: DeliveryLedger, options: AckPublisherOptions) {
    this.#ledger = ledger;
    this.#options = options;
    this.#minIntervalMs = options.minIntervalMs ?? MIN_INTERVAL_MS_DEFAULT;
    this.#fullTimer = setInterval(() => this.#publishAll(), options.fullIntervalMs ?? FULL_INTERVAL_MS_DEFAULT);
    this.#fullTimer.unref();
  }

  /** Acknowledgement messages sent so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Something changed (a commit, a gap): acknowledge within minIntervalMs. */
  changed(): void {
    if (this.#timer !== null) return;
    const waitMs = Math.max(0, this.#lastSentMs + this.#minIntervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#publish(this.#ledger.takeChanges(false));
    }, waitMs);
    this.#timer.unref();
  }

  /** Sends everything now (after a reconnect, and at shutdown). */
  publishAllNow(): void {
    this.#publishAll();
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#fullTimer !== null) clearInterval(this.#fullTimer);
    this.#timer = null;
    this.#fullTimer = null;
  }

  #publishAll(): void {
    this.#ledger.takeChanges(false);
    this.#publish(this.#ledger.takeChanges(true));
  }

  #publish(entries: readonly AckEntry[]): void {
    if (entries.length === 0) return;
    this.#lastSentMs = Date.now();
    for (let start = 0; start < entries.length; start += ACK_ENTRIES_MAX) {
      const body = encodeAck({ collectorId: this.#options.collectorId, entries: entries.slice(start, start + ACK_ENTRIES_MAX) });
      if (this.#options.send(body)) this.#sent++;
    }
  }
}
