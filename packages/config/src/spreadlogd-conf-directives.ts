/**
 * Reading one spreadlogd.conf directive (`Name = value`, or an extension hook's bare values), and
 * recovering from one that is unknown or on the wrong level, so that every problem of a file is
 * reported in one pass. spreadlogd itself stops at the first syntax error.
 */
import { skipBlock } from './spread-conf-segment.ts';
import type { Token } from './spread-conf-lexer.ts';
import { describeToken } from './spread-conf-reader.ts';
import type { TokenReader } from './spread-conf-reader.ts';
import type { SpreadlogdValue } from './spreadlogd-conf-types.ts';
import {
  CLF_KEYWORD,
  isOneOf,
  isSpreadlogdKeyword,
  keywordIgnoringCase,
  LOG_EXTENSIONS,
  LOG_KEYWORD,
  LOG_SETTINGS,
  SPREAD_SETTINGS,
  TOP_LEVEL_EXTENSIONS,
  TOP_LEVEL_SETTINGS,
  UNUSED_KEYWORDS,
} from './spreadlogd-conf-words.ts';

export type Level = 'top' | 'spread' | 'log';

/** A token spreadlogd reads as STRING: quoted text, or a bare word that is not a keyword. */
export function isValueToken(token: Token): boolean {
  return token.kind === 'quoted' || (token.kind === 'word' && !isSpreadlogdKeyword(token.text));
}

export function toValue(token: Token): SpreadlogdValue {
  return { text: token.text, line: token.line, column: token.column };
}

/**
 * Reads `= value` after `keyword` (consumed). On a problem, records it, consumes what looks like
 * the value, and returns undefined. `accept` lets RewriteTimestamp take its CommonLogFormat keyword.
 */
export function readSetting(reader: TokenReader, keyword: Token, path: string, accept: (token: Token) => boolean = isValueToken): Token | undefined {
  if (reader.accept('equals') === undefined) {
    const next = reader.peek();
    const glued = next.text.startsWith('=') ? ' (put spaces around "=")' : '';
    reader.error(next, path, `expected "=" after ${keyword.text}, got ${describeToken(next)}${glued}`);
    if (next.line === keyword.line && (isValueToken(next) || accept(next))) reader.next();
    return undefined;
  }
  const value = reader.peek();
  if (accept(value)) return reader.next();
  const quoteHint = value.kind === 'word' && isSpreadlogdKeyword(value.text) ? ' (quote a keyword to use it as a value)' : '';
  reader.error(value, path, `${keyword.text} needs a value after "=", got ${describeToken(value)}${quoteHint}`);
  return undefined;
}

/** Reads an extension hook's values: `PerlLog name`, `LoadModule name [arg]`, `ModuleDir = dir`. */
export function skipExtension(reader: TokenReader, keyword: Token, path: string): void {
  reader.accept('equals');
  const most = keyword.text === 'LoadModule' ? 2 : 1;
  let read = 0;
  while (read < most && isValueToken(reader.peek())) {
    reader.next();
    read += 1;
  }
  if (read === 0) reader.error(reader.peek(), path, `${keyword.text} needs a value, got ${describeToken(reader.peek())}`);
}

/** After a misplaced `Name`, skips `= value` when present. */
function skipSettingValue(reader: TokenReader): void {
  if (reader.accept('equals') === undefined) return;
  const value = reader.peek();
  if (isValueToken(value) || (value.kind === 'word' && value.text === CLF_KEYWORD)) reader.next();
}

/**
 * Reports a token (consumed) that does not belong at `level` (a directive of another level, an
 * unknown word, stray punctuation) and skips what belongs to it.
 */
export function reportMisplaced(reader: TokenReader, token: Token, path: string, level: Level): void {
  if (token.kind === 'open') {
    reader.error(token, path, 'unexpected "{" (a block opens after Spread or Log)');
    skipBlock(reader, token, path);
    return;
  }
  if (token.kind === 'close') {
    reader.error(token, path, 'unexpected "}" (no block is open)');
    return;
  }
  if (token.kind === 'equals') {
    reader.error(token, path, 'unexpected "=" (expected a directive name before it)');
    return;
  }
  const message = token.kind === 'word' ? misplacedKeywordMessage(token.text, level) : undefined;
  if (message === undefined) {
    reportUnknown(reader, token, path, level);
    return;
  }
  reader.error(token, path, message);
  if (token.text === LOG_KEYWORD && reader.peek().kind === 'open') skipBlock(reader, reader.next(), path);
  else if (isOneOf(TOP_LEVEL_EXTENSIONS, token.text) || isOneOf(LOG_EXTENSIONS, token.text)) skipExtension(reader, token, path);
  else skipSettingValue(reader);
}

function misplacedKeywordMessage(text: string, level: Level): string | undefined {
  if (isOneOf(TOP_LEVEL_SETTINGS, text)) return `${text} goes at the top of the file, outside the Spread blocks`;
  if (isOneOf(SPREAD_SETTINGS, text)) return `${text} belongs directly inside a Spread { } block${level === 'log' ? ', not in a Log block' : ''}`;
  if (text === LOG_KEYWORD) return 'a Log { } block belongs inside a Spread { } block';
  if (isOneOf(LOG_SETTINGS, text)) return `${text} belongs inside a Log { } block`;
  if (text === CLF_KEYWORD) return `${CLF_KEYWORD} is a value of RewriteTimestamp, not a directive`;
  if (isOneOf(TOP_LEVEL_EXTENSIONS, text)) return `${text} goes at the top of the file, outside the Spread blocks`;
  if (isOneOf(LOG_EXTENSIONS, text)) return `${text} belongs inside a Log { } block`;
  if (isOneOf(UNUSED_KEYWORDS, text)) return `${text} is not a directive (spreadlogd's grammar never accepted it); per-vhost files come from VhostDir`;
  return undefined;
}

const EXPECTED: Readonly<Record<Level, string>> = {
  top: 'BufferSize or a Spread { } block',
  spread: 'Port, Host or a Log { } block',
  log: 'Group, File, VhostDir, Match or RewriteTimestamp',
};

function reportUnknown(reader: TokenReader, token: Token, path: string, level: Level): void {
  const shown = describeToken(token);
  const caseHint = token.kind === 'word' ? keywordIgnoringCase(token.text) : undefined;
  let hint = '';
  if (caseHint !== undefined) hint = ` (directives are case-sensitive: did you mean ${caseHint}?)`;
  else if (token.kind === 'word' && token.text.includes('=')) hint = ' (put spaces around "=")';
  reader.error(token, path, `unknown directive ${shown}; expected ${EXPECTED[level]}${hint}`);
  skipSettingValue(reader);
}
