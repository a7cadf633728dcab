/**
 * Per-log counters, plain numbers bumped on the hot path and read by the admin endpoints.
 * Vhost names are unbounded, so per-vhost figures are kept per bucket (a hash of the name)
 * to keep metric cardinality fixed however many vhosts a cluster has.
 */
import type { VhostRejectReason } from '@ringlog/vhost-files';

/** Buckets vhost names hash into for `/metrics`. */
export const VHOST_BUCKETS = 16;

/** Why a line went to the catch-all file instead of its vhost's file. */
export type CatchAllReason = VhostRejectReason | 'no_separator' | 'over_cap' | 'outside_root';

export interface LogCounters {
  readonly log: string;
  /** Lines taken from messages (empty lines excluded). */
  lines: number;
  /** Bytes of those lines, newline included. */
  bytes: number;
  emptyLines: number;
  /** Lines that matched none of `match`. */
  unmatchedLines: number;
  /** Unmatched lines dropped because the log has no `unmatched_file`. */
  unmatchedDropped: number;
  /** Lines written to the catch-all file, by reason. */
  readonly catchAllLines: Record<CatchAllReason, number>;
  /** Distinct vhosts given their own file. */
  vhosts: number;
  /** Lines per vhost bucket (fnv1a(name) % VHOST_BUCKETS). */
  readonly bucketLines: Float64Array;
}

export function newLogCounters(log: string): LogCounters {
  return {
    log,
    lines: 0,
    bytes: 0,
    emptyLines: 0,
    unmatchedLines: 0,
    unmatchedDropped: 0,
    catchAllLines: {
      empty: 0,
      too_long: 0,
      non_ascii: 0,
      control_byte: 0,
      path_separator: 0,
      dot_segment: 0,
      bad_character: 0,
      no_separator: 0,
      over_cap: 0,
      outside_root: 0,
    },
    vhosts: 0,
    bucketLines: new Float64Array(VHOST_BUCKETS),
  };
}

/** FNV-1a over the name's char codes: stable across runs, so a bucket means the same vhosts. */
export function vhostBucket(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % VHOST_BUCKETS;
}
