/**
 * The one upstream session: reads batches from the spool in order, multicasts them, and
 * acknowledges them in the spool once the daemon has ordered them.
 *
 * Theory of operation. Spread has no acknowledgements, but a daemon handles one session's
 * requests in order. So after sending data the sender multicasts a small marker to its own
 * private group, carrying the spool offset sent so far; when the marker comes back, the daemon
 * has ordered (and, for SAFE, stabilized) every batch before it, and the spool may forget them.
 * Markers go out every quarter window and whenever the sender runs out of data or window.
 * At most `windowBytes` are sent and unconfirmed, which bounds what a lost connection sends
 * again: after a reconnect, sending restarts at the last confirmed offset.
 *
 * Two deliveries. `ordered` (no `delivery` option): plain batch bodies, and the spool forgets a
 * batch once its marker returns; a batch sent just before a daemon crash may reach receivers
 * twice or, if the daemon had ordered it but no other daemon got it, not at all. `acknowledged`:
 * every batch carries this shipper's id and its spool range (packages/delivery), markers only
 * pace sending, and the spool forgets a batch once the collectors have written it (CollectorAcks);
 * a collector's gap, or a collector stuck behind, sends again from its written-to offset, and the
 * collectors drop what they already have. Exactly once, as docs/delivery.md explains.
 */
import type { MulticastTarget, PreparedMulticast, ReconnectingSession, SpreadEvent, SpreadService, SpreadSession } from '@ringlog/client';
import { ACK_MESS_TYPE, BATCH_MESS_TYPE, decodeAck, encodeBatch, type NodeId } from '@ringlog/delivery';
import type { CollectorAcks } from './collector-acks.ts';
import { SpoolOffsetError } from './errors.ts';
import { UpstreamStats } from './upstream-stats.ts';

/** What the sender needs of the spool. */
export interface SpoolReader {
  readonly ackedOffset: number;
  readonly endOffset: number;
  read(offset: number, maxBytes: number): readonly { readonly offset: number; readonly endOffset: number; readonly group: string; readonly body: Buffer; readonly lineCount: number }[];
  ack(offset: number): void;
}

export interface UpstreamSenderOptions {
  readonly service: SpreadService;
  readonly windowBytes: number;
  /** Largest spool read at once. */
  readonly readChunkBytes?: number;
  /** Acknowledged delivery; absent = ordered. */
  readonly delivery?: AcknowledgedDelivery;
  /** Milliseconds clock (stuck collectors). Default Date.now. */
  readonly now?: () => number;
}

export interface AcknowledgedDelivery {
  readonly shipperId: NodeId;
  readonly ackGroup: string;
  readonly acks: CollectorAcks;
}

/** messType of markers ("RS"); they only ever travel to the sender's own private group. */
export const MARKER_MESS_TYPE = 0x5253;
const MARKER_BYTES = 8;
const READ_CHUNK_BYTES_DEFAULT = 1 << 20;
/** How often collectors stuck behind are looked for. */
const STUCK_CHECK_MS = 1000;
/** A gap report for the offset just rewound to is a late echo of the same gap within this long. */
const REWIND_ECHO_MS = 1000;

export class UpstreamSender {
  readonly stats = new UpstreamStats();
  readonly #spool: SpoolReader;
  readonly #session: ReconnectingSession;
  readonly #service: SpreadService;
  readonly #markerService: SpreadService;
  readonly #windowBytes: number;
  readonly #markerEveryBytes: number;
  readonly #readChunkBytes: number;
  readonly #prepared = new Map<string, PreparedMulticast>();
  readonly #ackListeners: (() => void)[] = [];
  #live: SpreadSession | null = null;
  #marker: PreparedMulticast | null = null;
  readonly #delivery: AcknowledgedDelivery | null;
  readonly #now: () => number;
  readonly #stuckTimer: NodeJS.Timeout | null = null;
  #sentOffset = 0;
  #markedOffset = 0;
  /** End of what the daemon has confirmed ordering (markers): the window counts from here. */
  #confirmedOffset = 0;
  /** End of everything sent since start (a rewind lowers #sentOffset, not this). */
  #highestSentOffset = 0;
  #lastRewind = { offset: -1, atMs: -Infinity };
  #pumping = false;
  #waitingDrain = false;
  #closed = false;

