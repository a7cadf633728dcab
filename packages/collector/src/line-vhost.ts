/**
 * The vhost of a line as the live tail filters on it: the first space-separated field
 * (mod_log_spread's `%v`-first format), with ASCII letters lowercased. It is the field a split log
 * files the line under (LogRouter cuts at the same first space, VhostTable lowercases with the
 * same normalizeVhost), minus the safety checks: a filter only compares names, it opens no path.
 */
import { normalizeVhost } from '@ringlog/vhost-files';

/** The line's vhost, lowercased; null when the line has no field before a space. */
export function lineVhost(line: string): string | null {
  const space = line.indexOf(' ');
  if (space <= 0) return null;
  return normalizeVhost(line.slice(0, space));
}
