/** mulberry32: small, seedable, good enough to generate hostile frames. */
export { mulberry32 } from '@ringlog/prng';

/** The seed of a randomized test: `RINGLOG_SEED` to reproduce, else derived from the clock. */
export function testSeed(): number {
  const fromEnv = process.env.RINGLOG_SEED;
  return fromEnv === undefined ? Date.now() >>> 0 : Number(fromEnv) >>> 0;
}
