/**
 * `Log { Group = … File = … VhostDir = … Match = … RewriteTimestamp = … }` (config_gram.y
 * LogStruct). A setting given twice keeps the last value, as in spreadlogd; Match adds a pattern.
 */
import type { Token } from './spread-conf-lexer.ts';
import { describeToken } from './spread-conf-reader.ts';
import type { TokenReader } from './spread-conf-reader.ts';
import { isValueToken, readSetting, reportMisplaced, skipExtension, toValue } from './spreadlogd-conf-directives.ts';
import type { SpreadlogdLog, SpreadlogdRewrite, SpreadlogdValue } from './spreadlogd-conf-types.ts';
import { CLF_KEYWORD, isOneOf, LOG_EXTENSIONS, LOG_KEYWORD, LOG_SETTINGS, SPREAD_KEYWORD } from './spreadlogd-conf-words.ts';
import type { LogSetting } from './spreadlogd-conf-words.ts';

interface LogFields {
  /** Settings written in the block, valid or not: a bad Group is not also reported as missing. */
  seen: Set<LogSetting>;
  group?: SpreadlogdValue;
  file?: SpreadlogdValue;
  vhostDir?: SpreadlogdValue;
  matches: SpreadlogdValue[];
  rewriteTimestamp?: SpreadlogdRewrite;
}

/** Parses a Log block; the `Log` keyword has been consumed. */
export function parseLogBlock(reader: TokenReader, keyword: Token, path: string): SpreadlogdLog {
  const fields: LogFields = { seen: new Set(), matches: [] };
  if (reader.accept('open') === undefined) {
    reader.error(reader.peek(), path, `expected "{" after Log, got ${describeToken(reader.peek())}`);
  }
  for (;;) {
    const token = reader.peek();
    if (reader.accept('close') !== undefined) break;
    if (token.kind === 'eof' || (token.kind === 'word' && (token.text === SPREAD_KEYWORD || token.text === LOG_KEYWORD))) {
      const before = token.kind === 'eof' ? 'at the end of the file' : `before the next ${token.text}`;
      reader.error(token, path, `the Log block opened on line ${keyword.line} is not closed with "}" ${before}`);
      break;
    }
    reader.next();
    if (token.kind === 'word' && isOneOf(LOG_SETTINGS, token.text)) readLogSetting(reader, token, token.text, path, fields);
    else if (token.kind === 'word' && isOneOf(LOG_EXTENSIONS, token.text)) rejectExtension(reader, token, path);
    else reportMisplaced(reader, token, path, 'log');
  }
  const { seen, ...values } = fields;
  const log: SpreadlogdLog = { line: keyword.line, column: keyword.column, ...values };
  if (!seen.has('Group')) reader.error(keyword, path, 'the Log block has no Group (which Spread group it logs)');
  if (!seen.has('File') && !seen.has('VhostDir')) {
    reader.error(keyword, path, 'the Log block has neither File nor VhostDir (where it writes)');
  }
  return log;
}

function readLogSetting(reader: TokenReader, keyword: Token, setting: LogSetting, path: string, fields: LogFields): void {
  const settingPath = `${path}.${setting}`;
  fields.seen.add(setting);
  if (setting === 'RewriteTimestamp') {
    const token = readSetting(reader, keyword, settingPath, (next) => isValueToken(next) || (next.kind === 'word' && next.text === CLF_KEYWORD));
    if (token === undefined) return;
    warnIfSetAgain(reader, fields.rewriteTimestamp, keyword);
    fields.rewriteTimestamp = { ...toValue(token), clf: token.kind === 'word' && token.text === CLF_KEYWORD };
    return;
  }
  const token = readSetting(reader, keyword, settingPath);
  if (token === undefined) return;
  const value = toValue(token);
  if (setting === 'Match') {
    fields.matches.push(value);
    return;
  }
  const key = setting === 'Group' ? 'group' : setting === 'File' ? 'file' : 'vhostDir';
  warnIfSetAgain(reader, fields[key], keyword);
  fields[key] = value;
}

function warnIfSetAgain(reader: TokenReader, earlier: SpreadlogdValue | undefined, keyword: Token): void {
  if (earlier !== undefined) reader.warn(keyword.line, `${keyword.text} is set again in this Log block (first on line ${earlier.line}); the last value wins, as in spreadlogd`);
}

function rejectExtension(reader: TokenReader, keyword: Token, path: string): void {
  const runner = keyword.text.startsWith('Perl') ? 'a Perl handler' : keyword.text.startsWith('Python') ? 'a Python handler' : 'a loadable module';
  reader.error(
    keyword,
    `${path}.${keyword.text}`,
    `${keyword.text} hands lines to ${runner}, which ringlog cannot run; remove it (to feed a program, use File = "|command")`,
  );
  skipExtension(reader, keyword, path);
}
