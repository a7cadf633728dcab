/**
 * The collector engine: routes delivered message bodies to their logs and writes the queued
 * lines out. It owns no socket; a source (a Spread session) calls `deliver`.
 *
 * Theory of operation: `deliver` is synchronous and only queues bytes on output targets. A
 * flush is scheduled for the end of the event-loop turn (or `flush_interval_ms` later), so a
 * burst of messages becomes one writev per file. One flush runs at a time; data arriving
 * during it is picked up by the next. While more than `pressureHighBytes` wait to be written
 * the engine asks its source to pause reading (the daemon then holds the messages), and to
 * resume below `pressureLowBytes`. SIGHUP → `reopen()`; SIGTERM → `close()`, which writes
 * everything delivered before it and fsyncs. While a live tail listens, a tap (`tapMessages`)
 * sees each body before it is routed.
 *
 * Exactly once (with `delivery`): shipper batches (`deliverBatch`) pass the ledger first, which
 * drops repeats and batches beyond a gap. Each flush records the sizes of the files it is about to
 * write in the write journal, writes them, and when every file succeeded records the shippers'
 * offsets the flush covered (the commit) and tells `onCommit` listeners, which acknowledge. So
 * that a flush writes exactly what its commit claims, messages arriving while it runs are held
 * and routed after it.
 */
import type { CollectorConfig, DeepReadonly } from '@ringlog/config';
import { FileCache, type FileCacheStats, type FileEvent, type OpenLogFile } from '@ringlog/vhost-files';
import type { PipeTarget } from '@ringlog/vhost-files';
import { decodeBatch, encodeSyncRequest, readIdList, writeIdList, type BatchHeader, type NodeId } from '@ringlog/delivery';
import { buildRouters } from './build-routers.ts';
import type { CollectorTelemetry } from './collector-telemetry.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { LogRouter } from './log-router.ts';
import type { OrderLog } from './order-log.ts';
import { SyncCoordinator, type SyncEvent } from './sync-coordinator.ts';
import type { WriteJournal } from './write-journal.ts';

export interface CollectorEngineOptions {
  readonly config: DeepReadonly<CollectorConfig>;
  readonly telemetry: CollectorTelemetry;
  readonly now?: () => number;
  /** Injectable file opener, for failure tests. */
  readonly openFile?: OpenLogFile;
  /**
   * Queued bytes above which the source is asked to pause. Default: output.max_pending_bytes +
   * 64 MiB, so lines held for a failing file are dropped (at max_pending_bytes, counted) before
   * they could pause the whole collector and starve its healthy files.
   */
  readonly pressureHighBytes?: number;
  readonly pressureLowBytes?: number;
  /** Exactly-once bookkeeping; without it batches are written as they come (tests, benchmarks). */
  readonly delivery?: EngineDelivery;
}

export interface EngineDelivery {
  readonly ledger: DeliveryLedger;
  readonly journal: WriteJournal;
  /** The order batches were written in, for catching up with a peer collector (absent: no catch-up). */
  readonly orderLog?: OrderLog;
  readonly collectorId?: NodeId;
  /** Where the other collectors seen on the ack group are remembered across restarts. */
  readonly peersFile?: string;
}

/** A message received while a journaled flush runs, handled after it in arrival order. */
type HeldMessage =
  | { readonly groups: readonly string[]; readonly body: Buffer; readonly header: BatchHeader | null; readonly replayed: boolean; readonly syncFrom?: undefined }
  | { readonly syncFrom: string; readonly data: Buffer };

export interface SyncIo {
  reply(to: string, bodies: readonly Buffer[]): void;
  request(body: Buffer): boolean;
  log(event: SyncEvent): void;
}

/** How often a catch-up checks its timeouts. */
const SYNC_CHECK_MS = 500;

/** Sees each delivered message body before it is routed (the live tail); must not throw. */
export type MessageTap = (groups: readonly string[], data: Buffer) => void;

