/**
 * vhost names: a corpus of hostile first tokens, each with the reason it is counted under, the
 * names that must pass, and a seeded property test tying classifyVhost, the path template and
 * resolveUnderRoot together: an accepted name always lands in its own directory under the root.
 */
import path from 'node:path';
import { mulberry32 } from '@ringlog/prng';
import { describe, expect, it } from 'vitest';
import { compilePathTemplate } from '../src/path-template.ts';
import { resolveUnderRoot } from '../src/resolve-under-root.ts';
import type { VhostRejectReason } from '../src/types.ts';
import { classifyVhost, normalizeVhost, VHOST_LABEL_LENGTH_MAX, VHOST_LENGTH_MAX } from '../src/vhost-name.ts';

const MAX = VHOST_LENGTH_MAX;

/** A string as the collector sees it after reading UTF-8 bytes one char per byte. */
const latin1OfUtf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** `count` labels of `labelLength` letters joined by dots. */
const labels = (count: number, labelLength: number): string => Array.from({ length: count }, () => 'a'.repeat(labelLength)).join('.');

const HOSTILE: readonly (readonly [string, VhostRejectReason])[] = [
  ['', 'empty'],
  ['../../etc/x', 'path_separator'],
  ['/etc/passwd', 'path_separator'],
  ['a/b', 'path_separator'],
  ['a\\b', 'path_separator'],
  ['..\\..\\windows', 'path_separator'],
  ['/', 'path_separator'],
  ['\u00e9/\u0000', 'path_separator'],
  ['..', 'dot_segment'],
  ['.', 'dot_segment'],
  ['...', 'dot_segment'],
  ['.hidden', 'dot_segment'],
  ['a..b', 'dot_segment'],
  ['example.com.', 'dot_segment'],
  ['.\u0000', 'dot_segment'],
  ['a\u0000b', 'control_byte'],
  ['\u0000', 'control_byte'],
  ['\u0001', 'control_byte'],
  ['\u007f', 'control_byte'],
  ['a\tb', 'control_byte'],
  ['example.com\r', 'control_byte'],
  ['example.com\n', 'control_byte'],
  ['\u001b[31mred', 'control_byte'],
  ['\u00e9\u0000', 'control_byte'],
  ['caf\u00e9.example', 'non_ascii'],
  ['\u0085', 'non_ascii'],
  ['\u00ff', 'non_ascii'],
  ['\u00e9:', 'non_ascii'],
  ['%2e%2e', 'bad_character'],
  ['%2f', 'bad_character'],
  ['-rf', 'bad_character'],
  ['_catchall', 'bad_character'],
  ['~root', 'bad_character'],
  ['$(reboot)', 'bad_character'],
  ['`id`', 'bad_character'],
  ['*', 'bad_character'],
  ['host:8080', 'bad_character'],
  ['[::1]', 'bad_character'],
  ['user@example.com', 'bad_character'],
  ['a;rm', 'bad_character'],
  ['{vhost}', 'bad_character'],
  ['a'.repeat(MAX + 1), 'too_long'],
  [`${labels(3, 63)}.${'b'.repeat(62)}`, 'too_long'], // 254 characters, every label legal
  ['a'.repeat(VHOST_LABEL_LENGTH_MAX + 1), 'too_long'],
  [`www.${'a'.repeat(VHOST_LABEL_LENGTH_MAX + 1)}.com`, 'too_long'],
  [`/${'a'.repeat(MAX)}`, 'too_long'], // length is checked before any character
];

/** Characters that change meaning under Unicode rules; each must be refused in either form. */
const UNICODE_TRICKS: readonly (readonly [string, string])[] = [
  ['fullwidth solidus', 'evil\uff0fetc'],
  ['division slash', 'evil\u2215etc'],
  ['one-dot leader', 'evil\u2024\u2024'],
  ['right-to-left override', 'moc.elpmaxe\u202e'],
  ['zero-width space', 'exam\u200bple.com'],
  ['combining dot above', 'example.com\u0307'],
  ['Cyrillic a homoglyph', 'ex\u0430mple.com'],
  ['Turkish dotted capital I', '\u0130stanbul.example'],
  ['fi ligature', '\ufb01le.example'],
  ['byte order mark', '\ufeffexample.com'],
  ['non-breaking space', 'example\u00a0com'],
];

