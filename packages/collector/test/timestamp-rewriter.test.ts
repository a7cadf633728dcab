import { mulberry32 } from '@ringlog/prng';
import { StrftimeError } from '@ringlog/vhost-files';
import { describe, expect, it } from 'vitest';
import { CollectorErrorCode, TimestampSpecError } from '../src/errors.ts';
import { CLF_PATTERN, createTimestampRewriter, TIMESTAMP_SEARCH_BYTES_MAX } from '../src/timestamp-rewriter.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FIXED_NOW_MS = Date.UTC(2000, 9, 10, 20, 55, 36, 789);

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** Common Log Format built independently from Date getters, so the test holds in any time zone. */
function clfOf(ms: number): string {
  const date = new Date(ms);
  const east = -date.getTimezoneOffset();
  const offset = `${east < 0 ? '-' : '+'}${two(Math.floor(Math.abs(east) / 60))}${two(Math.abs(east) % 60)}`;
  const day = `${two(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}`;
  return `${day}:${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${offset}`;
}

function rewriteString(line: string, now = FIXED_NOW_MS, spec = 'clf'): string {
  const rewriter = createTimestampRewriter(spec, () => now);
  const bytes = Buffer.from(line, 'latin1');
  return rewriter.rewrite(bytes, 0, bytes.length).toString('latin1');
}

/** The rule, written the slow and obvious way, for the model-based check. */
function modelRewrite(line: Buffer, stamp: Buffer): Buffer {
  const window = line.subarray(0, Math.min(line.length, TIMESTAMP_SEARCH_BYTES_MAX));
  const open = window.indexOf(0x5b);
  const close = open === -1 ? -1 : window.indexOf(0x5d, open + 1);
  if (close === -1) return line;
  return Buffer.concat([line.subarray(0, open + 1), stamp, line.subarray(close)]);
}

