/**
 * Reads spreadlogd.conf (config_gram.y): `BufferSize = n`, then one or more
 * `Spread { Port = … Host = … Log { … } … }` blocks. Every problem is collected and reported at
 * once in one `ConfigValidationError`; directives ringlog accepts but does not use are warnings.
 * See spreadlogd-conf-lexer.ts for the tokens and spreadlogd-conf-log-block.ts for Log blocks.
 */
import { ConfigValidationError } from './errors.ts';
import { CONFIG_FILE_BYTES_MAX } from './limits.ts';
import { boundProblems, boundWarnings } from './problem.ts';
import type { Token } from './spread-conf-lexer.ts';
import { describeToken, TokenReader } from './spread-conf-reader.ts';
import { checkSpreadlogdConf } from './spreadlogd-conf-checks.ts';
import { readSetting, reportMisplaced, skipExtension, toValue } from './spreadlogd-conf-directives.ts';
import { lexSpreadlogdConf } from './spreadlogd-conf-lexer.ts';
import { parseLogBlock } from './spreadlogd-conf-log-block.ts';
import type { SpreadlogdConf, SpreadlogdLog, SpreadlogdSpread, SpreadlogdValue } from './spreadlogd-conf-types.ts';
import { isOneOf, LOG_KEYWORD, SPREAD_KEYWORD, SPREAD_SETTINGS, TOP_LEVEL_EXTENSIONS } from './spreadlogd-conf-words.ts';

/** Parses spreadlogd.conf text; throws `ConfigValidationError` listing every problem with its line and column. */
export function parseSpreadlogdConf(text: string, file: string): SpreadlogdConf {
  if (text.length > CONFIG_FILE_BYTES_MAX) {
    const message = `the file is longer than a config file may be (${CONFIG_FILE_BYTES_MAX} characters)`;
    throw new ConfigValidationError([{ file, line: 1, column: 1, path: '(syntax)', message }]);
  }
  const { tokens, issues } = lexSpreadlogdConf(text);
  const reader = new TokenReader(file, tokens);
  for (const issue of issues) reader.problems.push({ file, line: issue.line, column: issue.column, path: '(syntax)', message: issue.message });
  const spreads: SpreadlogdSpread[] = [];
  let bufferSize: SpreadlogdValue | undefined;
  while (reader.peek().kind !== 'eof') {
    const token = reader.next();
    if (token.kind === 'word' && token.text === SPREAD_KEYWORD) {
      spreads.push(parseSpreadBlock(reader, token, spreads.length));
    } else if (token.kind === 'word' && token.text === 'BufferSize') {
      const value = readSetting(reader, token, 'BufferSize');
      if (value !== undefined && bufferSize !== undefined) {
        reader.warn(token.line, `BufferSize is set again (first on line ${bufferSize.line}); spreadlogd keeps the first`);
      }
      if (value !== undefined && bufferSize === undefined) bufferSize = toValue(value);
    } else if (token.kind === 'word' && isOneOf(TOP_LEVEL_EXTENSIONS, token.text)) {
      reader.warn(token.line, `${token.text} loads spreadlogd extension code, which ringlog does not run; ignored`);
      skipExtension(reader, token, token.text);
    } else {
      reportMisplaced(reader, token, '(top level)', 'top');
    }
  }
  if (spreads.length === 0) reader.error(reader.peek(), '(top level)', 'no Spread { } block: spreadlogd.conf needs at least one, naming the daemon and its Log blocks');
  const conf: SpreadlogdConf = { file, spreads, warnings: [], ...(bufferSize === undefined ? {} : { bufferSize }) };
  checkSpreadlogdConf(conf, reader);
  if (reader.problems.length > 0) throw new ConfigValidationError(boundProblems(reader.problems));
  return { ...conf, warnings: boundWarnings(reader.warnings) };
}

/** Parses a Spread block; the `Spread` keyword has been consumed. */
function parseSpreadBlock(reader: TokenReader, keyword: Token, index: number): SpreadlogdSpread {
  const path = `Spread[${index}]`;
  const settings: { port?: SpreadlogdValue; host?: SpreadlogdValue } = {};
  const logs: SpreadlogdLog[] = [];
  if (reader.accept('open') === undefined) {
    reader.error(reader.peek(), path, `expected "{" after Spread, got ${describeToken(reader.peek())}`);
  }
  for (;;) {
    const token = reader.peek();
    if (reader.accept('close') !== undefined) break;
    if (token.kind === 'eof' || (token.kind === 'word' && token.text === SPREAD_KEYWORD)) {
      const before = token.kind === 'eof' ? 'at the end of the file' : 'before the next Spread';
      reader.error(token, path, `the Spread block opened on line ${keyword.line} is not closed with "}" ${before}`);
      break;
    }
    reader.next();
    if (token.kind === 'word' && token.text === LOG_KEYWORD) {
      logs.push(parseLogBlock(reader, token, `${path}.Log[${logs.length}]`));
    } else if (token.kind === 'word' && isOneOf(SPREAD_SETTINGS, token.text)) {
      const value = readSetting(reader, token, `${path}.${token.text}`);
      if (value === undefined) continue;
      const key = token.text === 'Port' ? 'port' : 'host';
      const earlier = settings[key];
      if (earlier !== undefined) reader.warn(token.line, `${token.text} is set again in this Spread block (first on line ${earlier.line}); the last value wins, as in spreadlogd`);
      settings[key] = toValue(value);
    } else {
      reportMisplaced(reader, token, path, 'spread');
    }
  }
  return { line: keyword.line, column: keyword.column, ...settings, logs };
}
