/**
 * The live tail's line filter, shared by `ringlog tail` and the collector's `/tail`: a line
 * passes when its vhost (lineVhost) is one of `vhosts`, or `vhosts` is empty, and `grep` matches
 * it, or `grep` is empty.
 *
 * `grep` is a JavaScript regular expression compiled with no flags, as the collector's `match`
 * filters are, and like them it is tested on the first LINE_MATCH_BYTES_MAX characters of a line
 * only: a RegExp cannot be interrupted, so bounding its input bounds the damage of a pattern
 * that backtracks badly.
 */
import { TailFilterError } from './errors.ts';
import { LINE_MATCH_BYTES_MAX } from './line-matcher.ts';
import { lineVhost } from './line-vhost.ts';
import { normalizeVhost } from '@ringlog/vhost-files';

export interface TailFilterSpec {
  /** Vhost names (any case); empty = every vhost, and lines with none. */
  readonly vhosts: readonly string[];
  /** A JavaScript regular expression; empty = every line. */
  readonly grep: string;
}

export interface TailFilter extends TailFilterSpec {
  /** True when `line` (decoded, one line without its newline) passes. */
  matches(line: string): boolean;
}

/** Compiles a filter; throws TailFilterError (RL_COLLECTOR_BAD_TAIL_FILTER) on a bad `grep`. */
export function compileTailFilter(spec: TailFilterSpec): TailFilter {
  const vhosts = new Set(spec.vhosts.map(normalizeVhost));
  const regex = spec.grep.length === 0 ? null : compileGrep(spec.grep);
  return {
    vhosts: Object.freeze([...spec.vhosts]),
    grep: spec.grep,
    matches(line: string): boolean {
      if (vhosts.size > 0) {
        const vhost = lineVhost(line);
        if (vhost === null || !vhosts.has(vhost)) return false;
      }
      if (regex === null) return true;
      // No `g` or `y` flag, so `test` keeps no `lastIndex` state between lines.
      return regex.test(line.length > LINE_MATCH_BYTES_MAX ? line.slice(0, LINE_MATCH_BYTES_MAX) : line);
    },
  };
}

function compileGrep(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new TailFilterError(source, error);
  }
}