/** How far past max_pending_bytes healthy files may fall behind before reading pauses. */
const PRESSURE_HEADROOM_BYTES = 64 * 1024 * 1024;
/** Waiting bytes that start a flush without waiting for flush_interval_ms. */
const FLUSH_EARLY_BYTES = 512 * 1024;
/** How often idle files are looked for, at most. */
const IDLE_SWEEP_MAX_MS = 10_000;
/** Files that failed are retried from flushes; this timer flushes when no traffic would. */
const RETRY_FLUSH_MS = 1_000;

export class CollectorEngine {
  readonly #config: DeepReadonly<CollectorConfig>;
  readonly #telemetry: CollectorTelemetry;
  readonly #now: () => number;
  readonly #cache: FileCache;
  readonly #routers: readonly LogRouter[];
  readonly #pipes: readonly PipeTarget[];
  readonly #routersByGroup = new Map<string, LogRouter[]>();
  readonly #pressureHighBytes: number;
  readonly #pressureLowBytes: number;
  readonly #timers: NodeJS.Timeout[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #flushImmediate: NodeJS.Immediate | null = null;
  #flushRunning: Promise<void> | null = null;
  #paused = false;
  #closed = false;
  #pressureListener: (paused: boolean) => void = () => undefined;
  #messageTap: MessageTap | null = null;
  readonly #delivery: EngineDelivery | null;
  readonly #commitListeners: (() => void)[] = [];
  #held: HeldMessage[] = [];
  #heldBytes = 0;
  /** Held messages a catch-up routed during this flush: they go first (see #routeOrHold). */
  #heldFromCatchUp = 0;
  /** A snapshot of accepted offsets was taken and not committed yet (a file write failed). */
  #uncommitted = false;
  readonly #sync: SyncCoordinator | null;
  #syncIo: SyncIo = { reply: () => undefined, request: () => false, log: () => undefined };
  readonly #peers = new Set<NodeId>();

