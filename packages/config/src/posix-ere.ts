/**
 * spreadlogd compiles Match with POSIX extended syntax (regcomp REG_EXTENDED); ringlog matches
 * with JavaScript regular expressions. Most patterns mean the same in both. Bracket expressions
 * differ, and are rewritten: POSIX classes such as `[[:digit:]]` become ranges, a `]` first in
 * the brackets is literal, and a backslash inside brackets is literal.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

/** The JavaScript spelling of a POSIX extended regular expression (unchanged when nothing differs). */
export function posixEreToJavaScript(pattern: string): string {
  let out = '';
  let index = 0;
  while (index < pattern.length) {
    const character = pattern.charAt(index);
    if (character === '\\') {
      out += pattern.slice(index, index + 2);
      index += 2;
    } else if (character === '[') {
      const bracket = translateBracket(pattern, index);
      if (bracket === undefined) return out + pattern.slice(index); // unterminated: let RegExp report it
      out += bracket.text;
      index = bracket.end;
    } else {
      out += character;
      index += 1;
    }
  }
  return out;
}

/** Translates the bracket expression opening at `start`; undefined when it is not closed. */
function translateBracket(pattern: string, start: number): { text: string; end: number } | undefined {
  let index = start + 1;
  let body = '';
  if (pattern.charAt(index) === '^') {
    body += '^';
    index += 1;
  }
  if (pattern.charAt(index) === ']') {
    body += '\\]';
    index += 1;
  }
  while (index < pattern.length && pattern.charAt(index) !== ']') {
    const posixClass = /^\[:([a-z]+):\]/.exec(pattern.slice(index, index + 12));
    const range = posixClass === null ? undefined : POSIX_CLASSES[posixClass[1] ?? ''];
    if (posixClass !== null && range !== undefined) {
      body += range;
      index += posixClass[0].length;
      continue;
    }
    const character = pattern.charAt(index);
    body += character === '\\' || character === '[' ? `\\${character}` : character;
    index += 1;
  }
  if (index >= pattern.length) return undefined;
  return { text: `[${body}]`, end: index + 1 };
}
