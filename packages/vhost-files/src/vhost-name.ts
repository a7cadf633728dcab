/**
 * Whether the first token of an access-log line may name a per-vhost file. The token is
 * attacker-controlled (any client of any web server can send any Host header), so the rule is
 * an allow-list: ASCII letters, digits, '-', '_' and '.', starting with a letter or digit, in
 * non-empty labels of at most 63 characters. Everything else goes to the catch-all file. The
 * catch-all directory starts with '_', so no accepted name can collide with it.
 *
 * When a token breaks several rules, the reported reason is the most alarming one, so the
 * counters show traversal attempts as such: path_separator > dot_segment > control_byte >
 * non_ascii > bad_character > too_long (a label over 63). The total length is checked first,
 * before any scan, so an over-long token costs O(1).
 */
import type { VhostRejectReason } from './types.ts';

/** The longest DNS name; `maxLength` may lower it, never raise it. */
export const VHOST_LENGTH_MAX = 253;
/** The longest DNS label. */
export const VHOST_LABEL_LENGTH_MAX = 63;

// Severities, higher wins. ALLOWED and DOT are character classes resolved in the loop.
const ALLOWED = 0;
const LABEL_TOO_LONG = 1;
const BAD_CHARACTER = 2;
const NON_ASCII = 3;
const CONTROL_BYTE = 4;
const DOT_SEGMENT = 5;
const PATH_SEPARATOR = 6;
const DOT = 7;

const REASONS: readonly (VhostRejectReason | undefined)[] = [undefined, 'too_long', 'bad_character', 'non_ascii', 'control_byte', 'dot_segment', 'path_separator'];

/** Class of each ASCII code, 0x00..0x7f; codes above are NON_ASCII. */
const ASCII_CLASS = buildAsciiClass();

function buildAsciiClass(): Uint8Array {
  const table = new Uint8Array(0x80).fill(BAD_CHARACTER);
  for (let code = 0; code < 0x20; code += 1) table[code] = CONTROL_BYTE;
  table[0x7f] = CONTROL_BYTE;
  for (let code = 0x30; code <= 0x39; code += 1) table[code] = ALLOWED;
  for (let code = 0x41; code <= 0x5a; code += 1) table[code] = ALLOWED;
  for (let code = 0x61; code <= 0x7a; code += 1) table[code] = ALLOWED;
  table[0x2d] = ALLOWED; // '-'
  table[0x5f] = ALLOWED; // '_'
  table[0x2e] = DOT;
  table[0x2f] = PATH_SEPARATOR; // '/'
  table[0x5c] = PATH_SEPARATOR; // '\'
  return table;
}

/**
 * Why `token` (the first field of a line, decoded as latin1, not lowercased) cannot name a vhost,
 * or `undefined` when it can. `maxLength` is the configured cap, an integer in 1..253.
 */
export function classifyVhost(token: string, maxLength: number): VhostRejectReason | undefined {
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > VHOST_LENGTH_MAX) {
    throw new Error(`Bug: vhost maxLength must be an integer in 1..${VHOST_LENGTH_MAX}, got ${maxLength}`);
  }
  const length = token.length;
  if (length === 0) return 'empty';
  if (length > maxLength) return 'too_long';
  let worst = ALLOWED;
  // A dot right at the start counts as following an (empty) label, like one after a dot.
  let afterDot = true;
  let labelLength = 0;
  for (let index = 0; index < length; index += 1) {
    const code = token.charCodeAt(index);
    const kind = code < 0x80 ? (ASCII_CLASS[code] as number) : NON_ASCII;
    if (kind === DOT) {
      if (afterDot && worst < DOT_SEGMENT) worst = DOT_SEGMENT;
      afterDot = true;
      labelLength = 0;
      continue;
    }
    if (kind === PATH_SEPARATOR) return 'path_separator';
    if (kind > worst) worst = kind;
    afterDot = false;
    labelLength += 1;
    if (labelLength > VHOST_LABEL_LENGTH_MAX && worst < LABEL_TOO_LONG) worst = LABEL_TOO_LONG;
  }
  if (afterDot && worst < DOT_SEGMENT) worst = DOT_SEGMENT; // a trailing dot
  // '-' and '_' are allowed inside but not first: "-rf" looks like an option, "_x" like ours.
  const first = token.charCodeAt(0);
  if ((first === 0x2d || first === 0x5f) && worst < BAD_CHARACTER) worst = BAD_CHARACTER;
  return REASONS[worst];
}

/**
 * The file-name form of an accepted vhost: ASCII letters lowercased, nothing else touched
 * (`String.prototype.toLowerCase` would also fold latin1 and Unicode letters, and can change
 * the length: "İ" becomes two characters).
 */
export function normalizeVhost(token: string): string {
  let index = 0;
  while (index < token.length && !isAsciiUpper(token.charCodeAt(index))) index += 1;
  if (index === token.length) return token;
  let out = token.slice(0, index);
  for (; index < token.length; index += 1) {
    const code = token.charCodeAt(index);
    out += isAsciiUpper(code) ? String.fromCharCode(code + 0x20) : token.charAt(index);
  }
  return out;
}

function isAsciiUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}
