import { expect, it } from 'vitest';
import { replayCommand, runSeed } from '../src/index.ts';

/** CI's share of seeds: 4 files × 125 seeds, so vitest's workers split the 500. */
export const SEEDS_PER_FILE = 125;

export function seedRange(first: number): void {
  it(`seeds ${first}..${first + SEEDS_PER_FILE - 1} keep every invariant`, () => {
    const failures: string[] = [];
    for (let seed = first; seed < first + SEEDS_PER_FILE; seed += 1) {
      const result = runSeed(seed);
      if (!result.ok) failures.push(`seed ${seed}: ${result.violations[0]}\n  replay: ${replayCommand(seed)}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);
}
