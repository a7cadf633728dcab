/**
 * Catching up with a peer collector after an outage, and answering peers that catch up with
 * this one (docs/delivery.md, "Catching up"; the state of one catch-up is in catch-up.ts).
 * The engine calls in at the points of the delivery order where messages arrive; routing goes
 * back through the engine so that held messages and flushes keep their rules.
 */
import { randomInt } from 'node:crypto';
import { ORDER_ENTRIES_MAX, decodeSync, encodeSyncOrder, encodeSyncRequest, type BatchHeader, type NodeId, type SyncOrder, type SyncRequest } from '@ringlog/delivery';
import { CatchUp, type CapturedMessage } from './catch-up.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { OrderLog } from './order-log.ts';

export interface SyncHost {
  readonly collectorId: NodeId;
  readonly ledger: DeliveryLedger;
  readonly orderLog: OrderLog;
  /** Routes one message as if it had just arrived (held while a flush runs). */
  route(message: CapturedMessage): void;
  /** The ledger changed outside a commit (gaps to report). */
  ledgerChanged(): void;
  /** Sends catch-up answers to a peer's private group. */
  reply(to: string, bodies: readonly Buffer[]): void;
  /** Multicasts a SYNC_REQUEST to the ack group again (false: not connected). */
  request(body: Buffer): boolean;
  /** Whether another collector has been seen (then a silent ring is worth asking again). */
  peerKnown(): boolean;
  now(): number;
  log(event: SyncEvent): void;
}

export type SyncEvent =
  | { readonly type: 'asked'; readonly orderLength: number }
  | { readonly type: 'answered'; readonly to: string; readonly fromIndex: number; readonly entries: number; readonly diverged: boolean }
  | { readonly type: 'caught-up'; readonly responder: NodeId; readonly entries: number; readonly capturedMessages: number }
  | { readonly type: 'gave-up'; readonly reason: string; readonly capturedMessages: number }
  | { readonly type: 'not-answered'; readonly to: string; readonly reason: string }
  | { readonly type: 'bad-message'; readonly error: Error };

/** Without an answer this long after the cut, ask again (a daemon just restarted may not have rejoined the ring yet)… */
export const ANSWER_TIMEOUT_MS = 2000;
/** …this many times in all when a peer is known, then go on alone. */
export const REQUEST_ATTEMPTS_MAX = 5;
/** Script batches not arriving for this long: give up following the peer. */
export const REPLAY_STALL_MS = 15_000;
/** Captured bytes past this: give up rather than hold more in memory. */
export const CAPTURE_MAX_BYTES = 256 * 1024 * 1024;

export interface SyncCounters {
  requests: number;
  answers: number;
  caughtUp: number;
  gaveUp: number;
  badMessages: number;
}

export class SyncCoordinator {
  readonly counters: SyncCounters = { requests: 0, answers: 0, caughtUp: 0, gaveUp: 0, badMessages: 0 };
  readonly #host: SyncHost;
  #catchUp: CatchUp | null = null;

  constructor(host: SyncHost) {
    this.#host = host;
  }

  /** Whether messages are being captured instead of routed. */
  get capturing(): boolean {
    return this.#catchUp !== null;
  }

