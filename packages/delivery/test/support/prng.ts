/**
 * Seeded randomness for the delivery package's hostile-input tests (the shared helpers live in @ringlog/prng). Every
 * randomized test prints its seed in failure messages; rerun one with RINGLOG_TEST_SEED=<seed>.
 */
import { baseSeed, caseSeedFrom } from '@ringlog/prng';

export { createPrng, flipBits, type Prng } from '@ringlog/prng';

/** The base seed of this run: RINGLOG_TEST_SEED if set, else a fixed default so CI is stable. */
export const BASE_SEED: number = baseSeed(0x5eed_de11);

/** A distinct, reproducible seed for case `index` of a randomized test. */
export function caseSeed(index: number): number {
  return caseSeedFrom(BASE_SEED, index);
}
