/**
 * Named collector events: each logs structured fields and bumps counters, so the engine and
 * the source never log inline, and every log line has a counter behind it.
 */
import type { BatchHeader } from '@ringlog/delivery';
import type { SyncEvent } from './sync-coordinator.ts';
import type { FileEvent } from '@ringlog/vhost-files';
import type { Logger } from 'pino';

export interface CollectorCounters {
  messages: number;
  messageBytes: number;
  /** Messages none of whose groups a log reads (should not happen: we only join ours). */
  messagesUnrouted: number;
  connects: number;
  /** Connections after the first: each one follows a lost connection. */
  reconnects: number;
  disconnects: number;
  connected: boolean;
  reopens: number;
  flushFailures: number;
  pressurePauses: number;
  /** Shipper batches written, dropped as already written, dropped beyond a gap, or malformed. */
  batchesWritten: number;
  batchesDuplicate: number;
  batchesGap: number;
  batchesMalformed: number;
  /** Per pipe log: command starts, exits and spawn failures. */
  readonly pipeEvents: Record<string, number>;
}

/** Repeated warnings of one kind are logged at most this often; counters still count each one. */
const WARN_INTERVAL_MS = 5_000;

export class CollectorTelemetry {
  readonly counters: CollectorCounters = {
    messages: 0,
    messageBytes: 0,
    messagesUnrouted: 0,
    connects: 0,
    reconnects: 0,
    disconnects: 0,
    connected: false,
    reopens: 0,
    flushFailures: 0,
    pressurePauses: 0,
    batchesWritten: 0,
    batchesDuplicate: 0,
    batchesGap: 0,
    batchesMalformed: 0,
    pipeEvents: {},
  };
  readonly #logger: Logger;
  readonly #lastWarnMs = new Map<string, number>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get logger(): Logger {
    return this.#logger;
  }

  messageDelivered(bytes: number): void {
    this.counters.messages++;
    this.counters.messageBytes += bytes;
  }

  messageUnrouted(groups: readonly string[]): void {
    this.counters.messagesUnrouted++;
    this.#warnSometimes('unrouted', { groups }, 'Message for groups no log reads');
  }

  fileEvent(event: FileEvent): void {
    switch (event.type) {
      case 'open':
        return void this.#logger.debug({ path: event.path }, 'Opened output file');
      case 'close':
        return void this.#logger.debug({ path: event.path, reason: event.reason }, 'Closed output file');
      case 'rotated':
        return void this.#logger.info({ path: event.path, rotatedTo: event.rotatedTo }, 'Rotated output file');
      case 'open_failed':
        return this.#warnSometimes(`open_failed`, { path: event.path, error: event.error.message, code: errorCode(event.error) }, 'Cannot open output file; lines are kept and retried');
      case 'write_failed':
        return this.#warnSometimes(`write_failed`, { path: event.path, error: event.error.message, code: errorCode(event.error) }, 'Cannot write output file; lines are kept and retried');
      case 'dropped':
        return this.#warnSometimes('dropped', { path: event.path, lines: event.lines, bytes: event.bytes }, 'Dropped lines of a failing output: max_pending_bytes reached');
    }
  }

  pipeEvent(log: string, event: FileEvent): void {
    const key = `${log}:${event.type}`;
    this.counters.pipeEvents[key] = (this.counters.pipeEvents[key] ?? 0) + 1;
    if (event.type === 'open') this.#logger.info({ log, command: event.path }, 'Started pipe command');
    else this.fileEvent(event);
  }

  batchRefused(admission: 'duplicate' | 'gap', header: BatchHeader): void {
    if (admission === 'duplicate') {
      this.counters.batchesDuplicate++;
      return;
    }
    this.counters.batchesGap++;
    this.#warnSometimes('gap', { shipper: header.shipperId, startOffset: header.startOffset }, 'A shipper batch arrived beyond a gap; asking the shipper to send again');
  }

  syncEvent(event: SyncEvent): void {
    switch (event.type) {
      case 'asked':
        return void this.#logger.info({ orderLength: event.orderLength }, 'Asking the other collectors for the order of what this one missed');
      case 'answered':
        return void this.#logger.info({ to: event.to, fromIndex: event.fromIndex, entries: event.entries, diverged: event.diverged }, 'Sent a collector catching up the order of what it missed');
      case 'caught-up':
        return void this.#logger.info({ responder: event.responder, entries: event.entries, capturedMessages: event.capturedMessages }, "Caught up in the other collector's order");
      case 'gave-up':
        return void this.#logger.warn({ reason: event.reason, capturedMessages: event.capturedMessages }, "Catch-up given up: writing in this collector's own order (each line still once)");
      case 'not-answered':
        return void this.#logger.info({ to: event.to, reason: event.reason }, 'Did not answer a collector catching up');
      case 'bad-message':
        return this.#warnSometimes('bad_sync', { error: event.error.message }, 'Dropped a malformed catch-up message');
    }
  }

  badBatch(error: Error): void {
    this.counters.batchesMalformed++;
    this.#warnSometimes('bad_batch', { error: error.message }, 'Dropped a malformed shipper batch');
  }

  flushFailed(error: unknown): void {
    this.counters.flushFailures++;
    this.#logger.error({ error: error instanceof Error ? error.message : String(error) }, 'Flushing output failed');
  }

  reopened(openFiles: number): void {
    this.counters.reopens++;
    this.#logger.info({ openFiles }, 'Reopened output files');
  }

  pressure(paused: boolean, pendingBytes: number): void {
    if (paused) this.counters.pressurePauses++;
    this.#logger.warn({ pendingBytes }, paused ? 'Output is behind; pausing reads from the daemon' : 'Output caught up; reading again');
  }

  connecting(endpoint: string, attempt: number): void {
    this.#logger.debug({ endpoint, attempt }, 'Connecting to the daemon');
  }

  connected(endpoint: string, privateGroup: string, groups: readonly string[]): void {
    if (this.counters.connects > 0) this.counters.reconnects++;
    this.counters.connects++;
    this.counters.connected = true;
    this.#logger.info({ endpoint, privateGroup, groups }, 'Connected to the daemon and joined groups');
  }

  disconnected(endpoint: string, cause: Error | undefined): void {
    this.counters.disconnects++;
    this.counters.connected = false;
    this.#logger.warn({ endpoint, error: cause?.message }, 'Lost the daemon connection; reconnecting');
  }

  reconnecting(endpoint: string, attempt: number, delayMs: number, cause: Error): void {
    this.#warnSometimes('reconnecting', { endpoint, attempt, delayMs, error: cause.message }, 'Cannot reach the daemon; retrying');
  }

  sourceClosed(error: Error | undefined): void {
    this.counters.connected = false;
    if (error === undefined) this.#logger.info('Daemon connection closed');
    else this.#logger.error({ error: error.message }, 'Gave up on the daemon connection');
  }

  #warnSometimes(kind: string, fields: object, message: string): void {
    const nowMs = Date.now();
    if (nowMs - (this.#lastWarnMs.get(kind) ?? -Infinity) < WARN_INTERVAL_MS) return;
    this.#lastWarnMs.set(kind, nowMs);
    this.#logger.warn(fields, message);
  }
}

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
