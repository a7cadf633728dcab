import type { DaemonName } from './packets.ts';

/**
 * The protocol's timers, in milliseconds. Spread names nine; a single-segment ring uses six
 * (alive, rep and seg drive Spread's multi-segment representatives, which ringlog does not have).
 */
export interface RingTimeoutsMs {
  /** No token seen this long in an operational or recovering ring: the ring is lost; gather. */
  readonly tokenLossMs: number;
  /** A forwarded token (or commit token) not acknowledged this long is sent again. */
  readonly tokenRetransmitMs: number;
  /** Interval of join messages while gathering. */
  readonly joinMs: number;
  /** Gathering this long without consensus marks the daemons that did not answer as failed. */
  readonly gatherMs: number;
  /** Waiting this long for the commit token (or the first token of the new ring) restarts the gather. */
  readonly formMs: number;
  /** Interval at which a ring's representative probes configured daemons outside the ring. */
  readonly lookupMs: number;
}

/**
 * Tuned down from Spread's LAN values (token 1250, hurry 500, join 250, gather 1250,
 * form 1250, lookup 30000): with these a crash yields a new ring in about 1.4 s, and the
 * simulator's and integration tests' fault schedules pass with them.
 */
export const RING_TIMEOUTS_DEFAULT_MS: RingTimeoutsMs = {
  tokenLossMs: 800,
  tokenRetransmitMs: 100,
  joinMs: 100,
  gatherMs: 500,
  formMs: 800,
  lookupMs: 1000,
};

export interface RingNodeOptions {
  readonly name: DaemonName;
  /** Distinguishes this run of the daemon from earlier ones (a restart loses all state). */
  readonly incarnation: number;
  /** Every configured daemon, this one included, in configuration order. */
  readonly segment: readonly DaemonName[];
  readonly timeouts: RingTimeoutsMs;
  /** Most bytes of client messages packed into one data packet; larger messages are fragmented. */
  readonly packetBytes: number;
  /** Most new packets this daemon sends per token visit (a message's fragments may exceed it). */
  readonly personalWindowPackets: number;
  /** Most packets in flight (sent but not yet held by every member) across the ring. */
  readonly globalWindowPackets: number;
  /** How long an idle daemon keeps the token before passing it on; 0 passes it at once. */
  readonly idleTokenHoldMs: number;
}

export const RING_NODE_DEFAULTS = {
  packetBytes: 1400,
  personalWindowPackets: 64,
  globalWindowPackets: 1024,
  idleTokenHoldMs: 5,
} as const;
