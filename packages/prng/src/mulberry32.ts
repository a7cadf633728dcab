/**
 * mulberry32: a 32-bit seeded PRNG, fast and good enough for test inputs, fault schedules and
 * benchmark data. Not for anything secret. One implementation for the whole repository, so a
 * seed printed by a failing test replays the same run wherever it is used.
 */

export type Random = () => number;

/** Returns a generator of floats in [0, 1) determined by `seed` (any integer; taken mod 2^32). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}

/** `length` random bytes. */
export function randomBytes(random: Random, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let index = 0; index < length; index++) bytes[index] = Math.floor(random() * 256);
  return bytes;
}
