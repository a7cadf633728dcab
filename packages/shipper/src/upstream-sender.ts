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
 * again: after a reconnect, sending restarts at the spool's acknowledged offset. A batch sent
 * just before a daemon crash may therefore reach receivers twice; it is never lost.
 */
import type { MulticastTarget, PreparedMulticast, ReconnectingSession, SpreadEvent, SpreadService, SpreadSession } from '@ringlog/client';
import { UpstreamStats } from './upstream-stats.ts';

/** What the sender needs of the spool. */
export interface SpoolReader {
  readonly ackedOffset: number;
  readonly endOffset: number;
  read(offset: number, maxBytes: number): readonly { readonly endOffset: number; readonly group: string; readonly body: Buffer; readonly lineCount: number }[];
  ack(offset: number): void;
}

export interface UpstreamSenderOptions {
  readonly service: SpreadService;
  readonly windowBytes: number;
  /** Largest spool read at once. */
  readonly readChunkBytes?: number;
}

/** messType of markers ("RS"); they only ever travel to the sender's own private group. */
export const MARKER_MESS_TYPE = 0x5253;
const MARKER_BYTES = 8;
const READ_CHUNK_BYTES_DEFAULT = 1 << 20;

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
  #sentOffset = 0;
  #markedOffset = 0;
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
    this.#sentOffset = spool.ackedOffset;
    this.#markedOffset = spool.ackedOffset;
    session.onEvent(this.#onEvent);
    void this.#watchStatus();
  }

  /** Bytes sent and not yet confirmed. */
  get unconfirmedBytes(): number {
    return this.#sentOffset - this.#spool.ackedOffset;
  }

  get connected(): boolean {
    return this.#live !== null;
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
    this.stats.resentBytes += this.#sentOffset - this.#spool.ackedOffset;
    this.#live = session;
    this.#marker = session.prepare({ service: this.#markerService, groups: [session.privateGroup], messType: MARKER_MESS_TYPE });
    this.#sentOffset = this.#spool.ackedOffset;
    this.#markedOffset = this.#sentOffset;
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

  #sendAvailable(session: SpreadSession): void {
    for (;;) {
      const room = this.#windowBytes - (this.#sentOffset - this.#spool.ackedOffset);
      const records = room > 0 ? this.#spool.read(this.#sentOffset, Math.min(room, this.#readChunkBytes)) : [];
      if (records.length === 0) return this.#sendMarker(session);
      for (const record of records) {
        const writable = session.send(this.#preparedFor(record.group), record.body);
        this.#sentOffset = record.endOffset;
        this.stats.sentBatches += 1;
        this.stats.sentLines += record.lineCount;
        this.stats.sentBytes += record.body.length;
        if (this.#sentOffset - this.#markedOffset >= this.#markerEveryBytes) this.#sendMarker(session);
        if (!writable) return this.#awaitDrain(session);
        if (this.#sentOffset - this.#spool.ackedOffset >= this.#windowBytes) return this.#sendMarker(session);
      }
    }
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
      const target: MulticastTarget = { service: this.#service, groups: [group] };
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
    if (event.type !== 'message' || event.messType !== MARKER_MESS_TYPE) return;
    const live = this.#live;
    if (live === null || event.sender !== live.privateGroup || event.data.length !== MARKER_BYTES) return;
    const offset = Number(event.data.readBigUInt64BE());
    if (offset <= this.#spool.ackedOffset || offset > this.#sentOffset) return;
    this.stats.markersReturned += 1;
    this.#spool.ack(offset);
    for (const listener of this.#ackListeners) listener();
    this.#pump();
  };
}
