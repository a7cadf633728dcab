import { expect } from 'vitest';
import { ConfigValidationError } from '../src/index.ts';
import type { ConfigProblem } from '../src/index.ts';

/** Runs `run`, expects a ConfigValidationError, and returns its problems. */
export function problemsOf(run: () => unknown): readonly ConfigProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected a ConfigValidationError, got a result');
}

/** `line:path: message` summaries, for compact assertions. */
export function summaries(problems: readonly ConfigProblem[]): string[] {
  return problems.map((problem) => `${problem.line}:${problem.path}: ${problem.message}`);
}

/** A small deterministic PRNG (mulberry32), so failures name a reproducible seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
