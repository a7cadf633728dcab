/**
 * Named daemon events: each one logs structured fields and updates counters, so component
 * code never logs inline and every log line has a counter behind it (Vector's internal_events).
 */
import type { Logger } from 'pino';
import type { SessionEndReason } from './errors.ts';

export interface DaemonCounters {
  sessionsAccepted: number;
  sessionsRejected: Record<string, number>;
  sessionsEnded: Record<string, number>;
  protocolViolations: Record<string, number>;
  messagesReceived: number;
  bytesReceived: number;
  messagesDelivered: number;
  queueDroppedMessages: number;
  acceptErrors: Record<string, number>;
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Log at most this often per kind of repeated accept failure, so EMFILE storms stay readable. */
const ACCEPT_ERROR_LOG_INTERVAL_MS = 5_000;

export class DaemonTelemetry {
  readonly counters: DaemonCounters = {
    sessionsAccepted: 0,
    sessionsRejected: {},
    sessionsEnded: {},
    protocolViolations: {},
    messagesReceived: 0,
    bytesReceived: 0,
    messagesDelivered: 0,
    queueDroppedMessages: 0,
    acceptErrors: {},
  };
  readonly #logger: Logger;
  #lastAcceptErrorLogMs = 0;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get logger(): Logger {
    return this.#logger;
  }

  listening(address: string): void {
    this.#logger.info({ address }, 'Listening for Spread clients');
  }

  sessionAccepted(privateGroup: string, remote: string, version: string): void {
    this.counters.sessionsAccepted++;
    this.#logger.debug({ privateGroup, remote, version }, 'Session accepted');
  }

  sessionRejected(reason: string, code: number, remote: string, detail: string): void {
    bump(this.counters.sessionsRejected, reason);
    this.#logger.info({ reason, code, remote, detail }, 'Session rejected during handshake');
  }

  sessionEnded(privateGroup: string, reason: SessionEndReason): void {
    bump(this.counters.sessionsEnded, reason);
    this.#logger.debug({ privateGroup, reason }, 'Session ended');
  }

  protocolViolation(who: string, errorCode: string, detail: string): void {
    bump(this.counters.protocolViolations, errorCode);
    this.#logger.warn({ session: who, error_code: errorCode, detail, stage: 'decode' }, 'Session sent bytes that break the protocol; closing it');
  }

  slowReaderDisconnected(privateGroup: string, queuedMessages: number, queuedBytes: number): void {
    this.#logger.warn({ privateGroup, queuedMessages, queuedBytes }, 'Session killed: its outbound queue is full (slow reader)');
  }

  queueDropped(privateGroup: string, dropped: number): void {
    const before = this.counters.queueDroppedMessages;
    this.counters.queueDroppedMessages += dropped;
    // One line per thousand drops: enough to notice, too few to flood the log.
    if (Math.floor(before / 1000) !== Math.floor(this.counters.queueDroppedMessages / 1000) || before === 0) {
      this.#logger.warn({ privateGroup, droppedTotal: this.counters.queueDroppedMessages }, 'Dropping oldest queued messages of a slow reader');
    }
  }

  /**
   * The daemon holds nearly as many connections as it may open files. libuv then accepts and
   * drops further connections itself (its EMFILE trick) without telling Node, so this check of
   * our own is the only place an operator learns why clients are being refused.
   */
  fileLimitReached(connections: number, fdLimit: number, nowMs: number): void {
    bump(this.counters.acceptErrors, 'EMFILE');
    if (nowMs - this.#lastAcceptErrorLogMs < ACCEPT_ERROR_LOG_INTERVAL_MS) return;
    this.#lastAcceptErrorLogMs = nowMs;
    this.#logger.error(
      { error_code: 'EMFILE', connections, fdLimit },
      'Cannot accept more connections: the operating system open-file limit is reached, so the OS refuses new clients (raise `ulimit -n` or LimitNOFILE)',
    );
  }

  acceptFailed(error: NodeJS.ErrnoException, nowMs: number, fdLimit: number | null): void {
    const code = error.code ?? 'UNKNOWN';
    bump(this.counters.acceptErrors, code);
    if (nowMs - this.#lastAcceptErrorLogMs < ACCEPT_ERROR_LOG_INTERVAL_MS) return;
    this.#lastAcceptErrorLogMs = nowMs;
    if (code === 'EMFILE' || code === 'ENFILE') {
      this.#logger.error(
        { error_code: code, fdLimit, failures: this.counters.acceptErrors[code] },
        'Cannot accept more connections: the operating system file descriptor limit is reached (raise `ulimit -n` or LimitNOFILE)',
      );
      return;
    }
    this.#logger.error({ error_code: code, err: error }, 'Accepting a connection failed');
  }
}
