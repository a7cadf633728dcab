/**
 * A seeded PRNG (mulberry32) for the hostile-input tests. Failures print the seed; rerun one
 * with RINGLOG_TEST_SEED=<seed>.
 */
import { mulberry32, randomBytes, randomInt } from '@ringlog/prng';

export interface Prng {
  readonly seed: number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
}

export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  const int = (maxExclusive: number): number => randomInt(next, maxExclusive);
  return {
    seed,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (length) => randomBytes(next, length),
  };
}

/** RINGLOG_TEST_SEED if set, else a fixed default so CI is stable. */
export const BASE_SEED: number = (() => {
  const fromEnv = process.env.RINGLOG_TEST_SEED;
  if (fromEnv === undefined || fromEnv === '') return 0x5eed_da3e;
  const value = Number(fromEnv);
  if (!Number.isInteger(value)) throw new Error(`RINGLOG_TEST_SEED must be an integer, got ${fromEnv}`);
  return value >>> 0;
})();
