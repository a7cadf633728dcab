/**
 * A seeded PRNG with the helpers randomized tests want, and the run's base seed: every
 * randomized test prints its seed on failure, and RINGLOG_TEST_SEED=<seed> replays it.
 */
import { mulberry32, randomBytes, randomInt } from './mulberry32.ts';

export interface Prng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Uniform integer in [min, max], both inclusive. */
  range(min: number, max: number): number;
  bool(): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
}

export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  const int = (maxExclusive: number): number => randomInt(next, maxExclusive);
  return {
    seed,
    next,
    int,
    range: (min, max) => min + int(max - min + 1),
    bool: () => next() < 0.5,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    bytes: (length) => randomBytes(next, length),
  };
}

/** RINGLOG_TEST_SEED if set, else `fallback` (fixed per test suite, so CI is stable). */
export function baseSeed(fallback: number): number {
  const fromEnv = process.env.RINGLOG_TEST_SEED;
  if (fromEnv === undefined || fromEnv === '') return fallback >>> 0;
  const value = Number(fromEnv);
  if (!Number.isInteger(value)) throw new Error(`RINGLOG_TEST_SEED must be an integer, got ${fromEnv}`);
  return value >>> 0;
}

/** A distinct, reproducible seed for case `index` of a randomized test. */
export function caseSeedFrom(base: number, index: number): number {
  return (base + Math.imul(index, 0x9e37_79b9)) >>> 0;
}

/** Flips `count` random bits of `buffer` in place. */
export function flipBits(prng: Prng, buffer: Buffer, count: number): void {
  if (buffer.length === 0) return;
  for (let i = 0; i < count; i++) {
    const at = prng.int(buffer.length);
    buffer[at] = (buffer[at] as number) ^ (1 << prng.int(8));
  }
}

/** Splits `length` bytes into random chunk lengths of 1..maxChunk. */
export function randomChunkLengths(prng: Prng, length: number, maxChunk: number): number[] {
  const lengths: number[] = [];
  let left = length;
  while (left > 0) {
    const size = Math.min(left, prng.range(1, maxChunk));
    lengths.push(size);
    left -= size;
  }
  return lengths;
}
