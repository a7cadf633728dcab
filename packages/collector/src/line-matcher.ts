/**
 * Line filters: a line is kept when any of a list of regular expressions matches it (spreadlogd's
 * `Match` directive). The list is compiled once, when the config is loaded.
 *
 * Differences from spreadlogd: spreadlogd's config.c compiles `Match` with POSIX extended syntax
 * (`regcomp(REG_EXTENDED)`, or GNU `RE_SYNTAX_EGREP`; not PCRE), and it
 * tests the line up to its first NUL byte. ringlog uses JavaScript RegExp, compiled with no flags:
 * case-sensitive, `.` does not match "\n", `^`/`$` anchor the whole line. Common patterns behave
 * the same, but corner cases differ: POSIX takes the leftmost-longest match where JavaScript
 * backtracks (the same yes/no answer for a filter, though), a backslash inside brackets is literal
 * in POSIX and an escape here, `[[:digit:]]` classes and `[]abc]` mean something else here (the
 * spreadlogd.conf importer in the config package rewrites those), and JavaScript adds syntax POSIX
 * lacks (`\d`, lookaround, lazy quantifiers, backreferences).
 *
 * Catastrophic backtracking: a JavaScript RegExp cannot be interrupted or given a step budget, so a
 * pattern like `(a+)+$` can stall the collector on a hostile line. ringlog cannot guard against it;
 * operators must write linear patterns. To bound the damage, only the first
 * `LINE_MATCH_BYTES_MAX` bytes of a line are tested (a longer line is judged by that prefix).
 */
import { LineMatchError } from './errors.ts';

/** Lines longer than this are tested on their first `LINE_MATCH_BYTES_MAX` bytes only. */
export const LINE_MATCH_BYTES_MAX = 64 * 1024;

export interface LineMatcher {
  /** The patterns, as given. */
  readonly sources: readonly string[];
  /**
   * True when any pattern matches `line[start, end)` decoded as UTF-8 (an invalid byte decodes to
   * U+FFFD, and a character cut by the 64 KiB bound also does).
   */
  test(line: Buffer, start: number, end: number): boolean;
}

/**
 * Compiles the filters; `undefined` when the list is empty (every line passes, and the hot path
 * does no work). Throws `LineMatchError` (RL_COLLECTOR_BAD_MATCH) naming the first bad pattern.
 */
export function compileLineMatcher(sources: readonly string[]): LineMatcher | undefined {
  if (sources.length === 0) return undefined;
  const regexes = sources.map(compileOne);
  const frozenSources = Object.freeze([...sources]);
  // No `g` or `y` flag, so `test` keeps no `lastIndex` state between lines.
  return {
    sources: frozenSources,
    test(line: Buffer, start: number, end: number): boolean {
      const limit = end - start > LINE_MATCH_BYTES_MAX ? start + LINE_MATCH_BYTES_MAX : end;
      const text = line.toString('utf8', start, limit);
      for (const regex of regexes) {
        if (regex.test(text)) return true;
      }
      return false;
    },
  };
}

function compileOne(source: string, index: number): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new LineMatchError(index, source, error);
  }
}
