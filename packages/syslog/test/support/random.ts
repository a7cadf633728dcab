/** mulberry32: small, seedable, good enough to generate hostile frames. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized test: `RINGLOG_SEED` to reproduce, else derived from the clock. */
export function testSeed(): number {
  const fromEnv = process.env.RINGLOG_SEED;
  return fromEnv === undefined ? Date.now() >>> 0 : Number(fromEnv) >>> 0;
}