  constructor(spool: SpoolReader, session: ReconnectingSession, options: UpstreamSenderOptions) {
    this.#spool = spool;
    this.#session = session;
    this.#service = options.service;
    // Markers must not overtake data nor be dropped: AGREED keeps them behind every earlier
    // message of this session; SAFE data needs SAFE markers to mean "stable".
    this.#markerService = options.service === 'SAFE' ? 'SAFE' : 'AGREED';
    this.#windowBytes = options.windowBytes;
    this.#markerEveryBytes = Math.max(1, Math.floor(options.windowBytes / 4));
    this.#readChunkBytes = options.readChunkBytes ?? READ_CHUNK_BYTES_DEFAULT;
    this.#delivery = options.delivery ?? null;
    this.#now = options.now ?? Date.now;
    this.#sentOffset = spool.ackedOffset;
    this.#markedOffset = spool.ackedOffset;
    this.#confirmedOffset = spool.ackedOffset;
    this.#highestSentOffset = spool.ackedOffset;
    session.onEvent(this.#onEvent);
    if (this.#delivery !== null) {
      session.join(this.#delivery.ackGroup);
      this.#stuckTimer = setInterval(() => this.#resendToStuck(), STUCK_CHECK_MS);
      this.#stuckTimer.unref();
    }
    void this.#watchStatus();
  }

  /** Bytes sent and not yet confirmed by the daemon. */
  get unconfirmedBytes(): number {
    return Math.max(0, this.#highestSentOffset - this.#confirmedOffset);
  }

  get connected(): boolean {
    return this.#live !== null;
  }

  /** Collectors that ever acknowledged this shipper (0 in ordered delivery). */
  get collectorsKnown(): number {
    return this.#delivery?.acks.collectorsKnown ?? 0;
  }

  /** Called after the spool shrank. */
  onAck(listener: () => void): void {
    this.#ackListeners.push(listener);
  }

  /** New batches are in the spool. */
  notify(): void {
    this.#pump();
  }

  /** Resolves once every spooled batch is confirmed, or after `timeoutMs`; true when all are. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.#pump();
    while (this.#spool.ackedOffset < this.#spool.endOffset && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      this.#pump();
    }
    return this.#spool.ackedOffset >= this.#spool.endOffset;
  }

  /** Stops sending and closes the session. The spool keeps whatever is unconfirmed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#stuckTimer !== null) clearInterval(this.#stuckTimer);
    this.#live = null;
    await this.#session.close();
    this.stats.state = 'closed';
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.#session.status()) {
      if (status.type === 'connected') this.#connected();
      else if (status.type === 'disconnected') this.#disconnected(status.cause);
      else if (status.type === 'reconnecting') this.stats.lastError = status.cause.message;
      else if (status.type === 'closed') this.#disconnected(status.error);
    }
  }

  #connected(): void {
    const session = this.#session.current;
    if (session === null || this.#closed) return;
    this.stats.connects += 1;
    this.stats.state = 'connected';
    this.stats.privateGroup = session.privateGroup;
    this.#live = session;
    this.#marker = session.prepare({ service: this.#markerService, groups: [session.privateGroup], messType: MARKER_MESS_TYPE });
    this.#prepared.clear();
    // What the lost connection had not confirmed goes again; collectors ask for anything else.
    this.#restartFrom(Math.max(this.#confirmedOffset, this.#spool.ackedOffset));
    this.#waitingDrain = false;
    this.#pump();
  }

  #disconnected(cause: Error | undefined): void {
    if (this.#live === null && this.stats.state !== 'connected') return;
    this.#live = null;
    this.stats.disconnects += 1;
    this.stats.state = this.#closed ? 'closed' : 'disconnected';
    this.stats.privateGroup = null;
    if (cause !== undefined) this.stats.lastError = cause.message;
  }

  #pump(): void {
    if (this.#pumping || this.#waitingDrain || this.#live === null) return;
    this.#pumping = true;
    try {
      this.#sendAvailable(this.#live);
    } catch (error) {
      // A send on a connection that just died: the status watcher resets the cursor.
      this.stats.lastError = (error as Error).message;
    } finally {
      this.#pumping = false;
    }
  }

  /** Sending continues at `offset` (a record boundary at or after the spool's acknowledged offset). */
  #restartFrom(offset: number): void {
    if (offset < this.#highestSentOffset) this.stats.resentBytes += this.#highestSentOffset - offset;
    this.#sentOffset = offset;
    this.#markedOffset = offset;
  }

  #sendAvailable(session: SpreadSession): void {
    for (;;) {
      const room = this.#windowBytes - (this.#sentOffset - this.#confirmedOffset);
      const records = room > 0 ? this.#readFrom(this.#sentOffset, Math.min(room, this.#readChunkBytes)) : [];
      if (records.length === 0) return this.#sendMarker(session);
      for (const record of records) {
        const writable = session.send(this.#preparedFor(record.group), this.#payload(record));
        this.#sentOffset = record.endOffset;
        this.#highestSentOffset = Math.max(this.#highestSentOffset, record.endOffset);
        this.stats.sentBatches += 1;
        this.stats.sentLines += record.lineCount;
        this.stats.sentBytes += record.body.length;
        if (this.#sentOffset - this.#markedOffset >= this.#markerEveryBytes) this.#sendMarker(session);
        if (!writable) return this.#awaitDrain(session);
        if (this.#sentOffset - this.#confirmedOffset >= this.#windowBytes) return this.#sendMarker(session);
      }
    }
  }

  /**
   * Spool records from `offset`. A collector's offset from before this shipper restarted is a
   * record boundary the spool may not know yet: then everything retained is sent again.
   */
  #readFrom(offset: number, maxBytes: number): ReturnType<SpoolReader['read']> {
    try {
      return this.#spool.read(offset, maxBytes);
    } catch (error) {
      if (!(error instanceof SpoolOffsetError) || offset === this.#spool.ackedOffset) throw error;
      this.#restartFrom(this.#spool.ackedOffset);
      return this.#spool.read(this.#sentOffset, maxBytes);
    }
  }

  #payload(record: ReturnType<SpoolReader['read']>[number]): Buffer {
    const delivery = this.#delivery;
    if (delivery === null) return record.body;
    const header = { shipperId: delivery.shipperId, floorOffset: this.#spool.ackedOffset, startOffset: record.offset, endOffset: record.endOffset };
    return encodeBatch(header, record.body);
  }

  #sendMarker(session: SpreadSession): void {
    if (this.#sentOffset === this.#markedOffset || this.#marker === null) return;
    const body = Buffer.allocUnsafe(MARKER_BYTES);
    body.writeBigUInt64BE(BigInt(this.#sentOffset));
    session.send(this.#marker, body);
    this.#markedOffset = this.#sentOffset;
    this.stats.markersSent += 1;
  }

  #awaitDrain(session: SpreadSession): void {
    this.#waitingDrain = true;
    session.drained().then(
      () => {
        this.#waitingDrain = false;
        this.#pump();
      },
      () => {
        this.#waitingDrain = false;
      },
    );
  }

  #preparedFor(group: string): PreparedMulticast {
    let prepared = this.#prepared.get(group);
    if (prepared === undefined) {
      const target: MulticastTarget = { service: this.#service, groups: [group], ...(this.#delivery === null ? {} : { messType: BATCH_MESS_TYPE }) };
      prepared = (this.#live as SpreadSession).prepare(target);
      this.#prepared.set(group, prepared);
    }
    return prepared;
  }

  readonly #onEvent = (event: SpreadEvent): void => {
    if (event.type === 'reject') {
      this.stats.rejects += 1;
      return;
    }
    if (event.type !== 'message') return;
    if (event.messType === MARKER_MESS_TYPE) this.#onMarker(event.sender, event.data);
    else if (event.messType === ACK_MESS_TYPE && this.#delivery !== null) this.#onCollectorAck(this.#delivery, event.data);
  };

  #onMarker(sender: string, data: Buffer): void {
    const live = this.#live;
    if (live === null || sender !== live.privateGroup || data.length !== MARKER_BYTES) return;
    const offset = Number(data.readBigUInt64BE());
    if (offset <= this.#confirmedOffset || offset > this.#highestSentOffset) return;
    this.stats.markersReturned += 1;
    this.#confirmedOffset = offset;
    if (this.#delivery === null) this.#release(offset);
    this.#pump();
  }

  #onCollectorAck(delivery: AcknowledgedDelivery, data: Buffer): void {
    let outcome;
    try {
      outcome = delivery.acks.receive(decodeAck(data), this.#spool.endOffset, this.#now());
    } catch (error) {
      this.stats.badAcks += 1;
      this.stats.lastError = (error as Error).message;
      return;
    }
    if (outcome.releaseTo !== null) this.#release(outcome.releaseTo);
    if (outcome.rewindTo !== null) this.#rewind(outcome.rewindTo);
    this.#pump();
  }

  /** The spool forgets everything before `offset` (when it is news and a boundary it knows). */
  #release(offset: number): void {
    if (offset <= this.#spool.ackedOffset || offset > this.#spool.endOffset) return;
    try {
      this.#spool.ack(offset);
    } catch (error) {
      // Not a boundary read in this run (an offset from before a restart): the next one will be.
      if (error instanceof SpoolOffsetError) return;
      throw error;
    }
    if (this.#sentOffset < offset) this.#restartFrom(offset);
    for (const listener of this.#ackListeners) listener();
  }

  /** A collector lacks what follows `offset`: send from there again (once per gap, not per echo). */
  #rewind(offset: number): void {
    const target = Math.max(offset, this.#spool.ackedOffset);
    if (target >= this.#sentOffset) return;
    const nowMs = this.#now();
    if (target === this.#lastRewind.offset && nowMs - this.#lastRewind.atMs < REWIND_ECHO_MS) return;
    this.#lastRewind = { offset: target, atMs: nowMs };
    this.stats.rewinds += 1;
    this.#restartFrom(target);
  }

  #resendToStuck(): void {
    const delivery = this.#delivery;
    if (delivery === null || this.#live === null) return;
    const offset = delivery.acks.stuckOffset(this.#highestSentOffset, this.#now());
    if (offset === null) return;
    this.#rewind(offset);
    this.#pump();
  }
}
