/**
 * Per shipper, how far this collector has taken its batches: the decision, for every batch that
 * arrives, whether to write it, drop it as already written, or drop it because an earlier batch
 * never arrived (a gap the shipper must fill by sending again).
 *
 * Theory of operation. A shipper's batches are consecutive byte ranges of its spool. `accepted`
 * is the end of the last batch routed to the outputs (not necessarily on disk yet); `committed`
 * is the end of the last batch whose lines are on disk and recorded in the write journal: only
 * that is acknowledged. A batch is written iff it starts exactly at `accepted`. If it ends at or
 * before `accepted` it is a repeat. If it starts beyond, the batches between were lost on their
 * way here (this collector or its daemon was down, or the daemon cut it off as a slow reader):
 * the batch is dropped and the gap reported, and the shipper sends again from `committed`.
 * `floor` in each header is where the shipper's history now starts: a collector behind it can
 * never get the missing part (the shipper gave up on it as lagging), so it moves up to the floor
 * and counts the bytes skipped. A shipper never seen starts at its floor.
 */
import type { BatchHeader, NodeId } from '@ringlog/delivery';

export type Admission = 'write' | 'duplicate' | 'gap';

interface ShipperProgress {
  accepted: number;
  committed: number;
  /** `accepted` when a gap was seen and not yet filled, else null. */
  gapAt: number | null;
}

export interface LedgerCounters {
  /** Bytes of shipper history this collector will never get (the shipper's floor passed it). */
  bytesSkipped: number;
}

export class DeliveryLedger {
  readonly counters: LedgerCounters = { bytesSkipped: 0 };
  readonly #shippers = new Map<NodeId, ShipperProgress>();
  /** Shippers whose committed offset or gap changed since `takeChanges()`. */
  readonly #changed = new Set<NodeId>();
  #acceptedChanged = false;

  /** Starts from what the write journal recorded. */
  constructor(committed: ReadonlyMap<NodeId, number> = new Map()) {
    for (const [id, offset] of committed) this.#shippers.set(id, { accepted: offset, committed: offset, gapAt: null });
  }

  get shipperCount(): number {
    return this.#shippers.size;
  }

  /** Decides one batch; on 'write' the caller must route its lines before the next call. */
  admit(header: BatchHeader): Admission {
    const progress = this.#progressOf(header);
    if (header.endOffset <= progress.accepted || header.startOffset < progress.accepted) return 'duplicate';
    if (header.startOffset > progress.accepted) {
      if (progress.gapAt !== progress.accepted) {
        progress.gapAt = progress.accepted;
        this.#changed.add(header.shipperId);
      }
      return 'gap';
    }
    progress.accepted = header.endOffset;
    progress.gapAt = null;
    this.#acceptedChanged = true;
    return 'write';
  }

  /** Whether some shipper's committed offset or gap changed since the last `takeChanges()`. */
  get hasChanges(): boolean {
    return this.#changed.size > 0;
  }

  /** Where the next batch of this header's shipper must start (its floor if never seen). */
  acceptedOf(header: BatchHeader): number {
    return this.#shippers.get(header.shipperId)?.accepted ?? header.floorOffset;
  }

  /** Asks (through the next acknowledgement's gap flag) for this shipper's batches from its accepted offset. */
  requestFrom(shipperId: NodeId): void {
    const progress = this.#shippers.get(shipperId);
    if (progress === undefined) return;
    progress.gapAt = progress.accepted;
    this.#changed.add(shipperId);
  }

  /** Whether anything was accepted since the last `acceptedSnapshot()`. */
  get acceptedChanged(): boolean {
    return this.#acceptedChanged;
  }

  /** Every shipper's accepted offset now: what a flush starting now will have written. */
  acceptedSnapshot(): Map<NodeId, number> {
    this.#acceptedChanged = false;
    const snapshot = new Map<NodeId, number>();
    for (const [id, progress] of this.#shippers) snapshot.set(id, progress.accepted);
    return snapshot;
  }

  /** The journal recorded `snapshot`: those offsets may now be acknowledged. */
  committed(snapshot: ReadonlyMap<NodeId, number>): void {
    for (const [id, offset] of snapshot) {
      const progress = this.#shippers.get(id);
      if (progress === undefined || offset <= progress.committed) continue;
      progress.committed = offset;
      this.#changed.add(id);
    }
  }

  /** Every shipper's committed offset, for the journal and full acknowledgements. */
  committedOffsets(): Map<NodeId, number> {
    const offsets = new Map<NodeId, number>();
    for (const [id, progress] of this.#shippers) offsets.set(id, progress.committed);
    return offsets;
  }

  /** Shippers to acknowledge: changed since the last call, or all. Gap flags ride along. */
  takeChanges(all: boolean): { shipperId: NodeId; writtenTo: number; gap: boolean }[] {
    const ids = all ? [...this.#shippers.keys()] : [...this.#changed];
    this.#changed.clear();
    return ids.map((shipperId) => {
      const progress = this.#shippers.get(shipperId) as ShipperProgress;
      return { shipperId, writtenTo: progress.committed, gap: progress.gapAt !== null };
    });
  }

  /** Marks a still-open gap as changed, so the next acknowledgement asks again. */
  remindGaps(): void {
    for (const [id, progress] of this.#shippers) if (progress.gapAt !== null) this.#changed.add(id);
  }

  #progressOf(header: BatchHeader): ShipperProgress {
    let progress = this.#shippers.get(header.shipperId);
    if (progress === undefined) {
      // Never seen: nothing below its floor can come any more, so start there.
      progress = { accepted: header.floorOffset, committed: header.floorOffset, gapAt: null };
      this.#shippers.set(header.shipperId, progress);
      this.#changed.add(header.shipperId);
    } else if (header.floorOffset > progress.accepted) {
      this.counters.bytesSkipped += header.floorOffset - progress.accepted;
      progress.accepted = header.floorOffset;
      progress.gapAt = null;
      this.#acceptedChanged = true;
    }
    return progress;
  }
}
