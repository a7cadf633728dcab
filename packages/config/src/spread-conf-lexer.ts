/**
 * Tokens of spread.conf, after Spread's flex scanner (config_gram.l): whitespace separates
 * tokens, `#` starts a comment, `{` `}` `[` `]` always end a bare word, and a bare word is the
 * longest run of other characters (so `Key=value` without spaces is one word, as in Spread).
 * A run that is exactly `=`, `:` or `;` is punctuation; `!` at the start of a run is a negation.
 *
 * Departures, each an error instead of a silent surprise: a malformed IP literal (Spread reads it
 * as a name), an unterminated quote, text glued to a closing quote, a stray `[` or `]`, and
 * control characters.
 */
import { ipFamily } from './ip-address.ts';

export type TokenKind =
  | 'word' | 'quoted' | 'number' | 'ip' | 'ip-port' | 'open' | 'close' | 'equals' | 'colon' | 'semicolon' | 'bang' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for quoted strings: without the quotes). */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  /** For `ip` and `ip-port`: the address without the port or brackets. */
  readonly address?: string;
  /** For `ip-port`. */
  readonly port?: number;
}

export interface LexIssue {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export interface LexResult {
  readonly tokens: Token[];
  readonly issues: LexIssue[];
}

const SEPARATORS = new Set([' ', '\t', '\r', '\n', '\v', '\f', '#', '{', '}', '[', ']']);
const IPV4 = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/;
const IPV4_PORT = /^([0-9]{1,3}(?:\.[0-9]{1,3}){3}):([0-9]{1,5})$/;
const IPV6_CANDIDATE = /^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(%[^%]+)?$/;
const IPV6_PORT = /^\[([^\]]+)\]:([0-9]{1,5})$/;

function isRunCharacter(character: string): boolean {
  return !SEPARATORS.has(character) && character >= ' ' && character !== '\x7f';
}

/** Splits spread.conf text into tokens; never throws, reports problems as issues. */
export function lexSpreadConf(text: string): LexResult {
  const lexer = new Lexer(text);
  lexer.run();
  return { tokens: lexer.tokens, issues: lexer.issues };
}

class Lexer {
  readonly tokens: Token[] = [];
  readonly issues: LexIssue[] = [];
  readonly #text: string;
  #offset = 0;
  #line = 1;
  #lineStart = 0;

  constructor(text: string) {
    this.#text = text.startsWith('\uFEFF') ? text.slice(1) : text;
  }

  run(): void {
    const text = this.#text;
    while (this.#offset < text.length) {
      const character = text.charAt(this.#offset);
      if (character === '\n') this.#newLine(this.#offset + 1);
      else if (character === ' ' || character === '\t' || character === '\r' || character === '\v' || character === '\f') this.#offset += 1;
      else if (character === '#') this.#skipComment();
      else if (character === '{' || character === '}') this.#single(character === '{' ? 'open' : 'close');
      else if (character === '"' || character === "'") this.#quoted(character);
      else if (character === '[') this.#bracketed();
      else if (character === ']') this.#stray(']', 'a "]" only closes an IPv6 address, as in [::1]:4803');
      else if (!isRunCharacter(character)) this.#stray(character, `control character U+${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
      else this.#run();
    }
    this.tokens.push({ kind: 'eof', text: '', line: this.#line, column: this.#column(this.#offset) });
  }

  #column(offset: number): number {
    return offset - this.#lineStart + 1;
  }

  #newLine(nextOffset: number): void {
    this.#line += 1;
    this.#lineStart = nextOffset;
    this.#offset = nextOffset;
  }

  #issue(offset: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.issues.push({ line: this.#line, column: this.#column(offset), message, severity });
  }

  #push(kind: TokenKind, text: string, start: number, extra: { address?: string; port?: number } = {}): void {
    this.tokens.push({ kind, text, line: this.#line, column: this.#column(start), ...extra });
  }

  #skipComment(): void {
    const end = this.#text.indexOf('\n', this.#offset);
    this.#offset = end === -1 ? this.#text.length : end;
  }

