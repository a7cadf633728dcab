import { describe, expect, it } from 'vitest';
import { formatLine, LINE_BYTES, lineId, parseLine } from '../src/line-format.ts';

describe('line format', () => {
  it('line format - a line is LINE_BYTES long with its newline and parses back to its parts', () => {
    const id = lineId('b3', 42);
    const text = formatLine('shop.example.com', id);
    expect(text.length + 1).toBe(LINE_BYTES);
    expect(parseLine(text)).toEqual({ vhost: 'shop.example.com', id: 'b3-0000042', writerId: 'b3', seq: 42 });
  });

  it('line format - the padding depends on the id alone, so the same id always gives the same bytes', () => {
    expect(formatLine('www.example.com', lineId('a0', 7))).toBe(formatLine('www.example.com', lineId('a0', 7)));
  });

  it('line format - text of another form does not parse', () => {
    expect(parseLine('garbage')).toBeNull();
    expect(parseLine('www.example.com GET / HTTP/1.1')).toBeNull();
  });
});
