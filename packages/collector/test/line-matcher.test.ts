import { describe, expect, it } from 'vitest';
import { CollectorError, CollectorErrorCode, CollectorErrorDescription, LineMatchError } from '../src/errors.ts';
import { compileLineMatcher, LINE_MATCH_BYTES_MAX } from '../src/line-matcher.ts';

function matches(sources: readonly string[], line: Buffer | string, start = 0, end?: number): boolean {
  const matcher = compileLineMatcher(sources);
  if (matcher === undefined) throw new Error('expected a matcher');
  const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  return matcher.test(bytes, start, end ?? bytes.length);
}

describe('line matcher', () => {
  it('line matcher - an empty list compiles to undefined (every line passes, no work per line)', () => {
    expect(compileLineMatcher([])).toBeUndefined();
  });

  it('line matcher - a line passes when any of the patterns matches', () => {
    const sources = ['^www\\.example\\.com ', '" 5\\d\\d '];
    expect(matches(sources, 'www.example.com 1.2.3.4 - - [x] "GET / HTTP/1.1" 200 5')).toBe(true);
    expect(matches(sources, 'other.org 1.2.3.4 - - [x] "GET / HTTP/1.1" 503 5')).toBe(true);
    expect(matches(sources, 'other.org 1.2.3.4 - - [x] "GET / HTTP/1.1" 200 5')).toBe(false);
    expect(compileLineMatcher(sources)?.sources).toEqual(sources);
  });

  it('line matcher - only the [start, end) range of the buffer is tested', () => {
    const batch = Buffer.from('alpha\nbeta\ngamma\n');
    const matcher = compileLineMatcher(['^beta$'])!;
    expect(matcher.test(batch, 0, 5)).toBe(false);
    expect(matcher.test(batch, 6, 10)).toBe(true);
    expect(matcher.test(batch, 6, 9)).toBe(false);
    expect(matcher.test(batch, 11, 16)).toBe(false);
  });

  it('line matcher - lines are decoded as UTF-8', () => {
    expect(matches(['GET /caf\u00e9 '], 'GET /caf\u00e9 HTTP/1.1')).toBe(true);
    expect(matches(['^\u65e5\u672c.$'], '\u65e5\u672c\u8a9e')).toBe(true);
    expect(matches(['\ud83d\ude00'], 'emoji \ud83d\ude00 here')).toBe(true);
  });

  it('line matcher - invalid UTF-8 bytes decode to U+FFFD and never throw', () => {
    const line = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]); // "a", two invalid bytes, "b", a cut sequence
    expect(matches(['a\ufffd\ufffdb\ufffd$'], line)).toBe(true);
    expect(matches(['^ab'], line)).toBe(false);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    expect(() => matches(['.', '\\p'], everyByte)).not.toThrow();
  });

  it('line matcher - a line over 64 KiB is tested on its first 64 KiB only', () => {
    const head = Buffer.alloc(LINE_MATCH_BYTES_MAX, 'a');
    const line = Buffer.concat([head, Buffer.from('NEEDLE')]);
    expect(matches(['NEEDLE'], line)).toBe(false);
    expect(matches(['a$'], line)).toBe(true); // the tested text ends at the bound
    const early = Buffer.concat([Buffer.from('NEEDLE'), head]);
    expect(matches(['NEEDLE'], early)).toBe(true);
    const exactly = Buffer.concat([Buffer.alloc(LINE_MATCH_BYTES_MAX - 6, 'a'), Buffer.from('NEEDLE')]);
    expect(matches(['NEEDLE$'], exactly)).toBe(true);
  });

  it('line matcher - the bound is applied from start, not from the start of the buffer', () => {
    const line = Buffer.concat([Buffer.from('xxxx'), Buffer.alloc(LINE_MATCH_BYTES_MAX, 'a'), Buffer.from('Z')]);
    expect(matches(['Z'], line, 4)).toBe(false);
    expect(matches(['Z'], line, 5)).toBe(true);
  });

  it('line matcher - a multi-byte character cut by the bound decodes to U+FFFD', () => {
    const line = Buffer.concat([Buffer.alloc(LINE_MATCH_BYTES_MAX - 1, 'a'), Buffer.from('\u00e9')]);
    expect(matches(['a\ufffd$'], line)).toBe(true);
  });

  it('line matcher - the same matcher gives the same answer every time (no lastIndex state)', () => {
    const matcher = compileLineMatcher(['b'])!;
    const line = Buffer.from('abc');
    for (let round = 0; round < 5; round += 1) expect(matcher.test(line, 0, line.length)).toBe(true);
  });

  it('line matcher - a bad pattern throws LineMatchError with RL_COLLECTOR_BAD_MATCH, its index and the SyntaxError', () => {
    let caught: unknown;
    try {
      compileLineMatcher(['^ok$', '[unclosed', '(also bad']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LineMatchError);
    expect(caught).toBeInstanceOf(CollectorError);
    const error = caught as LineMatchError;
    expect(error.code).toBe(CollectorErrorCode.BAD_MATCH);
    expect(error.code).toBe('RL_COLLECTOR_BAD_MATCH');
    expect(error.name).toBe('LineMatchError');
    expect(error.index).toBe(1);
    expect(error.source).toBe('[unclosed');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.message).toContain('#1');
    expect(error.message).toContain((error.cause as SyntaxError).message);
  });

  it('line matcher - every collector line error code is documented and prefixed', () => {
    const codes = Object.values(CollectorErrorCode);
    expect(Object.keys(CollectorErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(code).toMatch(/^RL_COLLECTOR_[A-Z_]+$/);
      expect(CollectorErrorDescription[code]).toMatch(/\S/);
    }
  });
});