  #single(kind: TokenKind): void {
    this.#push(kind, this.#text.charAt(this.#offset), this.#offset);
    this.#offset += 1;
  }

  #stray(character: string, message: string): void {
    this.#issue(this.#offset, character === ']' ? `unexpected "]": ${message}` : message);
    this.#offset += 1;
  }

  #runEnd(from: number): number {
    let end = from;
    while (end < this.#text.length && isRunCharacter(this.#text.charAt(end))) end += 1;
    return end;
  }

  /** "…" or '…'; may span lines, as in Spread (warned, as it is rarely meant). */
  #quoted(quote: string): void {
    const start = this.#offset;
    const close = this.#text.indexOf(quote, start + 1);
    if (close === -1) {
      this.#issue(start, `unterminated quoted string (no closing ${quote})`);
      const end = this.#text.indexOf('\n', start);
      this.#offset = end === -1 ? this.#text.length : end;
      return;
    }
    const body = this.#text.slice(start + 1, close);
    this.#push('quoted', body, start);
    const newlines = body.split('\n').length - 1;
    if (newlines > 0) {
      this.#issue(start, 'quoted string spans several lines', 'warning');
      this.#line += newlines;
      this.#lineStart = start + 1 + body.lastIndexOf('\n') + 1;
    }
    this.#offset = close + 1;
    const glued = this.#runEnd(this.#offset);
    if (glued > this.#offset) {
      this.#issue(this.#offset, `unexpected text "${clip(this.#text.slice(this.#offset, glued))}" right after a closing quote`);
      this.#offset = glued;
    }
  }

  /** `[ipv6]:port`, the only place brackets may appear. */
  #bracketed(): void {
    const start = this.#offset;
    let end = start + 1;
    while (end < this.#text.length && isRunCharacter(this.#text.charAt(end)) && this.#text.charAt(end) !== ']') end += 1;
    if (this.#text.charAt(end) === ']') end = this.#runEnd(end + 1);
    const text = this.#text.slice(start, end);
    this.#offset = end;
    const match = IPV6_PORT.exec(text);
    if (match === null || ipFamily(match[1] ?? '') !== 'IPv6') {
      this.#issue(start, `"${clip(text)}" is not an IPv6 address with a port, like [fe80::1]:4803`);
      return;
    }
    const port = Number(match[2]);
    if (port > 65535) this.#issue(start, `port ${port} is out of range (0..65535)`);
    this.#push('ip-port', text, start, { address: match[1] ?? '', port });
  }

  #run(): void {
    const start = this.#offset;
    if (this.#text.charAt(start) === '!') {
      this.#push('bang', '!', start);
      this.#offset += 1;
      return;
    }
    const end = this.#runEnd(start);
    const text = this.#text.slice(start, end);
    this.#offset = end;
    this.#classify(text, start);
  }

  #classify(text: string, start: number): void {
    if (text === '=' || text === ':' || text === ';') {
      this.#push(text === '=' ? 'equals' : text === ':' ? 'colon' : 'semicolon', text, start);
    } else if (/^[0-9]{1,9}$/.test(text)) {
      this.#push('number', text, start);
    } else if (IPV4.test(text) || IPV4_PORT.test(text)) {
      this.#ipv4(text, start);
    } else if (IPV6_CANDIDATE.test(text) && (text.includes('::') || text.split(':').length === 8)) {
      if (ipFamily(text) === 'IPv6') this.#push('ip', text, start, { address: text });
      else this.#issue(start, `"${clip(text)}" is not a valid IPv6 address`);
    } else {
      this.#push('word', text, start);
    }
  }

  #ipv4(text: string, start: number): void {
    const match = IPV4_PORT.exec(text);
    const address = match === null ? text : (match[1] ?? '');
    if (ipFamily(address) !== 'IPv4') {
      this.#issue(start, `"${clip(text)}" is not a valid IPv4 address`);
      return;
    }
    if (match === null) {
      this.#push('ip', text, start, { address });
      return;
    }
    const port = Number(match[2]);
    if (port > 65535) this.#issue(start, `port ${port} is out of range (0..65535)`);
    this.#push('ip-port', text, start, { address, port });
  }
}

/** Bounds text quoted in messages; a hostile file may hold a megabyte-long word. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
