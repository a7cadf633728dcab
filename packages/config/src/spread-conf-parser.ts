/**
 * Reads Spread's spread.conf (spec §7) into a `SpreadConf`. Every problem is collected and
 * reported at once in one `ConfigValidationError`; keys ringlog does not use, and unknown keys,
 * are warnings. The grammar follows config_parse.y; see spread-conf-lexer.ts for the tokens.
 */
import { ConfigValidationError } from './errors.ts';
import { CONFIG_FILE_BYTES_MAX } from './limits.ts';
import { boundProblems, boundWarnings } from './problem.ts';
import { checkSpreadConf } from './spread-conf-checks.ts';
import { parseKeyValue } from './spread-conf-keys.ts';
import type { KeyValue } from './spread-conf-keys.ts';
import { lexSpreadConf } from './spread-conf-lexer.ts';
import type { Token } from './spread-conf-lexer.ts';
import { describeToken, isStringToken, TokenReader } from './spread-conf-reader.ts';
import { parseSegment, skipBlock } from './spread-conf-segment.ts';
import type { SpreadConf, SpreadConfKey, SpreadConfKeys, SpreadSegment, SpreadSetting } from './spread-conf-types.ts';
import { isKeyName, KEY_DEFINITIONS, SEGMENT_KEYWORD } from './spread-conf-words.ts';

/** Parses spread.conf text; throws `ConfigValidationError` listing every problem with its line. */
export function parseSpreadConf(text: string, file: string): SpreadConf {
  if (text.length > CONFIG_FILE_BYTES_MAX) {
    const message = `the file is longer than a config file may be (${CONFIG_FILE_BYTES_MAX} characters)`;
    throw new ConfigValidationError([{ file, line: 1, column: 1, path: '(syntax)', message }]);
  }
  const { tokens, issues } = lexSpreadConf(text);
  const reader = new TokenReader(file, tokens);
  for (const issue of issues) {
    if (issue.severity === 'warning') reader.warn(issue.line, issue.message);
    else reader.problems.push({ file, line: issue.line, column: issue.column, path: '(syntax)', message: issue.message });
  }
  const segments: SpreadSegment[] = [];
  const keys: Partial<Record<SpreadConfKey, SpreadSetting<KeyValue>>> = {};
  while (reader.peek().kind !== 'eof') {
    const token = reader.next();
    if (token.kind === 'word' && token.text === SEGMENT_KEYWORD) segments.push(parseSegment(reader, token, segments.length));
    else if (token.kind === 'word' && isKeyName(token.text)) readKey(reader, token, token.text, keys);
    else if (isStringToken(token)) skipUnknownKey(reader, token);
    else reader.error(token, '(top level)', `unexpected ${describeToken(token)}; expected Spread_Segment or a Key = value setting`);
  }
  const conf: SpreadConf = { file, segments, keys: keys as SpreadConfKeys, warnings: [] };
  checkSpreadConf(conf, reader);
  if (reader.problems.length > 0) throw new ConfigValidationError(boundProblems(reader.problems));
  return { ...conf, warnings: boundWarnings(reader.warnings) };
}

function readKey(reader: TokenReader, token: Token, key: SpreadConfKey, keys: Partial<Record<SpreadConfKey, SpreadSetting<KeyValue>>>): void {
  const value = parseKeyValue(reader, key, token);
  if (value === undefined) return;
  const earlier = keys[key];
  if (earlier !== undefined) reader.warn(token.line, `${key} is set again (first on line ${earlier.line}); the last value wins`);
  keys[key] = { value, line: token.line };
  if (!KEY_DEFINITIONS[key].used) reader.warn(token.line, `${key} is a Spread setting that ringlog does not use; ignored`);
}

/**
 * Unknown `Key [= value]`: warn and skip it (Spread itself would refuse to start). A word that
 * looks like a segment (`word addr ... { ... }`) is skipped whole.
 */
function skipUnknownKey(reader: TokenReader, token: Token): void {
  reader.warn(token.line, `unknown key "${token.text.slice(0, 60)}" ignored${unknownKeyHint(token.text)}`);
  if (reader.accept('equals') !== undefined) {
    skipValue(reader, token.text.slice(0, 60));
    return;
  }
  let ahead = 0;
  while (reader.peek(ahead).kind === 'ip' || reader.peek(ahead).kind === 'ip-port') ahead += 1;
  if (ahead === 0 || reader.peek(ahead).kind !== 'open') return;
  for (let index = 0; index < ahead; index += 1) reader.next();
  skipBlock(reader, reader.next(), token.text.slice(0, 60));
}

function unknownKeyHint(text: string): string {
  const lower = text.toLowerCase();
  const sameButCase = [SEGMENT_KEYWORD, ...Object.keys(KEY_DEFINITIONS)].find((keyword) => keyword.toLowerCase() === lower);
  if (sameButCase !== undefined) return ` (keywords are case-sensitive: did you mean ${sameButCase}?)`;
  return text.includes('=') ? ' (if this is "Key=value", put spaces around "=")' : '';
}

function skipValue(reader: TokenReader, path: string): void {
  const value = reader.peek();
  if (value.kind === 'open') {
    reader.next();
    skipBlock(reader, value, path);
  } else if (value.kind !== 'eof' && value.kind !== 'close' && !(value.kind === 'word' && (value.text === SEGMENT_KEYWORD || isKeyName(value.text)))) {
    reader.next();
  }
}
