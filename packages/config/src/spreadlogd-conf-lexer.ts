/**
 * Tokens of spreadlogd.conf, after spreadlogd's flex scanner (config_gram.l): spaces, tabs and
 * line ends separate tokens, `#` starts a comment, `{` and `}` always end a bare word, a bare
 * word is the longest run of other characters (so `Port=3502` is one word), and a run that is
 * exactly `=` is punctuation. "…" and '…' quote a value, without escapes.
 *
 * Departures, each an error instead of a silent surprise: an unterminated quote (spreadlogd reads
 * it as part of a bare word), a quote spanning lines, text glued to a closing quote, and control
 * characters anywhere, quoted or not.
 */
import { clip } from './spread-conf-lexer.ts';
import type { LexIssue, LexResult, Token, TokenKind } from './spread-conf-lexer.ts';

function isControl(character: string): boolean {
  return (character < ' ' && character !== '\t' && character !== '\n' && character !== '\r') || character === '\x7f';
}

/** Control characters stay in the run (and are reported), so a stray NUL does not split a value in two. */
function isRunCharacter(character: string): boolean {
  return !' \t\r\n#{}'.includes(character);
}

function controlMessage(character: string): string {
  return `control character U+${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}

/** Splits spreadlogd.conf text into tokens (ending with `eof`); never throws, reports problems as issues. */
export function lexSpreadlogdConf(text: string): LexResult {
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
      if (character === '\n') this.#newLine();
      else if (character === ' ' || character === '\t' || character === '\r') this.#offset += 1;
      else if (character === '#') this.#skipComment();
      else if (character === '{' || character === '}') this.#single(character === '{' ? 'open' : 'close');
      else if (character === '"' || character === "'") this.#quoted(character);
      else this.#run();
    }
    this.tokens.push({ kind: 'eof', text: '', line: this.#line, column: this.#column(this.#offset) });
  }

  #column(offset: number): number {
    return offset - this.#lineStart + 1;
  }

  #newLine(): void {
    this.#offset += 1;
    this.#line += 1;
    this.#lineStart = this.#offset;
  }

  #issue(offset: number, message: string): void {
    this.issues.push({ line: this.#line, column: this.#column(offset), message, severity: 'error' });
  }

  #push(kind: TokenKind, text: string, start: number): void {
    this.tokens.push({ kind, text, line: this.#line, column: this.#column(start) });
  }

  #skipComment(): void {
    const end = this.#text.indexOf('\n', this.#offset);
    this.#offset = end === -1 ? this.#text.length : end;
  }

  #single(kind: TokenKind): void {
    this.#push(kind, this.#text.charAt(this.#offset), this.#offset);
    this.#offset += 1;
  }

  #reportControls(text: string, start: number): void {
    for (let index = 0; index < text.length; index += 1) {
      if (isControl(text.charAt(index))) this.#issue(start + index, controlMessage(text.charAt(index)));
    }
  }

  #runEnd(from: number): number {
    let end = from;
    while (end < this.#text.length && isRunCharacter(this.#text.charAt(end))) end += 1;
    return end;
  }

  #run(): void {
    const start = this.#offset;
    const end = this.#runEnd(start);
    const text = this.#text.slice(start, end);
    this.#reportControls(text, start);
    this.#offset = end;
    this.#push(text === '=' ? 'equals' : 'word', text, start);
  }

  /** "…" or '…' on one line. */
  #quoted(quote: string): void {
    const start = this.#offset;
    const close = this.#text.indexOf(quote, start + 1);
    const lineEnd = this.#text.indexOf('\n', start);
    if (close === -1 || (lineEnd !== -1 && lineEnd < close)) {
      this.#issue(start, `unterminated quoted string (no closing ${quote} on this line)`);
      this.#offset = lineEnd === -1 ? this.#text.length : lineEnd;
      return;
    }
    const body = this.#text.slice(start + 1, close);
    this.#reportControls(body, start + 1);
    this.#push('quoted', body, start);
    this.#offset = close + 1;
    const glued = this.#runEnd(this.#offset);
    if (glued > this.#offset) {
      this.#issue(this.#offset, `unexpected text "${clip(this.#text.slice(this.#offset, glued))}" right after a closing quote`);
      this.#reportControls(this.#text.slice(this.#offset, glued), this.#offset);
      this.#offset = glued;
    }
  }
}
