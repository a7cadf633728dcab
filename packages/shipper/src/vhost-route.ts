/**
 * Where a line goes. A fixed route sends every line to one group; a bucketed route is
 * mod_log_spread's mass-vhost mode: the line's first token (the vhost, with a `%v`-first
 * LogFormat) is hashed into N buckets, and bucket b goes to `<group>-<b>`, so N logging boxes
 * can each join a share of the groups. The hash is FNV-1a over the ASCII-lowercased token:
 * stable across processes and releases, so a vhost always lands in the same bucket.
 */
import type { InputRoute } from './line-ingest.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The groups of a bucketed route, built once per route object. */
const bucketGroups = new WeakMap<InputRoute, readonly string[]>();

export function routeGroup(route: InputRoute, line: Buffer): string {
  if (route.vhostBuckets === 0) return route.group;
  let groups = bucketGroups.get(route);
  if (groups === undefined) {
    groups = Array.from({ length: route.vhostBuckets }, (_, bucket) => `${route.group}-${bucket}`);
    bucketGroups.set(route, groups);
  }
  return groups[vhostBucket(line, route.vhostBuckets)] as string;
}

/** FNV-1a of the first space- or tab-delimited token, ASCII-lowercased, modulo `buckets`. */
export function vhostBucket(line: Buffer, buckets: number): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < line.length; index++) {
    let byte = line[index] as number;
    if (byte === 0x20 || byte === 0x09) break;
    if (byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  }
  return hash % buckets;
}
