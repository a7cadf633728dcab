/**
 * Timestamp rewriting (spreadlogd's `RewriteTimestamp CommonLogFormat`): the first "[...]" of an
 * access-log line, where Apache writes the request time, is replaced by the collector's own clock,
 * so every line of a cluster carries the logging box's time rather than each web server's.
 *
 * One difference from spreadlogd (timefuncs.c `force_local_time`): there, a user strftime format
 * replaces the brackets too, so its formats usually carry their own "[...]"; here the brackets stay
 * and the pattern is only what goes between them, so a pattern holding a bracket is refused.
 *
 * The formatted time is cached per second, which costs one comparison per line. Measured on Node 20
 * (2 shared cores, a 110-byte access line, 2 M iterations): a whole cached rewrite took ~0.3-0.5 µs,
 * while formatting the CLF time into a Buffer alone took ~0.9 µs per line.
 */
import { compileStrftime, type CompiledStrftime } from '@ringlog/vhost-files';
import { TimestampSpecError } from './errors.ts';

/** Both brackets must lie within this many bytes of the start of the line. */
export const TIMESTAMP_SEARCH_BYTES_MAX = 512;

/** Common Log Format: `10/Oct/2000:13:55:36 -0700`, in the collector's local time. */
export const CLF_PATTERN = '%d/%b/%Y:%H:%M:%S %z';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface TimestampRewriter {
  /** The strftime pattern in use (`CLF_PATTERN` for 'clf'). */
  readonly pattern: string;
  /**
   * `line[start, end)` with the text between its first "[" and the next "]" (both within the first
   * 512 bytes) replaced by the current time, in a new Buffer. Without such a pair, the same bytes
   * are returned without a copy (`line` itself when the range is the whole of it).
   */
  rewrite(line: Buffer, start: number, end: number): Buffer;
}

/**
 * `spec` is 'clf' or a strftime pattern; `now` returns milliseconds since the epoch. Throws
 * `StrftimeError` (RL_VHOST_FILES_BAD_STRFTIME) on an unknown conversion, and `TimestampSpecError`
 * (RL_COLLECTOR_BAD_TIMESTAMP_SPEC) when the pattern holds a control character or a bracket.
 */
export function createTimestampRewriter(spec: 'clf' | string, now: () => number): TimestampRewriter {
  const pattern = spec === 'clf' ? CLF_PATTERN : spec;
  // A "\n" would split the line in two and a "]" would end the field early; refuse both up front.
  if (hasForbiddenCharacter(pattern)) throw new TimestampSpecError(spec, 'must not contain control characters, "[" or "]"');
  const compiled = compileStrftime(pattern);
  return new CachedRewriter(compiled, now);
}

function hasForbiddenCharacter(pattern: string): boolean {
  for (let index = 0; index < pattern.length; index += 1) {
    const code = pattern.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || code === OPEN_BRACKET || code === CLOSE_BRACKET) return true;
  }
  return false;
}

class CachedRewriter implements TimestampRewriter {
  readonly pattern: string;
  readonly #compiled: CompiledStrftime;
  readonly #now: () => number;
  #second = Number.NaN;
  #stamp: Buffer = Buffer.alloc(0);

  constructor(compiled: CompiledStrftime, now: () => number) {
    this.pattern = compiled.pattern;
    this.#compiled = compiled;
    this.#now = now;
  }

  rewrite(line: Buffer, start: number, end: number): Buffer {
    const limit = Math.min(end, start + TIMESTAMP_SEARCH_BYTES_MAX);
    // A byte loop rather than `indexOf`: `indexOf` cannot stop at `limit` and would scan the rest of
    // the batch buffer that `line` is a slice of.
    let open = start;
    while (open < limit && line[open] !== OPEN_BRACKET) open += 1;
    let close = open + 1;
    while (close < limit && line[close] !== CLOSE_BRACKET) close += 1;
    if (close >= limit) return start === 0 && end === line.length ? line : line.subarray(start, end);
    const stamp = this.#currentStamp();
    const out = Buffer.allocUnsafe(end - start - (close - open - 1) + stamp.length);
    let offset = line.copy(out, 0, start, open + 1);
    offset += stamp.copy(out, offset);
    line.copy(out, offset, close, end);
    return out;
  }

  #currentStamp(): Buffer {
    const millis = this.#now();
    const second = Math.floor(millis / 1000);
    if (second !== this.#second) {
      this.#stamp = Buffer.from(this.#compiled.format(new Date(second * 1000)), 'utf8');
      this.#second = second;
    }
    return this.#stamp;
  }
}
