/**
 * `logs[].match` entries: JavaScript regular expressions, compiled once here for validation and
 * by the collector for matching, so both agree on the syntax.
 */
import { PATTERN_LENGTH_MAX } from './collector-limits.ts';

/** Compiles a `match` entry (no flags: a line passes when the pattern is found anywhere in it). */
export function compileMatchPattern(pattern: string): RegExp {
  return new RegExp(pattern);
}

/** The problem with a `match` entry, or undefined when it compiles. */
export function matchPatternProblem(pattern: string): string | undefined {
  if (pattern.length > PATTERN_LENGTH_MAX) return undefined; // maxLength reports it; do not compile megabytes
  try {
    compileMatchPattern(pattern);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `is not a valid regular expression: ${reason.length > 200 ? `${reason.slice(0, 197)}...` : reason}`;
  }
}
