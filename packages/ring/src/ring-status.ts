import type { RingPhase } from './ring-node.ts';
import type { RingStats } from './ring-stats.ts';

/**
 * What a daemon answers to a status request (`ringlog monitor`, spmonitor's equivalent):
 * its view of the ring and its own load. Carried as JSON in an authenticated datagram.
 */
export interface RingStatusReport {
  readonly daemon: string;
  readonly incarnation: number;
  readonly phase: RingPhase;
  /** The installed ring: its id as `rep/incarnation/seq`, and members in ring order. */
  readonly ring: { readonly id: string; readonly members: readonly string[] } | null;
  readonly stats: RingStats;
  /** Client sessions open on this daemon. */
  readonly sessions: number;
  /** Groups with at least one member, across the segment, as this daemon knows them. */
  readonly groups: number;
  /** Messages waiting for the token on this daemon. */
  readonly pendingMessages: number;
  readonly transport: {
    readonly packetsSent: number;
    readonly packetsReceived: number;
    readonly dropped: Readonly<Record<string, number>>;
  };
  readonly uptimeMs: number;
}
