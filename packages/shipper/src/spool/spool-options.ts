/** Options of `Spool.open`, and their validation (invalid options are a bug in the caller: thrown). */
import { SpoolOptionError } from '../errors.ts';

export interface SpoolOptions {
  /** The state directory; created (recursive, mode 0o700) if missing. */
  readonly dir: string;
  /** Roll to a new segment file once the active one reaches this size. */
  readonly segmentBytes: number;
  /** append() refuses when pendingBytes + the record's size would exceed it. */
  readonly maxBytes: number;
  /** The most recent records kept in memory, so read() of fresh data rarely touches the disk. */
  readonly memoryMaxBytes: number;
  /** maybeSync(nowMs) fsyncs at most this often when dirty; 0 = never. */
  readonly fsyncIntervalMs: number;
}

const POSITIVE_KEYS = ['segmentBytes', 'maxBytes', 'memoryMaxBytes'] as const;

/** Throws SpoolOptionError naming every invalid option at once. */
export function validateSpoolOptions(options: SpoolOptions): void {
  const problems: string[] = [];
  if (typeof options.dir !== 'string' || options.dir.length === 0) problems.push('dir must be a non-empty path');
  for (const key of POSITIVE_KEYS) {
    const value = options[key];
    if (!Number.isSafeInteger(value) || value <= 0) problems.push(`${key} must be a positive safe integer (got ${String(value)})`);
  }
  const interval = options.fsyncIntervalMs;
  if (!Number.isSafeInteger(interval) || interval < 0) problems.push(`fsyncIntervalMs must be a non-negative safe integer (got ${String(interval)})`);
  if (problems.length > 0) throw new SpoolOptionError(`Invalid spool options: ${problems.join('; ')}`);
}