describe('timestamp rewriter', () => {
  it('timestamp rewriter - clf writes the collector time in Common Log Format, local time', () => {
    const line = '1.2.3.4 - - [10/Oct/1999:01:02:03 +0000] "GET / HTTP/1.1" 200 5';
    const expected = `1.2.3.4 - - [${clfOf(FIXED_NOW_MS)}] "GET / HTTP/1.1" 200 5`;
    expect(rewriteString(line)).toBe(expected);
    expect(createTimestampRewriter('clf', () => 0).pattern).toBe(CLF_PATTERN);
  });

  it('timestamp rewriter - a strftime spec is used as the format', () => {
    const date = new Date(FIXED_NOW_MS);
    const expected = `x [${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}h] y`;
    expect(rewriteString('x [old] y', FIXED_NOW_MS, '%Y-%m-%d %Hh')).toBe(expected);
  });

  it('timestamp rewriter - only [start, end) of the buffer is read, and a trailing newline is kept', () => {
    const rewriter = createTimestampRewriter('%Y', () => FIXED_NOW_MS);
    const batch = Buffer.from('a [1] b\nc [2] d\n');
    const year = String(new Date(FIXED_NOW_MS).getFullYear());
    expect(rewriter.rewrite(batch, 8, 16).toString()).toBe(`c [${year}] d\n`);
    expect(rewriter.rewrite(batch, 0, 7).toString()).toBe(`a [${year}] b`);
    expect(batch.toString()).toBe('a [1] b\nc [2] d\n');
  });

  it('timestamp rewriter - the time is formatted once per second and follows the clock', () => {
    let now = FIXED_NOW_MS;
    const rewriter = createTimestampRewriter('clf', () => now);
    const line = Buffer.from('[x]');
    expect(rewriter.rewrite(line, 0, 3).toString()).toBe(`[${clfOf(FIXED_NOW_MS)}]`);
    now = FIXED_NOW_MS + 150; // same second (…36.939)
    expect(rewriter.rewrite(line, 0, 3).toString()).toBe(`[${clfOf(FIXED_NOW_MS)}]`);
    now = FIXED_NOW_MS + 211; // next second (…37.000)
    expect(rewriter.rewrite(line, 0, 3).toString()).toBe(`[${clfOf(FIXED_NOW_MS + 1000)}]`);
    now = FIXED_NOW_MS - 86_400_000; // the clock may step back
    expect(rewriter.rewrite(line, 0, 3).toString()).toBe(`[${clfOf(FIXED_NOW_MS - 86_400_000)}]`);
  });

  it('timestamp rewriter - each rewritten line is its own Buffer', () => {
    const rewriter = createTimestampRewriter('clf', () => FIXED_NOW_MS);
    const first = rewriter.rewrite(Buffer.from('[a]'), 0, 3);
    const second = rewriter.rewrite(Buffer.from('[b]'), 0, 3);
    first.fill(0);
    expect(second.toString()).toBe(`[${clfOf(FIXED_NOW_MS)}]`);
  });

  it('timestamp rewriter - without brackets the same bytes come back, without a copy', () => {
    const rewriter = createTimestampRewriter('clf', () => FIXED_NOW_MS);
    const line = Buffer.from('no brackets here');
    expect(rewriter.rewrite(line, 0, line.length)).toBe(line);
    const batch = Buffer.from('first line\nno brackets\n');
    const slice = rewriter.rewrite(batch, 11, 22);
    expect(slice.toString()).toBe('no brackets');
    expect(slice.buffer).toBe(batch.buffer);
    expect(slice.byteOffset).toBe(batch.byteOffset + 11);
  });

  it('timestamp rewriter - "]" before "[" is not a pair; the "]" after the "[" is used', () => {
    expect(rewriteString('a ] b [ c', FIXED_NOW_MS, '%Y')).toBe('a ] b [ c');
    expect(rewriteString('a ] b [c] d ]', FIXED_NOW_MS, 'T')).toBe('a ] b [T] d ]');
    expect(rewriteString('[one] [two]', FIXED_NOW_MS, 'T')).toBe('[T] [two]');
    expect(rewriteString('[[nested]]', FIXED_NOW_MS, 'T')).toBe('[T]]');
  });

  it('timestamp rewriter - a pair not wholly within the first 512 bytes is left alone', () => {
    const pad = (count: number): string => 'p'.repeat(count);
    const inside = `${pad(TIMESTAMP_SEARCH_BYTES_MAX - 3)}[x]rest`;
    expect(rewriteString(inside, FIXED_NOW_MS, 'T')).toBe(`${pad(TIMESTAMP_SEARCH_BYTES_MAX - 3)}[T]rest`);
    const closeOutside = `${pad(TIMESTAMP_SEARCH_BYTES_MAX - 2)}[x]rest`;
    expect(rewriteString(closeOutside, FIXED_NOW_MS, 'T')).toBe(closeOutside);
    const openOutside = `${pad(TIMESTAMP_SEARCH_BYTES_MAX)}[x]rest`;
    expect(rewriteString(openOutside, FIXED_NOW_MS, 'T')).toBe(openOutside);
  });

  it('timestamp rewriter - an empty line and a line that is only "[]"', () => {
    const rewriter = createTimestampRewriter('clf', () => FIXED_NOW_MS);
    const empty = Buffer.alloc(0);
    expect(rewriter.rewrite(empty, 0, 0).length).toBe(0);
    const batch = Buffer.from('abc');
    expect(rewriter.rewrite(batch, 1, 1).length).toBe(0);
    expect(rewriteString('[]')).toBe(`[${clfOf(FIXED_NOW_MS)}]`);
    expect(rewriteString('[')).toBe('[');
    expect(rewriteString(']')).toBe(']');
  });

  it('timestamp rewriter - a spec with a newline, a control byte or a bracket is refused', () => {
    for (const spec of ['%Y\n', 'a\rb', '\u0000', '[%Y', '%Y]', 'x\u007f']) {
      expect(() => createTimestampRewriter(spec, () => 0), JSON.stringify(spec)).toThrow(TimestampSpecError);
    }
    try {
      createTimestampRewriter('%Y\n', () => 0);
    } catch (error) {
      expect((error as TimestampSpecError).code).toBe(CollectorErrorCode.BAD_TIMESTAMP_SPEC);
    }
  });

  it('timestamp rewriter - an unknown strftime conversion throws StrftimeError', () => {
    expect(() => createTimestampRewriter('%Q', () => 0)).toThrow(StrftimeError);
    expect(() => createTimestampRewriter('%', () => 0)).toThrow(StrftimeError);
  });

  it('timestamp rewriter - hostile random bytes never throw and only the bracket contents change', () => {
    const seed = Number(process.env.RINGLOG_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = mulberry32(seed);
    const stamp = Buffer.from(clfOf(FIXED_NOW_MS));
    const rewriter = createTimestampRewriter('clf', () => FIXED_NOW_MS);
    try {
      for (let round = 0; round < 3000; round += 1) {
        const length = Math.floor(random() ** 2 * 1200);
        const line = Buffer.alloc(length);
        // Mostly brackets and a few other bytes, so pairs, near-pairs and long lines all occur.
        for (let index = 0; index < length; index += 1) {
          const pick = random();
          line[index] = pick < 0.02 ? 0x5b : pick < 0.04 ? 0x5d : Math.floor(random() * 256);
        }
        const before = Buffer.from(line);
        const start = Math.floor(random() * Math.min(length + 1, 20));
        const out = rewriter.rewrite(line, start, length);
        expect(line.equals(before), `input changed at round ${round}`).toBe(true);
        const slice = line.subarray(start, length);
        const expected = modelRewrite(slice, stamp);
        expect(out.equals(expected), `round ${round}`).toBe(true);
        const open = slice.subarray(0, TIMESTAMP_SEARCH_BYTES_MAX).indexOf(0x5b);
        if (expected !== slice) {
          expect(out.subarray(0, open + 1).equals(slice.subarray(0, open + 1))).toBe(true);
          const tail = slice.length - slice.indexOf(0x5d, open + 1);
          expect(out.subarray(out.length - tail).equals(slice.subarray(slice.length - tail))).toBe(true);
        }
      }
    } catch (error) {
      console.error(`timestamp rewriter fuzz failed with seed ${seed} (rerun with RINGLOG_SEED=${seed})`);
      throw error;
    }
  });
});
