/**
 * Segment files: `<base offset, 20 digits>.seg`, so a sorted listing is the log's order. Anything
 * else in the directory (the lock, the cursor, an operator's notes) is ignored.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One segment file. `size` grows as the active segment is appended to. */
export interface SegmentFile {
  readonly base: number;
  size: number;
}

const SEGMENT_NAME = /^([0-9]{20})\.seg$/;
const BASE_DIGITS = 20;

export function segmentFileName(base: number): string {
  return `${String(base).padStart(BASE_DIGITS, '0')}.seg`;
}

export function segmentPath(dir: string, base: number): string {
  return join(dir, segmentFileName(base));
}

/** The segment files of `dir`, oldest first. Names past 2^53 and non-files are ignored. */
export function listSegments(dir: string): SegmentFile[] {
  const segments: SegmentFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const match = SEGMENT_NAME.exec(name);
    if (match === null) continue;
    const base = Number(match[1]);
    if (!Number.isSafeInteger(base)) continue;
    const status = statSync(join(dir, name), { throwIfNoEntry: false });
    if (status === undefined || !status.isFile()) continue;
    segments.push({ base, size: status.size });
  }
  return segments;
}

/**
 * Where the readable bytes of segment `index` end: its file end, cut at the next segment's base
 * (a file named inside an older one's range wins; the older bytes past it are unreachable).
 */
export function segmentEndOffset(segments: readonly SegmentFile[], index: number): number {
  const segment = segments[index] as SegmentFile;
  const next = segments[index + 1];
  const fileEnd = segment.base + segment.size;
  return next === undefined ? fileEnd : Math.min(fileEnd, next.base);
}

/** Index of the segment whose base is the greatest one <= offset, or -1. */
export function findSegmentIndex(segments: readonly SegmentFile[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if ((segments[middle] as SegmentFile).base <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
