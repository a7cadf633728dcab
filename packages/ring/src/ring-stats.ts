/** Counters a ring node keeps for `ringlog monitor` and /metrics. */
export interface RingStats {
  tokenVisits: number;
  /** Time between this daemon's last two token visits: one rotation of the ring. */
  tokenRotationMs: number;
  tokensRetransmitted: number;
  packetsSent: number;
  packetsRetransmitted: number;
  tokenLosses: number;
  gathers: number;
  installs: number;
  /** Well-authenticated packets that did not fit the ring (wrong member counts): dropped. */
  malformedPackets: number;
}

export function emptyRingStats(): RingStats {
  return {
    tokenVisits: 0,
    tokenRotationMs: 0,
    tokensRetransmitted: 0,
    packetsSent: 0,
    packetsRetransmitted: 0,
    tokenLosses: 0,
    gathers: 0,
    installs: 0,
    malformedPackets: 0,
  };
}
