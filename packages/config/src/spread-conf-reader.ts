/** A cursor over spread.conf tokens plus the problems and warnings found so far. */
import { clip } from './spread-conf-lexer.ts';
import type { Token } from './spread-conf-lexer.ts';
import type { ConfigProblem, ConfigWarning } from './problem.ts';
import { RESERVED_WORDS } from './spread-conf-words.ts';

export class TokenReader {
  readonly file: string;
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigWarning[] = [];
  readonly #tokens: readonly Token[];
  #index = 0;

  constructor(file: string, tokens: readonly Token[]) {
    if (tokens.length === 0 || tokens[tokens.length - 1]?.kind !== 'eof') throw new Error('Bug: token list must end with eof');
    this.file = file;
    this.#tokens = tokens;
  }

  peek(ahead = 0): Token {
    const index = Math.min(this.#index + ahead, this.#tokens.length - 1);
    return this.#tokens[index] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.#index += 1;
    return token;
  }

  /** Consumes the next token when it is a bare word equal to `text`. */
  acceptWord(text: string): Token | undefined {
    const token = this.peek();
    if (token.kind !== 'word' || token.text !== text) return undefined;
    return this.next();
  }

  accept(kind: Token['kind']): Token | undefined {
    return this.peek().kind === kind ? this.next() : undefined;
  }

  error(token: Token, path: string, message: string): void {
    this.problems.push({ file: this.file, line: token.line, column: token.column, path, message });
  }

  /** A problem found after parsing, known by line only. */
  errorAtLine(line: number, path: string, message: string): void {
    this.problems.push({ file: this.file, line, column: 1, path, message });
  }

  warn(line: number, message: string): void {
    this.warnings.push({ file: this.file, line, message });
  }
}

/** How a token reads in a message: `"box1"`, `"{"`, `end of file`. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of file';
  if (token.kind === 'quoted') return `quoted string "${clip(token.text)}"`;
  return `"${clip(token.text)}"`;
}

/** A bare word or quoted string that Spread's scanner returns as STRING (not a reserved word). */
export function isStringToken(token: Token): boolean {
  return token.kind === 'quoted' || (token.kind === 'word' && !RESERVED_WORDS.has(token.text) && !isCaseInsensitiveReserved(token.text));
}

function isCaseInsensitiveReserved(text: string): boolean {
  return /^(true|yes|false|no|on|off|auto)$/i.test(text);
}
