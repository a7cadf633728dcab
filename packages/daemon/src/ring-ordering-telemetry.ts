/**
 * Named events of the ring ordering layer: each logs structured fields and updates counters
 * (Vector's internal_events), so ring-ordering.ts never logs inline.
 */
import type { Logger } from 'pino';
import type { RingPayloadError } from './errors.ts';

export interface RingOrderingCounters {
  /** Peer payloads dropped, by error code. */
  payloadsDropped: Record<string, number>;
  /** Group states that came for another configuration, from a non-member, or twice. */
  statesIgnored: number;
  configurations: number;
  exchangesCompleted: number;
  /** Exchanges a further network change cut short before every state came. */
  exchangesCutShort: number;
}

/** Log the first drop of each kind, then one line per this many, so a hostile peer cannot flood the log. */
const DROP_LOG_EVERY = 1000;

export class RingOrderingTelemetry {
  readonly counters: RingOrderingCounters = {
    payloadsDropped: {},
    statesIgnored: 0,
    configurations: 0,
    exchangesCompleted: 0,
    exchangesCutShort: 0,
  };
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  payloadDropped(origin: string, error: RingPayloadError): void {
    const count = (this.counters.payloadsDropped[error.code] ?? 0) + 1;
    this.counters.payloadsDropped[error.code] = count;
    if (count % DROP_LOG_EVERY !== 1) return;
    this.#logger.warn({ origin, error_code: error.code, error_type: 'remote_protocol', stage: 'decode', detail: error.message, dropped: count }, 'Dropped a ring payload a peer daemon sent');
  }

  stateIgnored(origin: string, verdict: string): void {
    this.counters.statesIgnored++;
    this.#logger.debug({ origin, verdict }, 'Ignored a group state');
  }

  configurationInstalled(ring: string, daemons: readonly string[]): void {
    this.counters.configurations++;
    this.#logger.info({ ring, daemons }, 'Regular configuration installed; exchanging group states');
  }

  exchangeCompleted(ring: string, timeSecs: number): void {
    this.counters.exchangesCompleted++;
    this.#logger.debug({ ring, timeSecs }, 'Group state exchange complete');
  }

  exchangeCutShort(ring: string, missing: readonly string[]): void {
    this.counters.exchangesCutShort++;
    this.#logger.warn({ ring, missing }, 'Network changed again before every group state came; applying the states received');
  }
}