  /** Starts a catch-up: the request to multicast, or null when there is nothing to catch up from. */
  begin(syncId: number): SyncRequest | null {
    this.giveUp('a new catch-up started');
    const orderLength = this.#host.orderLog.length;
    if (orderLength === 0) return null; // a new collector: nothing of a peer's order to follow yet
    if (!this.#host.peerKnown()) return null; // a lone collector: nobody to follow, and no reason to wait
    this.#catchUp = new CatchUp(syncId, this.#host.collectorId, this.#host.now());
    this.counters.requests++;
    this.#host.log({ type: 'asked', orderLength });
    return { kind: 'request', collectorId: this.#host.collectorId, syncId, orderLength, chain: this.#host.orderLog.chainAt(orderLength) };
  }

  capture(groups: readonly string[], body: Buffer, header: BatchHeader | null): void {
    const catchUp = this.#catchUp as CatchUp;
    catchUp.capture({ groups, body, header });
    if (catchUp.capturedBytes > CAPTURE_MAX_BYTES) return this.giveUp(`more than ${CAPTURE_MAX_BYTES} bytes captured`);
    if (catchUp.phase === 'replaying') this.#replay(catchUp);
  }

  /** Decodes a catch-up message; requests from peers go to `answer` at their place in the order. */
  decode(data: Buffer): SyncRequest | SyncOrder | null {
    try {
      return decodeSync(data);
    } catch (error) {
      this.counters.badMessages++;
      this.#host.log({ type: 'bad-message', error: error as Error });
      return null;
    }
  }

  /** A request arrived (at its place in the delivery order). `sender` is its private group. */
  onRequest(sender: string, request: SyncRequest): void {
    const catchUp = this.#catchUp;
    if (request.collectorId === this.#host.collectorId) {
      if (catchUp !== null && catchUp.syncId === request.syncId && catchUp.cutIndex === -1) {
        catchUp.cutIndex = catchUp.captured.length;
        catchUp.phase = 'awaiting-order';
        catchUp.lastProgressMs = this.#host.now();
      }
      return;
    }
    if (catchUp === null) return this.#answer(sender, request);
    // Both are catching up (both missed part of the stream): one must lead or they wait for each
    // other. The longer log leads (ties: the larger id); it writes what it captured in its own
    // order, which is then the order to follow.
    const mine = this.#host.orderLog.length;
    if (mine > request.orderLength || (mine === request.orderLength && this.#host.collectorId > request.collectorId)) {
      this.giveUp('another collector catching up is further behind: this one leads');
      this.#answer(sender, request);
    } else {
      this.#host.log({ type: 'not-answered', to: sender, reason: 'catching up itself, and further behind' });
    }
  }

  onOrder(order: SyncOrder): void {
    const catchUp = this.#catchUp;
    if (catchUp === null || order.syncId !== catchUp.syncId || catchUp.phase === 'asking') return;
    if (catchUp.responder !== null && catchUp.responder !== order.responderId) return; // the first peer to answer leads
    catchUp.responder = order.responderId;
    if (order.diverged) return this.giveUp(`collector ${order.responderId} wrote a different order`);
    if (order.firstIndex !== this.#host.orderLog.length + catchUp.script.length) return this.giveUp('an answer out of sequence');
    catchUp.script.push(...order.entries);
    catchUp.lastProgressMs = this.#host.now();
    if (!order.final) return;
    catchUp.phase = 'replaying';
    for (const shipperId of catchUp.scriptShippers()) this.#host.ledger.requestFrom(shipperId);
    this.#host.ledgerChanged();
    this.#replay(catchUp);
  }

  /** Timer: no answer, or no progress, for too long. */
  check(): void {
    const catchUp = this.#catchUp;
    if (catchUp === null) return;
    const idleMs = this.#host.now() - catchUp.lastProgressMs;
    if (catchUp.phase !== 'replaying' && catchUp.responder === null && idleMs > ANSWER_TIMEOUT_MS) this.#askAgain(catchUp);
    else if (idleMs > REPLAY_STALL_MS) this.giveUp('the batches to replay stopped arriving');
    else if (catchUp.phase === 'replaying') {
      // Ask again for what is still missing (a resend can itself be lost).
      for (const shipperId of catchUp.scriptShippers()) this.#host.ledger.requestFrom(shipperId);
      this.#host.ledgerChanged();
    }
  }

  /** Stops following a peer: everything captured is routed in order, as if no catch-up had run. */
  giveUp(reason: string): void {
    const catchUp = this.#catchUp;
    if (catchUp === null) return;
    this.#catchUp = null;
    this.counters.gaveUp++;
    this.#host.log({ type: 'gave-up', reason, capturedMessages: catchUp.captured.length });
    for (const message of catchUp.captured) this.#host.route(message);
  }

  /**
   * No answer: the request may have been ordered in a ring the peers were not in (this daemon had
   * just restarted). Ask again with a new cut; what was captured meanwhile stays captured.
   */
  #askAgain(catchUp: CatchUp): void {
    if (catchUp.attempts >= REQUEST_ATTEMPTS_MAX || !this.#host.peerKnown()) return this.giveUp('no peer answered');
    catchUp.restart(randomInt(2 ** 31), this.#host.now());
    const orderLength = this.#host.orderLog.length;
    const body = encodeSyncRequest({ collectorId: this.#host.collectorId, syncId: catchUp.syncId, orderLength, chain: this.#host.orderLog.chainAt(orderLength) });
    if (!this.#host.request(body)) this.giveUp('could not send the request again');
  }

  #replay(catchUp: CatchUp): void {
    for (let ready = catchUp.nextReady(); ready !== null; ready = catchUp.nextReady()) {
      const id = catchUp.script[catchUp.replayed];
      const expected = this.#host.ledger.acceptedOf(ready.header as BatchHeader);
      if (id === undefined || expected !== id.startOffset) return this.giveUp(`script batch ${catchUp.replayed} does not follow this collector's ledger`);
      this.#host.route(ready);
      catchUp.replayed++;
      catchUp.lastProgressMs = this.#host.now();
    }
    if (!catchUp.scriptDone) return;
    // The ledger now stands where the peer's stood at the cut: what came after is routed as usual.
    this.#catchUp = null;
    this.counters.caughtUp++;
    this.#host.log({ type: 'caught-up', responder: catchUp.responder as NodeId, entries: catchUp.script.length, capturedMessages: catchUp.captured.length });
    // Plain messages (no batch header) are in no script: those from before the cut would be lost.
    for (const message of catchUp.captured.slice(0, catchUp.cutIndex)) if (message.header === null) this.#host.route(message);
    for (const message of catchUp.captured.slice(catchUp.cutIndex)) this.#host.route(message);
  }

  #answer(sender: string, request: SyncRequest): void {
    const log = this.#host.orderLog;
    if (log.length < request.orderLength) {
      // This collector is behind: another answers, or nobody.
      this.#host.log({ type: 'not-answered', to: sender, reason: `behind: ${log.length} entries, asked from ${request.orderLength}` });
      return;
    }
    const diverged = !log.chainAt(request.orderLength).equals(request.chain);
    const bodies: Buffer[] = [];
    const total = diverged ? 0 : log.length - request.orderLength;
    for (let sent = 0; sent === 0 || sent < total; sent += ORDER_ENTRIES_MAX) {
      const entries = diverged ? [] : log.read(request.orderLength + sent, Math.min(ORDER_ENTRIES_MAX, total - sent));
      const final = sent + ORDER_ENTRIES_MAX >= total;
      bodies.push(encodeSyncOrder({ responderId: this.#host.collectorId, syncId: request.syncId, diverged, final, firstIndex: request.orderLength + sent, entries }));
      if (total === 0) break;
    }
    this.counters.answers++;
    this.#host.log({ type: 'answered', to: sender, fromIndex: request.orderLength, entries: total, diverged });
    this.#host.reply(sender, bodies);
  }
}