const ACCEPTED: readonly (readonly [string, string])[] = [
  ['example.com', 'example.com'],
  ['WWW.Example.COM', 'www.example.com'],
  ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ['a', 'a'],
  ['Z', 'z'],
  ['1.2.3.4', '1.2.3.4'],
  ['my_host-1.example.org', 'my_host-1.example.org'],
  ['a-.b_', 'a-.b_'],
  ['localhost', 'localhost'],
  [labels(1, VHOST_LABEL_LENGTH_MAX), labels(1, VHOST_LABEL_LENGTH_MAX)],
  [`${labels(3, 63)}.${'B'.repeat(61)}`, `${labels(3, 63)}.${'b'.repeat(61)}`], // 253 characters
];

describe('vhost-name', () => {
  it('vhost-name - every hostile token is refused with its reason', () => {
    for (const [token, reason] of HOSTILE) expect(classifyVhost(token, MAX), JSON.stringify(token)).toBe(reason);
  });

  it('vhost-name - unicode tricks are refused as raw strings and as latin1-decoded UTF-8', () => {
    for (const [label, token] of UNICODE_TRICKS) {
      expect(classifyVhost(token, MAX), `${label} (raw)`).toBe('non_ascii');
      expect(classifyVhost(latin1OfUtf8(token), MAX), `${label} (latin1 of UTF-8)`).toBe('non_ascii');
      expect([...latin1OfUtf8(token)].every((char) => char.charCodeAt(0) <= 0xff), label).toBe(true);
    }
  });

  it('vhost-name - plausible names are accepted and lowercased', () => {
    for (const [token, normalized] of ACCEPTED) {
      expect(classifyVhost(token, MAX), token).toBeUndefined();
      expect(normalizeVhost(token), token).toBe(normalized);
    }
  });

  it('vhost-name - maxLength lowers the cap', () => {
    expect(classifyVhost('abcdefghij', 10)).toBeUndefined();
    expect(classifyVhost('abcdefghijk', 10)).toBe('too_long');
    expect(classifyVhost('a', 1)).toBeUndefined();
  });

  it('vhost-name - a maxLength outside 1..253 is a bug', () => {
    for (const maxLength of [0, -1, 254, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => classifyVhost('a', maxLength), String(maxLength)).toThrow(/^Bug: /);
    }
  });

  it('vhost-name - every single character, alone and in the middle of a name', () => {
    for (let code = 0; code <= 0xff; code += 1) {
      const char = String.fromCharCode(code);
      const alone = classifyVhost(char, MAX);
      const middle = classifyVhost(`a${char}b`, MAX);
      const label = `0x${code.toString(16)}`;
      if (/[A-Za-z0-9]/.test(char)) expect([alone, middle], label).toEqual([undefined, undefined]);
      else if (char === '-' || char === '_') expect([alone, middle], label).toEqual(['bad_character', undefined]);
      else if (char === '.') expect([alone, middle], label).toEqual(['dot_segment', undefined]);
      else expect(alone, label).toBe(middle);
      if (char === '/' || char === '\\') expect(middle, label).toBe('path_separator');
      else if (code < 0x20 || code === 0x7f) expect(middle, label).toBe('control_byte');
      else if (code > 0x7f) expect(middle, label).toBe('non_ascii');
      else if (!/[A-Za-z0-9._-]/.test(char)) expect(middle, label).toBe('bad_character');
    }
  });

  it('vhost-name - normalizeVhost folds ASCII only and keeps the length', () => {
    expect(normalizeVhost('\u0130X')).toBe('\u0130x');
    expect(normalizeVhost('\u00c9A')).toBe('\u00c9a');
    expect(normalizeVhost('K\u212a')).toBe('k\u212a'); // Kelvin sign: toLowerCase would give 'k'
    expect(normalizeVhost('already.lower')).toBe('already.lower');
    expect(normalizeVhost('')).toBe('');
    expect(normalizeVhost('@[`{')).toBe('@[`{'); // neighbours of A-Z and a-z are untouched
  });

  it('vhost-name - property: accepted names stay one directory under the root (seeded)', () => {
    const root = '/srv/ringlog/split';
    const template = compilePathTemplate('{vhost}/access.log');
    const date = new Date(2024, 0, 1);
    let accepted = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const random = mulberry32(seed);
      const token = seed % 2 === 0 ? randomBytes(random) : hostLike(random);
      try {
        accepted += checkProperty(token, root, template, date) ? 1 : 0;
      } catch (error) {
        throw new Error(`seed ${seed}, token ${JSON.stringify(token)}: ${String(error)}`, { cause: error });
      }
    }
    expect(accepted).toBeGreaterThan(500); // the generators reach both outcomes
    expect(accepted).toBeLessThan(2500);
  });
});

