import { describe, expect, it } from 'vitest';
import { compileTailFilter, CollectorErrorCode, lineVhost, printableLines, replaceControls, TailFilterError } from '../src/index.ts';

describe('tail filter - vhost', () => {
  it('lineVhost - the first space-separated field, ASCII lowercased; null without one', () => {
    expect(lineVhost('A.Example.COM 10.0.0.1 - - "GET /"')).toBe('a.example.com');
    expect(lineVhost('nospace')).toBeNull();
    expect(lineVhost(' leading space')).toBeNull();
    expect(lineVhost('ÄBC.example x')).toBe('Äbc.example');
  });

  it('vhosts - any of several names, in any case; lines with no vhost never match', () => {
    const filter = compileTailFilter({ vhosts: ['a.example.com', 'B.EXAMPLE.COM'], grep: '' });
    expect(filter.matches('a.example.com GET /')).toBe(true);
    expect(filter.matches('b.example.com GET /')).toBe(true);
    expect(filter.matches('A.EXAMPLE.COM GET /')).toBe(true);
    expect(filter.matches('c.example.com GET /')).toBe(false);
    expect(filter.matches('a.example.com.evil GET /')).toBe(false);
    expect(filter.matches('a.example.com')).toBe(false);
  });

  it('no vhosts, no grep - every line passes', () => {
    const filter = compileTailFilter({ vhosts: [], grep: '' });
    expect(filter.matches('')).toBe(true);
    expect(filter.matches('anything at all')).toBe(true);
  });
});

describe('tail filter - grep', () => {
  it('grep - a JavaScript regular expression, with no flags and no state between lines', () => {
    const filter = compileTailFilter({ vhosts: [], grep: '" (4|5)\\d\\d ' });
    expect(filter.matches('a.example.com "GET /" 404 12')).toBe(true);
    expect(filter.matches('a.example.com "GET /" 404 12')).toBe(true);
    expect(filter.matches('a.example.com "GET /" 200 12')).toBe(false);
    expect(compileTailFilter({ vhosts: [], grep: 'get' }).matches('GET')).toBe(false);
  });

  it('grep and vhosts - a line must pass both', () => {
    const filter = compileTailFilter({ vhosts: ['a.example.com'], grep: 'POST' });
    expect(filter.matches('a.example.com POST /')).toBe(true);
    expect(filter.matches('a.example.com GET /')).toBe(false);
    expect(filter.matches('b.example.com POST /')).toBe(false);
  });

  it('grep - an invalid pattern throws TailFilterError with a stable code and the reason', () => {
    let caught: unknown;
    try {
      compileTailFilter({ vhosts: [], grep: '(' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TailFilterError);
    expect((caught as TailFilterError).code).toBe(CollectorErrorCode.BAD_TAIL_FILTER);
    expect((caught as TailFilterError).message).toMatch(/^grep pattern "\(" is not a valid regular expression: .*Unterminated group/);
  });

  it('grep - only the first 64 Ki characters of a long line are tested', () => {
    const filter = compileTailFilter({ vhosts: [], grep: 'needle' });
    expect(filter.matches(`${'x'.repeat(64 * 1024 - 6)}needle`)).toBe(true);
    expect(filter.matches(`${'x'.repeat(64 * 1024)}needle`)).toBe(false);
  });
});

describe('printable lines', () => {
  it('printableLines - cut at newlines, empty lines skipped, a last line without newline kept', () => {
    expect(printableLines(Buffer.from('a x\n\nb y\nc z'))).toEqual(['a x', 'b y', 'c z']);
    expect(printableLines(Buffer.alloc(0))).toEqual([]);
    expect(printableLines(Buffer.from('\n\n'))).toEqual([]);
  });

  it('printableLines - invalid UTF-8 and control bytes become U+FFFD; tabs and valid UTF-8 stay', () => {
    const body = Buffer.concat([Buffer.from('a.example.com \u00e9t\u00e9\t'), Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x1b]), Buffer.from('[2J done\n')]);
    expect(printableLines(body)).toEqual(['a.example.com \u00e9t\u00e9\t\ufffd\ufffd\ufffd\ufffd\ufffd[2J done']);
  });

  it('replaceControls - C0 but TAB, DEL and C1 are replaced; other text is returned as is', () => {
    const plain = 'nothing to replace \u00e9 \u{1f600}';
    expect(replaceControls(plain)).toBe(plain);
    expect(replaceControls('a\u0000b\u007fc\u0085d\u009fe\tf')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\tf');
  });
});
