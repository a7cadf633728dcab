import { describe, expect, it } from 'vitest';
import { NewlineDecoder, SyslogOptionError, type OverlongLinePolicy } from '../src/index.ts';

function decodeAll(decoder: NewlineDecoder, chunks: string[]): string[] {
  return [...chunks.flatMap((chunk) => decoder.push(Buffer.from(chunk))), ...decoder.end()].map(String);
}

describe('newline - framing', () => {
  const stream = '<190>Nov 22 10:00:00 web1 nginx: a\r\n<13>1 - h a - - - b\n\n<13>c\n<13>tail';
  const expected = ['<190>Nov 22 10:00:00 web1 nginx: a', '<13>1 - h a - - - b', '<13>c', '<13>tail'];

  it('newline - LF and CRLF, empty lines skipped, last line on end', () => {
    const decoder = new NewlineDecoder();
    expect(decodeAll(decoder, [stream])).toEqual(expected);
    expect(decoder.stats).toEqual({ lines: 4, overlongLines: 0, discardedBytes: 0 });
  });

  it('newline - split at every chunk boundary', () => {
    for (let cut = 0; cut <= stream.length; cut += 1) {
      expect(decodeAll(new NewlineDecoder(), [stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('newline - lines in one chunk are views', () => {
    const chunk = Buffer.from('abc\ndef\n');
    const lines = new NewlineDecoder().push(chunk);
    expect(lines[1]!.buffer).toBe(chunk.buffer);
  });

  it('newline - invalid UTF-8 and NUL pass through', () => {
    const lines = new NewlineDecoder().push(Buffer.from([0xff, 0x00, 0xc3, 0x0a]));
    expect([...lines[0]!]).toEqual([0xff, 0x00, 0xc3]);
  });
});

describe('newline - overlong lines', () => {
  const cases: Array<[OverlongLinePolicy, string[], { overlongLines: number; discardedBytes: number }]> = [
    ['truncate', ['abcd', 'efgh', 'ok', 'abcd'], { overlongLines: 2, discardedBytes: 10 }],
    ['split', ['abcd', 'efgh', 'ijk', 'efgh', 'ok', 'abcd', 'efg'], { overlongLines: 3, discardedBytes: 0 }],
  ];
  for (const [overlong, expected, counters] of cases) {
    it(`newline - ${overlong} policy, at every chunk boundary`, () => {
      const stream = 'abcdefghijk\nefgh\nok\nabcdefg\n';
      for (let cut = 0; cut <= stream.length; cut += 1) {
        const decoder = new NewlineDecoder({ lineBytesMax: 4, overlong });
        expect(decodeAll(decoder, [stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(expected);
        expect(decoder.stats).toMatchObject(counters);
      }
    });
  }

  it('newline - never buffers more than lineBytesMax', () => {
    const decoder = new NewlineDecoder({ lineBytesMax: 1024 });
    const lines = decoder.push(Buffer.alloc(10_000_000, 0x61));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBe(1024);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.push(Buffer.from('aaa\nnext\n')).map(String)).toEqual(['next']);
    expect(decoder.stats.discardedBytes).toBe(10_000_000 - 1024 + 3);
  });

  it('newline - a truncated tail without LF is not delivered on end', () => {
    const decoder = new NewlineDecoder({ lineBytesMax: 2 });
    expect(decodeAll(decoder, ['abcdef'])).toEqual(['ab']);
  });

  it('newline - invalid options throw', () => {
    expect(() => new NewlineDecoder({ lineBytesMax: 0 })).toThrow(SyslogOptionError);
    expect(() => new NewlineDecoder({ overlong: 'drop' as OverlongLinePolicy })).toThrow(SyslogOptionError);
  });
});
