/**
 * What the token ring needs from a validated `segment` section, in the ring's own terms: each
 * daemon's port, the transmission mode, and the timeouts.
 */
import { RING_TIMEOUT_DEFAULTS_MS } from './daemon-config-defaults.ts';
import type { RingTimeoutsMs, SegmentDaemon, SegmentSection } from './daemon-config-types.ts';

/** The daemon's client TCP and daemon UDP data port: its own `port`, else the segment's. Its token port is this + 1. */
export function segmentDaemonPort(segment: Pick<SegmentSection, 'port'>, daemon: Pick<SegmentDaemon, 'port'>): number {
  return daemon.port ?? segment.port;
}

/** `auto` resolved: ringlog sends unicast unless told otherwise. */
export function segmentRingMode(segment: Pick<SegmentSection, 'ring'>): 'unicast' | 'broadcast' | 'multicast' {
  const { mode } = segment.ring;
  return mode === 'auto' ? 'unicast' : mode;
}

/**
 * The ring's timeouts from `segment.timeouts_ms`: token, hurry, join, gather, form and lookup
 * map to the ring's six; alive, rep and seg drive Spread's multi-segment representatives, which
 * ringlog's single-segment ring does not have, and are ignored. No segment, or no
 * `timeouts_ms`, gives `RING_TIMEOUT_DEFAULTS_MS`. Returns a fresh object.
 */
export function ringTimeoutsFromConfig(segment?: Pick<SegmentSection, 'timeouts_ms'>): RingTimeoutsMs {
  const timeouts = segment?.timeouts_ms;
  if (timeouts === undefined) return { ...RING_TIMEOUT_DEFAULTS_MS };
  return {
    tokenLossMs: timeouts.token,
    tokenRetransmitMs: timeouts.hurry,
    joinMs: timeouts.join,
    gatherMs: timeouts.gather,
    formMs: timeouts.form,
    lookupMs: timeouts.lookup,
  };
}