  constructor(options: CollectorEngineOptions) {
    this.#config = options.config;
    this.#telemetry = options.telemetry;
    this.#now = options.now ?? Date.now;
    this.#delivery = options.delivery ?? null;
    this.#sync = this.#createSync(options.delivery);
    const peersFile = options.delivery?.peersFile;
    if (peersFile !== undefined) for (const peer of readIdList(peersFile, 'peers')) this.#peers.add(peer);
    this.#pressureHighBytes = options.pressureHighBytes ?? options.config.output.max_pending_bytes + PRESSURE_HEADROOM_BYTES;
    this.#pressureLowBytes = options.pressureLowBytes ?? this.#pressureHighBytes / 2;
    const output = options.config.output;
    this.#cache = new FileCache({
      maxOpenFiles: output.max_open_files,
      idleCloseMs: output.idle_close_ms,
      maxPendingBytes: output.max_pending_bytes,
      fsync: output.fsync,
      now: this.#now,
      onEvent: (event: FileEvent) => this.#telemetry.fileEvent(event),
      ...(options.openFile === undefined ? {} : { open: options.openFile }),
    });
    const built = buildRouters(options.config, { cache: this.#cache, now: this.#now, onPipeEvent: (log, event) => this.#telemetry.pipeEvent(log, event) });
    this.#routers = built.routers;
    this.#pipes = built.pipes;
    for (const router of this.#routers) for (const group of router.groups) this.#routersFor(group).push(router);
    this.#startTimers();
  }

  /** Every group some log reads: the source joins these. */
  get groups(): readonly string[] {
    return [...this.#routersByGroup.keys()];
  }

  get routers(): readonly LogRouter[] {
    return this.#routers;
  }

  get pendingBytes(): number {
    let bytes = this.#cache.pendingBytes + this.#heldBytes;
    for (const pipe of this.#pipes) bytes += pipe.pendingBytes;
    return bytes;
  }

  get paused(): boolean {
    return this.#paused;
  }

  fileStats(): FileCacheStats {
    return this.#cache.stats();
  }

  /** The source's pause/resume hook for backpressure. */
  onPressure(listener: (paused: boolean) => void): void {
    this.#pressureListener = listener;
  }

  /**
   * Sets the one tap that sees every delivered message, or removes it (null). The live tail sets
   * it only while someone listens, so without listeners delivering costs one null check more.
   */
  tapMessages(tap: MessageTap | null): void {
    this.#messageTap = tap;
  }

  /** The exactly-once ledger, when the engine keeps one. */
  get ledger(): DeliveryLedger | null {
    return this.#delivery?.ledger ?? null;
  }

  /** Called after each commit: the ledger has newly committed offsets to acknowledge. */
  onCommit(listener: () => void): void {
    this.#commitListeners.push(listener);
  }

  /** Queues the lines of one message, sent to `groups`; a log reading several of them gets it once. */
  deliver(groups: readonly string[], data: Buffer): void {
    this.#receive(groups, data, null);
  }

  /** A shipper batch (header + lines): written once, whatever repeats or gaps the ring brings. */
  deliverBatch(groups: readonly string[], data: Buffer): void {
    let batch;
    try {
      batch = decodeBatch(data);
    } catch (error) {
      if (this.#closed) throw new Error('deliverBatch() after close()', { cause: error });
      this.#telemetry.badBatch(error as Error);
      return;
    }
    this.#receive(groups, batch.body, batch);
  }

  /** Catch-up: SYNC_REQUEST and SYNC_ORDER messages (messType SYNC_MESS_TYPE) from `sender`. */
  deliverSync(sender: string, data: Buffer): void {
    if (this.#closed || this.#sync === null) return;
    if (this.#flushRunning !== null) {
      this.#held.push({ syncFrom: sender, data });
      return;
    }
    this.#handleSync(sender, data);
  }

  /** Starts catching up with a peer: the SYNC_REQUEST body to multicast, or null (nothing to catch up). */
  beginCatchUp(syncId: number): Buffer | null {
    const request = this.#sync?.begin(syncId) ?? null;
    return request === null ? null : encodeSyncRequest(request);
  }

  /** Stops a catch-up (the connection was lost): what it captured is routed as usual. */
  abandonCatchUp(reason: string): void {
    this.#sync?.giveUp(reason);
  }

  /** How catch-up messages go out (the source multicasts them) and where its events are reported. */
  onSync(io: SyncIo): void {
    this.#syncIo = io;
  }

  /**
   * Another collector acknowledged on the ack group: catching up with it is worth it. Remembered
   * in `peersFile`, so that a restarted collector knows it has a peer before hearing from it.
   */
  notePeer(collectorId: NodeId): void {
    if (this.#peers.has(collectorId) || collectorId === this.#delivery?.collectorId) return;
    this.#peers.add(collectorId);
    const file = this.#delivery?.peersFile;
    if (file !== undefined) writeIdList(file, 'peers', this.#peers, { fsync: false });
  }

  get syncCounters(): SyncCoordinator['counters'] | null {
    return this.#sync?.counters ?? null;
  }

  #handleSync(sender: string, data: Buffer): void {
    const sync = this.#sync as SyncCoordinator;
    const message = sync.decode(data);
    if (message?.kind === 'request') sync.onRequest(sender, message);
    else if (message?.kind === 'order') sync.onOrder(message);
  }

  #createSync(delivery: EngineDelivery | undefined): SyncCoordinator | null {
    if (delivery?.orderLog === undefined || delivery.collectorId === undefined) return null;
    const { ledger, orderLog, collectorId } = delivery;
    const timer = setInterval(() => this.#sync?.check(), SYNC_CHECK_MS);
    timer.unref();
    this.#timers.push(timer);
    return new SyncCoordinator({
      collectorId,
      ledger,
      orderLog,
      route: (message) => this.#routeOrHold(message.groups, message.body, message.header, true),
      ledgerChanged: () => {
        for (const listener of this.#commitListeners) listener();
      },
      reply: (to, bodies) => this.#syncIo.reply(to, bodies),
      request: (body) => this.#syncIo.request(body),
      peerKnown: () => [...this.#peers].some((id) => id !== collectorId),
      now: this.#now,
      log: (event) => this.#syncIo.log(event),
    });
  }

  #receive(groups: readonly string[], body: Buffer, header: BatchHeader | null): void {
    if (this.#closed) throw new Error('deliver() after close()');
    this.#routeOrHold(groups, body, header, false);
  }

  /**
   * Held while a flush runs (in arrival order), else captured while catching up, else routed.
   * `replayed`: a catch-up routes it, so it is never captured again. Nothing is captured while a
   * flush runs, so what a catch-up routes then (giving up) arrived before everything held: it is
   * held ahead of them, or a batch held after it would be routed first and dropped as a gap.
   */
  #routeOrHold(groups: readonly string[], body: Buffer, header: BatchHeader | null, replayed: boolean): void {
    if (this.#delivery !== null && this.#flushRunning !== null) {
      if (replayed) this.#held.splice(this.#heldFromCatchUp++, 0, { groups, body, header, replayed });
      else this.#held.push({ groups, body, header, replayed });
      this.#heldBytes += body.length;
      this.#checkPressure();
      return;
    }
    if (!replayed && this.#sync?.capturing === true) return this.#sync.capture(groups, body, header);
    this.#route(groups, body, header);
    this.#scheduleFlush();
  }

  #route(groups: readonly string[], data: Buffer, header: BatchHeader | null): void {
    if (header !== null && this.#delivery !== null) {
      const admission = this.#delivery.ledger.admit(header);
      if (admission !== 'write') return this.#telemetry.batchRefused(admission, header);
      this.#telemetry.counters.batchesWritten++;
      this.#delivery.orderLog?.add(header);
    }
    this.#telemetry.messageDelivered(data.length);
    if (this.#messageTap !== null) this.#messageTap(groups, data);
    const date = new Date(this.#now());
    let routed = false;
    for (let index = 0; index < groups.length; index++) {
      const group = groups[index] as string;
      const routers = this.#routersByGroup.get(group);
      if (routers === undefined) continue;
      for (const router of routers) {
        if (!this.#firstGroupOf(router, groups, index)) continue;
        router.route(data, group, date);
        routed = true;
      }
    }
    if (!routed) this.#telemetry.messageUnrouted(groups);
  }

  /** Writes everything queued so far; resolves when it is written (or failed and kept). */
  async flush(): Promise<void> {
    // One flush at a time: wait for a running one, then run one covering everything queued now.
    while (this.#flushRunning !== null) await this.#flushRunning;
    this.#flushRunning = this.#flushOnce();
    try {
      await this.#flushRunning;
    } finally {
      this.#flushRunning = null;
      this.#releaseHeld();
    }
    this.#checkPressure();
  }

  /** Routes what arrived during the flush, in arrival order. */
  #releaseHeld(): void {
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#heldFromCatchUp = 0;
    for (const message of held) {
      if (message.syncFrom !== undefined) this.#handleSync(message.syncFrom, message.data);
      else if (!message.replayed && this.#sync?.capturing === true) this.#sync.capture(message.groups, message.body, message.header);
      else this.#route(message.groups, message.body, message.header);
    }
    if (!this.#closed) this.#scheduleFlush();
  }

  /** SIGHUP: every open file is closed and reopened now, so `mv` + HUP and logrotate lose nothing. */
  async reopen(): Promise<void> {
    await this.flush();
    await this.#cache.reopen();
    this.#telemetry.reopened(this.#cache.stats().openFiles);
  }

  /** Writes and fsyncs everything delivered so far, closes every file and pipe. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    if (this.#flushImmediate !== null) clearImmediate(this.#flushImmediate);
    this.#flushTimer = null;
    this.#flushImmediate = null;
    await this.flush();
    await Promise.all([this.#cache.close(), ...this.#pipes.map((pipe) => pipe.close())]);
  }

  #routersFor(group: string): LogRouter[] {
    let routers = this.#routersByGroup.get(group);
    if (routers === undefined) {
      routers = [];
      this.#routersByGroup.set(group, routers);
    }
    return routers;
  }

  /** True when groups[index] is the first of `groups` that `router` reads (so it routes once). */
  #firstGroupOf(router: LogRouter, groups: readonly string[], index: number): boolean {
    for (let earlier = 0; earlier < index; earlier++) if (router.groups.includes(groups[earlier] as string)) return false;
    return true;
  }

  /**
   * A flush starts at the end of this event-loop turn once FLUSH_EARLY_BYTES wait (or always when
   * flush_interval_ms is 0), else flush_interval_ms after the first unflushed line.
   */
  #scheduleFlush(): void {
    this.#checkPressure();
    if (this.#flushImmediate !== null) return;
    const intervalMs = this.#config.output.flush_interval_ms;
    if (intervalMs === 0 || this.pendingBytes >= FLUSH_EARLY_BYTES) {
      if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
      this.#flushImmediate = setImmediate(this.#runScheduledFlush);
    } else if (this.#flushTimer === null) {
      this.#flushTimer = setTimeout(this.#runScheduledFlush, intervalMs);
    }
  }

  readonly #runScheduledFlush = (): void => {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#flushImmediate = null;
    this.flush().catch((error: unknown) => this.#telemetry.flushFailed(error));
  };

  async #flushOnce(): Promise<void> {
    const delivery = this.#delivery;
    if (delivery === null) return this.#writeQueued();
    const paths = this.#cache.pendingPaths();
    if (paths.length === 0 && !delivery.ledger.acceptedChanged && !this.#uncommitted) return this.#writeQueued();
    // Everything routed so far is queued: this flush writes exactly the batches up to here.
    const snapshot = delivery.ledger.acceptedSnapshot();
    const orderLength = delivery.orderLog?.length;
    this.#uncommitted = true;
    delivery.journal.prepare(paths);
    await this.#writeQueued();
    if (this.#cache.pendingBytes > 0) return; // a file failed: commit once it is written (or shed)
    if (orderLength !== undefined) delivery.orderLog?.persist(orderLength);
    delivery.journal.commit(snapshot, orderLength);
    delivery.ledger.committed(snapshot);
    this.#uncommitted = false;
    for (const listener of this.#commitListeners) listener();
  }

  async #writeQueued(): Promise<void> {
    await Promise.all([this.#cache.flush(), ...this.#pipes.map((pipe) => pipe.flush())]);
  }

  #checkPressure(): void {
    const pending = this.pendingBytes;
    if (!this.#paused && pending > this.#pressureHighBytes) {
      this.#paused = true;
      this.#telemetry.pressure(true, pending);
      this.#pressureListener(true);
    } else if (this.#paused && pending <= this.#pressureLowBytes) {
      this.#paused = false;
      this.#telemetry.pressure(false, pending);
      this.#pressureListener(false);
    }
  }

  #startTimers(): void {
    const output = this.#config.output;
    const onError = (error: unknown): void => this.#telemetry.flushFailed(error);
    if (output.fsync === 'interval') this.#timers.push(setInterval(() => void this.#cache.sync().catch(onError), output.fsync_interval_ms));
    if (output.idle_close_ms > 0) {
      const sweepMs = Math.min(IDLE_SWEEP_MAX_MS, Math.max(100, output.idle_close_ms / 2));
      this.#timers.push(setInterval(() => void this.#cache.closeIdle().catch(onError), sweepMs));
    }
    this.#timers.push(setInterval(() => this.#pendingBytesRetry(), RETRY_FLUSH_MS));
    for (const timer of this.#timers) timer.unref();
  }

  #pendingBytesRetry(): void {
    if (!this.#closed && this.pendingBytes > 0) this.#scheduleFlush();
  }
}
