/**
 * One catch-up of a collector back from an outage (docs/delivery.md, "Catching up"): what it
 * captured since asking, the order a peer wrote the missed batches in, and how far it has
 * replayed them. The engine owns the routing; this keeps the state.
 *
 * Theory of operation. The collector sends a SYNC_REQUEST with its order-log length and hash and
 * from then on routes nothing: every message is captured. Its own request coming back through
 * the ring is the cut: a peer handles it at the same point of the total order, so the peer's log
 * up to the cut is exactly what this collector must write next, and the messages after the cut
 * are the same for both. The peer's SYNC_ORDER entries are the script. Each script batch is
 * written once its content has arrived (the shippers are asked to send again), in script order;
 * then the messages captured after the cut are routed as usual, the ledger now agreeing with the
 * peer's at the cut. No answer, a diverged log, or no progress for long: give up and route
 * everything captured in order (every line still once, the files then differ in interleaving).
 */
import type { BatchHeader, BatchId, NodeId } from '@ringlog/delivery';

export interface CapturedMessage {
  readonly groups: readonly string[];
  readonly body: Buffer;
  readonly header: BatchHeader | null;
}

export type CatchUpPhase = 'asking' | 'awaiting-order' | 'replaying';

export function batchKey(id: BatchId): string {
  return `${id.shipperId}:${id.startOffset}:${id.endOffset}`;
}

export class CatchUp {
  syncId: number;
  /** Requests sent (the first included). */
  attempts = 1;
  readonly collectorId: NodeId;
  phase: CatchUpPhase = 'asking';
  /** Every message since the request, in delivery order. */
  readonly captured: CapturedMessage[] = [];
  /** Index in `captured` of the first message after the cut (-1 before the cut). */
  cutIndex = -1;
  /** Captured batches by id (a resend and the original are the same content). */
  readonly pool = new Map<string, CapturedMessage>();
  readonly script: BatchId[] = [];
  /** Script entries written so far. */
  replayed = 0;
  capturedBytes = 0;
  lastProgressMs: number;
  responder: NodeId | null = null;

  constructor(syncId: number, collectorId: NodeId, nowMs: number) {
    this.syncId = syncId;
    this.collectorId = collectorId;
    this.lastProgressMs = nowMs;
  }

  /** A new request: the cut moves to where it comes back; everything captured stays. */
  restart(syncId: number, nowMs: number): void {
    this.syncId = syncId;
    this.attempts++;
    this.phase = 'asking';
    this.cutIndex = -1;
    this.lastProgressMs = nowMs;
  }

  capture(message: CapturedMessage): void {
    this.captured.push(message);
    this.capturedBytes += message.body.length;
    if (message.header !== null) this.pool.set(batchKey(message.header), message);
  }

  /** The next script batch, if its content is here. */
  nextReady(): CapturedMessage | null {
    const id = this.script[this.replayed];
    return id === undefined ? null : (this.pool.get(batchKey(id)) ?? null);
  }

  get scriptDone(): boolean {
    return this.phase === 'replaying' && this.replayed === this.script.length;
  }

  /** Shippers the script needs batches of (asked to send again). */
  scriptShippers(): Set<NodeId> {
    return new Set(this.script.slice(this.replayed).map((id) => id.shipperId));
  }
}
