/**
 * What the collectors have written of this shipper's spool, and so how much of it may be
 * forgotten and what must be sent again (acknowledged delivery, docs/delivery.md).
 *
 * Theory of operation. Every collector multicasts, per shipper, the end offset of the batches it
 * has on disk. The spool may forget a batch once every collector that ever acknowledged this
 * shipper has it: the set of those collectors is persisted, so one that is down right now (the
 * second logging box, restarting) still holds the spool back and gets its batches when it
 * returns. A collector further behind the most advanced one than `laggingMaxBytes` stops holding
 * it back (a box gone for good must not fill every web node's spool). Until some collector has
 * acknowledged, nothing is forgotten.
 *
 * Sending again: a collector that reports a gap gets the batches from its written-to offset
 * (`rewindTo`). A batch lost at the very end of a burst leaves no later batch to reveal the gap,
 * so a collector that is alive (heard from within ACK_TIMEOUT_MS) but has not moved for that long
 * while batches it lacks were sent is stuck, and gets them again too (`stuckOffset`). A collector
 * that is silent is not resent to: it asks when it returns.
 */
import { readIdList, writeIdList, type AckMessage, type NodeId } from '@ringlog/delivery';

export interface CollectorAcksOptions {
  readonly shipperId: NodeId;
  /** JSON file listing the collectors that ever acknowledged this shipper. */
  readonly knownFile: string;
  readonly laggingMaxBytes: number;
  /**
   * The spool's acknowledged offset at start: every known collector that still counted had
   * written at least this far, so it is where each stands until it speaks again.
   */
  readonly startOffset: number;
}

export interface AckOutcome {
  /** The spool may forget everything before this offset (null: no change). */
  readonly releaseTo: number | null;
  /** A collector asks for batches from this offset again (null: none). */
  readonly rewindTo: number | null;
}

export interface CollectorAckStats {
  acksReceived: number;
  /** Entries for offsets this shipper never wrote (ignored). */
  acksIgnored: number;
  gapsReported: number;
  stuckResends: number;
}

/** Heard from within this long = alive; alive and not moved for this long while behind = stuck. */
export const ACK_TIMEOUT_MS = 3000;

interface CollectorProgress {
  writtenTo: number;
  heardAtMs: number;
  movedAtMs: number;
}

const NO_OUTCOME: AckOutcome = Object.freeze({ releaseTo: null, rewindTo: null });

export class CollectorAcks {
  readonly stats: CollectorAckStats = { acksReceived: 0, acksIgnored: 0, gapsReported: 0, stuckResends: 0 };
  readonly #options: CollectorAcksOptions;
  readonly #collectors = new Map<NodeId, CollectorProgress>();

  constructor(options: CollectorAcksOptions) {
    this.#options = options;
    for (const id of readIdList(options.knownFile, 'collectors')) this.#collectors.set(id, { writtenTo: options.startOffset, heardAtMs: -Infinity, movedAtMs: -Infinity });
  }

  get collectorsKnown(): number {
    return this.#collectors.size;
  }

  /** How far each known collector has written. */
  writtenTo(): Map<NodeId, number> {
    return new Map([...this.#collectors].map(([id, progress]) => [id, progress.writtenTo]));
  }

  /** One acknowledgement, at `nowMs`; `endOffset` is the spool's end (nothing beyond it was ever sent). */
  receive(message: AckMessage, endOffset: number, nowMs: number): AckOutcome {
    const entry = message.entries.find((candidate) => candidate.shipperId === this.#options.shipperId);
    if (entry === undefined) return NO_OUTCOME;
    this.stats.acksReceived++;
    if (entry.writtenTo > endOffset) {
      this.stats.acksIgnored++;
      return NO_OUTCOME;
    }
    let progress = this.#collectors.get(message.collectorId);
    if (progress === undefined) {
      progress = { writtenTo: entry.writtenTo, heardAtMs: nowMs, movedAtMs: nowMs };
      this.#collectors.set(message.collectorId, progress);
      this.#saveKnown();
    }
    // Known from collectors.json but first heard now: whether it moves is measured from here.
    if (progress.heardAtMs === -Infinity) progress.movedAtMs = nowMs;
    progress.heardAtMs = nowMs;
    if (entry.writtenTo > progress.writtenTo) {
      progress.writtenTo = entry.writtenTo;
      progress.movedAtMs = nowMs;
    }
    if (entry.gap) this.stats.gapsReported++;
    return { releaseTo: this.#releasable(), rewindTo: entry.gap ? entry.writtenTo : null };
  }

  /**
   * The lowest offset of an alive collector that has been behind `sentOffset` without moving for
   * ACK_TIMEOUT_MS, or null. Returning it counts as resending to it: its clock starts again.
   */
  stuckOffset(sentOffset: number, nowMs: number): number | null {
    let lowest: number | null = null;
    for (const progress of this.#collectors.values()) {
      const alive = nowMs - progress.heardAtMs < ACK_TIMEOUT_MS;
      if (!alive || progress.writtenTo >= sentOffset || nowMs - progress.movedAtMs < ACK_TIMEOUT_MS) continue;
      progress.movedAtMs = nowMs;
      lowest = lowest === null ? progress.writtenTo : Math.min(lowest, progress.writtenTo);
    }
    if (lowest !== null) this.stats.stuckResends++;
    return lowest;
  }

  /** The lowest offset every collector that still counts has written. */
  #releasable(): number | null {
    let highest = 0;
    for (const progress of this.#collectors.values()) highest = Math.max(highest, progress.writtenTo);
    let lowest: number | null = null;
    for (const { writtenTo } of this.#collectors.values()) {
      if (highest - writtenTo > this.#options.laggingMaxBytes) continue; // lagging: no longer counts
      lowest = lowest === null ? writtenTo : Math.min(lowest, writtenTo);
    }
    return lowest;
  }

  #saveKnown(): void {
    writeIdList(this.#options.knownFile, 'collectors', this.#collectors.keys());
  }
}