/** Returns whether `token` was accepted; throws when a property does not hold. */
function checkProperty(token: string, root: string, template: ReturnType<typeof compilePathTemplate>, date: Date): boolean {
  const reason = classifyVhost(token, MAX);
  expect(reason === undefined, 'oracle agrees').toBe(oracleAccepts(token));
  if (/[^A-Za-z0-9._-]/.test(token) || token.length > MAX) expect(reason).toBeDefined();
  if (token.length <= MAX && /[/\\]/.test(token)) expect(reason).toBe('path_separator');
  if (reason !== undefined) return false;
  const name = normalizeVhost(token);
  expect(name.length).toBe(token.length);
  const relative = template.render({ vhost: name, group: 'web', log: 'access' }, date);
  expect(relative.split('/')).toEqual([name, 'access.log']);
  const absolute = resolveUnderRoot(root, relative);
  expect(absolute).toBeDefined();
  expect(absolute?.startsWith(root + path.sep)).toBe(true);
  expect(path.relative(root, absolute as string).split(path.sep)).toEqual([name, 'access.log']);
  return true;
}

/** The rule restated as a regex, independent of the charCode loop. */
function oracleAccepts(token: string): boolean {
  if (token.length === 0 || token.length > MAX) return false;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/.test(token)) return false;
  return token.split('.').every((label) => label.length <= VHOST_LABEL_LENGTH_MAX);
}

/** Random bytes, decoded as latin1 as the collector does, biased towards name characters and separators. */
function randomBytes(random: () => number): string {
  const length = random() < 0.9 ? Math.floor(random() * 24) : Math.floor(random() * 300);
  const bytes = Buffer.alloc(length);
  const favourites = Buffer.from('aZ09.-_/\\.%~:', 'latin1');
  for (let index = 0; index < length; index += 1) {
    bytes[index] = random() < 0.7 ? (favourites[Math.floor(random() * favourites.length)] as number) : Math.floor(random() * 256);
  }
  return bytes.toString('latin1');
}

/** A host-like name with an occasional mutation, so acceptance is common but not certain. */
function hostLike(random: () => number): string {
  const alphabet = 'abcxyzABCXYZ0189-_';
  const count = 1 + Math.floor(random() * 4);
  const parts: string[] = [];
  for (let label = 0; label < count; label += 1) {
    const length = 1 + Math.floor(random() * (random() < 0.05 ? 70 : 12));
    let text = '';
    for (let index = 0; index < length; index += 1) text += alphabet.charAt(Math.floor(random() * alphabet.length));
    parts.push(text);
  }
  let name = parts.join('.');
  if (random() < 0.2) {
    const at = Math.floor(random() * (name.length + 1));
    name = name.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + name.slice(at);
  }
  return name;
}
