/** Top-level `Key = value` settings of spread.conf (config_parse.y ParamStruct). */
import type { Token } from './spread-conf-lexer.ts';
import { describeToken, isStringToken, TokenReader } from './spread-conf-reader.ts';
import { skipBlock } from './spread-conf-segment.ts';
import { SPREAD_DEBUG_FLAGS, SPREAD_PRIORITIES } from './spread-conf-types.ts';
import type { SpreadConfKey, SpreadDebugFlag, SpreadPriority } from './spread-conf-types.ts';
import { isKeyName, KEY_DEFINITIONS, KeyValueKind, SEGMENT_KEYWORD } from './spread-conf-words.ts';

export type KeyValue = string | number | boolean | null | readonly string[];

/** A failed value: the problem is already recorded. */
const INVALID = Symbol('invalid');
type Parsed = KeyValue | typeof INVALID;

/** Parses the value of a known key whose name token has been consumed; undefined if invalid. */
export function parseKeyValue(reader: TokenReader, key: SpreadConfKey, keyToken: Token): KeyValue | undefined {
  const kind = KEY_DEFINITIONS[key].kind;
  if (kind === KeyValueKind.BARE) return true;
  if (kind === KeyValueKind.TIMESTAMP && reader.peek().kind !== 'equals') return null;
  if (reader.accept('equals') === undefined) {
    const next = reader.peek();
    const glued = keyToken.text.includes('=') || next.text.startsWith('=') ? ' (put spaces around "=")' : '';
    reader.error(next, key, `expected "=" after ${key}, got ${describeToken(next)}${glued}`);
    return undefined;
  }
  const value = parseValueOfKind(reader, key, kind);
  return value === INVALID ? undefined : value;
}

function parseValueOfKind(reader: TokenReader, key: SpreadConfKey, kind: KeyValueKind): Parsed {
  switch (kind) {
    case KeyValueKind.STRING:
    case KeyValueKind.TIMESTAMP:
      return expectString(reader, key);
    case KeyValueKind.AUTH_LIST: {
      const text = expectString(reader, key);
      return text === INVALID ? INVALID : String(text).split(' ').filter((method) => method !== '');
    }
    case KeyValueKind.NUMBER:
      return expectNumber(reader, key);
    case KeyValueKind.BOOLEAN:
      return expectWord(reader, key, /^(true|yes|false|no)$/i, 'true, yes, false or no', (text) => /^(true|yes)$/i.test(text));
    case KeyValueKind.TRI_STATE:
      return expectWord(reader, key, /^(on|off|auto)$/i, 'ON, OFF or AUTO', (text) => text.toUpperCase());
    case KeyValueKind.PRIORITY:
      return expectWord(reader, key, new RegExp(`^(${SPREAD_PRIORITIES.join('|')})$`), SPREAD_PRIORITIES.join(', '), (text) => text as SpreadPriority);
    case KeyValueKind.IP_VERSION:
      return expectWord(reader, key, /^IPv[46]$/, 'IPv4 or IPv6', (text) => text);
    case KeyValueKind.DEBUG_FLAGS:
      return parseDebugFlags(reader, key);
    case KeyValueKind.BARE:
      return true;
  }
}

function expectString(reader: TokenReader, key: string): Parsed {
  const token = reader.peek();
  if (isStringToken(token)) return reader.next().text;
  reader.error(token, key, `${key} needs a string value (bare or quoted), got ${describeToken(token)}`);
  consumeValueToken(reader, key);
  return INVALID;
}

function expectNumber(reader: TokenReader, key: string): Parsed {
  const token = reader.peek();
  if (token.kind === 'number') return Number(reader.next().text);
  const tooLong = token.kind === 'word' && /^[0-9]+$/.test(token.text);
  reader.error(token, key, tooLong ? `${key}: number has more than 9 digits` : `${key} needs a number, got ${describeToken(token)}`);
  consumeValueToken(reader, key);
  return INVALID;
}

function expectWord(reader: TokenReader, key: string, pattern: RegExp, expected: string, convert: (text: string) => KeyValue): Parsed {
  const token = reader.peek();
  if (token.kind === 'word' && pattern.test(token.text)) return convert(reader.next().text);
  reader.error(token, key, `${key} must be ${expected}, got ${describeToken(token)}`);
  consumeValueToken(reader, key);
  return INVALID;
}

/** After a bad value, skip it if it looks like one, so the next key is read normally. */
function consumeValueToken(reader: TokenReader, key: string): void {
  const token = reader.peek();
  if (token.kind === 'open') {
    reader.next();
    skipBlock(reader, token, key);
  } else if (token.kind === 'quoted' || token.kind === 'number' || token.kind === 'ip' || token.kind === 'ip-port' || isStringToken(token)) {
    reader.next();
  }
}

/** `{ FLAG !FLAG ... }`, applied in order from an empty set; ALL sets every flag, NONE none. */
function parseDebugFlags(reader: TokenReader, key: string): Parsed {
  if (reader.accept('open') === undefined) {
    reader.error(reader.peek(), key, `DebugFlags needs a "{ ... }" list, got ${describeToken(reader.peek())}`);
    consumeValueToken(reader, key);
    return INVALID;
  }
  const flags = new Set<SpreadDebugFlag>();
  let valid = true;
  for (;;) {
    if (reader.accept('close') !== undefined) break;
    const negated = reader.accept('bang') !== undefined;
    const token = reader.peek();
    if (token.kind === 'eof' || (token.kind === 'word' && (token.text === SEGMENT_KEYWORD || isKeyName(token.text)))) {
      reader.error(token, key, `the DebugFlags list is not closed with "}" before ${describeToken(token)}`);
      return INVALID;
    }
    reader.next();
    const named = token.text === 'ALL' ? [...SPREAD_DEBUG_FLAGS] : token.text === 'NONE' ? [] : SPREAD_DEBUG_FLAGS.filter((flag) => flag === token.text);
    if (token.kind !== 'word' || (named.length === 0 && token.text !== 'NONE')) {
      reader.error(token, key, `unknown DebugFlags flag ${describeToken(token)}`);
      valid = false;
      continue;
    }
    for (const flag of named) {
      if (negated) flags.delete(flag);
      else flags.add(flag);
    }
  }
  return valid ? SPREAD_DEBUG_FLAGS.filter((flag) => flags.has(flag)) : INVALID;
}
