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
export { mulberry32 as seededRandom } from '@ringlog/prng';
