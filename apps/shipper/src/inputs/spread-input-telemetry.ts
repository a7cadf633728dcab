/**
 * Named events of the spread input: each updates the input's counters and, where an operator
 * needs a reason, logs it. Handshake rejects and protocol violations are already logged by the
 * embedded daemon's own telemetry, so here they only count.
 */
import type { InputStats } from '@ringlog/shipper';
import type { Logger } from 'pino';

/** Log at most this often per repeated kind of bad multicast, so a broken sender cannot flood the log. */
const REPEATED_LOG_INTERVAL_MS = 5_000;

export class SpreadInputTelemetry {
  readonly stats: InputStats;
  readonly logger: Logger;
  readonly #nowMs: () => number;
  #lastUnroutableLogMs = -Infinity;

  constructor(stats: InputStats, logger: Logger, nowMs: () => number = Date.now) {
    this.stats = stats;
    this.logger = logger;
    this.#nowMs = nowMs;
  }

  sessionOpened(): void {
    this.stats.connections += 1;
    this.stats.connectionsTotal += 1;
  }

  /** An open session ended; `partialFrameBytes` > 0 means its sender left mid-frame. */
  sessionEnded(privateGroup: string, partialFrameBytes: number): void {
    this.stats.connections -= 1;
    if (partialFrameBytes === 0) return;
    this.stats.error('bad_frame');
    this.logger.debug({ privateGroup, partialFrameBytes }, 'Spread sender closed in the middle of a frame; its partial frame is dropped');
  }

  /** A connection closed before its handshake finished (a scanner, a crashed or confused client). */
  handshakeAbandoned(remote: string): void {
    this.stats.error('bad_frame');
    this.logger.debug({ remote }, 'Connection closed before the Spread handshake finished');
  }

  sessionRejected(byQuota: boolean): void {
    this.stats.error(byQuota ? 'too_many_connections' : 'bad_frame');
  }

  protocolViolation(): void {
    this.stats.error('bad_frame');
  }

  /** A multicast named a group no receiver could join (illegal characters, or too long for its bucket suffix). */
  unroutableGroup(sender: string, group: string): void {
    this.stats.error('bad_frame');
    const nowMs = this.#nowMs();
    if (nowMs - this.#lastUnroutableLogMs < REPEATED_LOG_INTERVAL_MS) return;
    this.#lastUnroutableLogMs = nowMs;
    this.logger.warn({ sender, group, error_code: 'unroutable_group', stage: 'route' }, 'Multicast to a group that cannot be joined upstream; its lines are not forwarded');
  }

  readingPaused(sessions: number): void {
    this.logger.debug({ sessions }, 'Spool asks inputs to wait; Spread sessions stop being read');
  }

  readingResumed(sessions: number): void {
    this.logger.debug({ sessions }, 'Spread sessions are read again');
  }
}
