/**
 * Path templates: rendering at fixed local dates (expected strings come from the Date getters,
 * so any machine time zone works), the time key, encoding of hostile group and log names, the
 * vhost assertion, and every kind of bad template.
 */
import path from 'node:path';
import { mulberry32 } from '@ringlog/prng';
import { describe, expect, it } from 'vitest';
import { StrftimeError, VhostFilesError } from '../src/errors.ts';
import { PathTemplateError } from '../src/errors.ts';
import { compilePathTemplate, encodePathValue, type PathFields } from '../src/path-template.ts';
import { resolveUnderRoot } from '../src/resolve-under-root.ts';

const pad2 = (value: number): string => String(value).padStart(2, '0');
const FIELDS: PathFields = { vhost: 'www.example.com', group: 'web', log: 'access' };
/** Local 2024-03-05 07:08:09. */
const MORNING = new Date(2024, 2, 5, 7, 8, 9);

/** Inverse of encodePathValue, to show it loses nothing. */
function decodePathValue(encoded: string): string {
  if (encoded === '%') return '';
  return encoded.replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, unit: string | undefined, byte: string | undefined) => String.fromCharCode(parseInt(unit ?? byte ?? '', 16)));
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('path-template', () => {
  it('path-template - renders every field and conversion', () => {
    const template = compilePathTemplate('%Y/%m/%d/{vhost}/{group}-{log}.%H%M%S.log');
    expect(template.render(FIELDS, MORNING)).toBe('2024/03/05/www.example.com/web-access.070809.log');
    const later = new Date(2025, 11, 31, 23, 59, 58);
    expect(template.render(FIELDS, later)).toBe('2025/12/31/www.example.com/web-access.235958.log');
    expect(template.render(FIELDS, MORNING)).toBe('2024/03/05/www.example.com/web-access.070809.log');
  });

  it('path-template - conversions built from the Date getters, at many dates', () => {
    const template = compilePathTemplate('logs-%Y%%/%j/{vhost}-%H.%M');
    for (let day = 0; day < 400; day += 37) {
      const date = new Date(2023, 0, 1 + day, day % 24, (day * 7) % 60);
      const dayOfYear = String(Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(date.getFullYear(), 0, 1)) / 86_400_000) + 1).padStart(3, '0');
      const expected = `logs-${date.getFullYear()}%/${dayOfYear}/a.example-${pad2(date.getHours())}.${pad2(date.getMinutes())}`;
      expect(template.render({ ...FIELDS, vhost: 'a.example' }, date), date.toString()).toBe(expected);
    }
  });

  it('path-template - reports which fields and whether time are used', () => {
    const full = compilePathTemplate('%Y/{vhost}/{group}/{log}');
    expect([full.source, full.usesTime, full.usesVhost, full.usesGroup, full.usesLog]).toEqual(['%Y/{vhost}/{group}/{log}', true, true, true, true]);
    const plain = compilePathTemplate('_catchall/{group}%%.log');
    expect([plain.usesTime, plain.usesVhost, plain.usesGroup, plain.usesLog]).toEqual([false, false, true, false]);
    expect(plain.render({ vhost: '', group: 'web', log: 'x' }, MORNING)).toBe('_catchall/web%.log');
  });

  it('path-template - a template without {vhost} ignores the vhost value', () => {
    const catchAll = compilePathTemplate('_catchall/{log}.log');
    for (const vhost of ['', '../..', '/etc', '\u0000']) expect(catchAll.render({ vhost, group: 'g', log: 'access' }, MORNING)).toBe('_catchall/access.log');
  });

  it('path-template - timeKey changes exactly when the hour changes for a %H template', () => {
    const template = compilePathTemplate('{vhost}/access-%H.log');
    let previous: Date | undefined;
    let previousKey = '';
    let changes = 0;
    for (let minute = 0; minute < 50 * 60; minute += 7) {
      const date = new Date(2024, 2, 30, 0, minute, minute % 60);
      const key = template.timeKey(date);
      if (previous !== undefined) {
        const hourChanged = date.getHours() !== previous.getHours();
        expect(key !== previousKey, date.toString()).toBe(hourChanged);
        if (hourChanged) changes += 1;
      }
      expect(template.render(FIELDS, date)).toBe(`www.example.com/access-${pad2(date.getHours())}.log`);
      previous = date;
      previousKey = key;
    }
    expect(changes).toBeGreaterThanOrEqual(45);
  });

  it('path-template - timeKey is the same within a second and exact across slots', () => {
    const template = compilePathTemplate('%Y-%m-%d/{vhost}');
    const base = new Date(2024, 5, 1, 12, 0, 0, 0);
    expect(template.timeKey(new Date(base.getTime() + 999))).toBe(template.timeKey(base));
    expect(template.timeKey(new Date(2024, 5, 2))).not.toBe(template.timeKey(base));
    expect(template.timeKey(new Date(2024, 5, 1, 23, 59, 59))).toBe(template.timeKey(base));
    const adjacent = compilePathTemplate('%m%d/{vhost}');
    expect(adjacent.timeKey(new Date(2024, 0, 12))).not.toBe(adjacent.timeKey(new Date(2024, 10, 2)));
    expect(adjacent.timeKey(new Date(2024, 0, 12, 5))).toBe(adjacent.timeKey(new Date(2025, 0, 12, 9)));
  });

  it('path-template - timeKey is empty and constant without conversions', () => {
    const template = compilePathTemplate('{vhost}/access%%.log');
    for (const date of [MORNING, new Date(0), new Date(2030, 1, 1)]) expect(template.timeKey(date)).toBe('');
    expect(template.usesTime).toBe(false);
  });

  it('path-template - an invalid Date is a bug', () => {
    expect(() => compilePathTemplate('%Y/{vhost}').render(FIELDS, new Date(Number.NaN))).toThrow(/^Bug: /);
  });

  it('path-template - hostile group and log names are encoded', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['web', 'web'],
      ['../../etc', '%2E.%2F..%2Fetc'],
      ['..', '%2E.'],
      ['.', '%2E'],
      ['.hidden', '%2Ehidden'],
      ['a.b', 'a.b'],
      ['', '%'],
      ['%', '%25'],
      ['%2F', '%252F'],
      ['a b', 'a%20b'],
      ['#priv#host', '%23priv%23host'],
      ['a/b\\c', 'a%2Fb%5Cc'],
      ['nul\u0000', 'nul%00'],
      ['caf\u00e9', 'caf%E9'],
      ['\u2215', '%u2215'],
      ['\ud83d\ude00', '%uD83D%uDE00'],
      ['~$*?:', '%7E%24%2A%3F%3A'],
    ];
    const template = compilePathTemplate('{vhost}/{group}/{log}.log');
    for (const [value, encoded] of cases) {
      expect(encodePathValue(value), JSON.stringify(value)).toBe(encoded);
      expect(template.render({ vhost: 'h', group: value, log: value }, MORNING)).toBe(`h/${encoded}/${encoded}.log`);
    }
  });

  it('path-template - property: encoded values are safe, reversible and one segment (seeded)', () => {
    const alphabet = ['a', 'Z', '0', '.', '-', '_', '%', '/', '\\', '\u0000', ' ', '\u00e9', '\u2215', '\ud800', 'u', 'F'];
    const template = compilePathTemplate('{vhost}/{group}/{log}.log');
    const root = '/srv/split';
    for (let seed = 1; seed <= 2000; seed += 1) {
      const random = mulberry32(seed);
      const value = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const encoded = encodePathValue(value);
      const label = `seed ${seed}, value ${JSON.stringify(value)}`;
      expect(encoded, label).toMatch(/^(?!\.)[A-Za-z0-9._%-]+$/);
      expect(decodePathValue(encoded), label).toBe(value);
      const relative = template.render({ vhost: 'h', group: value, log: value }, MORNING);
      const absolute = resolveUnderRoot(root, relative);
      expect(absolute && path.relative(root, absolute).split(path.sep), label).toEqual(['h', encoded, `${encoded}.log`]);
    }
  });

  it('path-template - a vhost that did not pass classifyVhost is a bug', () => {
    const template = compilePathTemplate('{vhost}/access.log');
    for (const vhost of ['', '.', '..', '.hidden', '../x', '/', 'a/b', 'a\\b', 'a\u0000b']) {
      expect(() => template.render({ ...FIELDS, vhost }, MORNING), JSON.stringify(vhost)).toThrow(/^Bug: /);
    }
  });

  it('path-template - bad templates are refused with the code', () => {
    const bad = [
      '',
      '{host}/access.log',
      '{}/access.log',
      '{VHOST}',
      '{ vhost }',
      '{vhost',
      'vhost}',
      '{vhost}}',
      '}{vhost}',
      '{vhost}/{',
      '{a{vhost}',
      '/var/log/{vhost}',
      '/',
      '../{vhost}',
      '{vhost}/..',
      'a/../{vhost}',
      './{vhost}',
      '{vhost}/.',
      '{vhost}//access.log',
      '{vhost}/',
      'a\u0000b/{vhost}',
      'a\\b/{vhost}',
      '..\\{vhost}',
    ];
    for (const source of bad) {
      const error = thrown(() => compilePathTemplate(source));
      expect(error, JSON.stringify(source)).toBeInstanceOf(PathTemplateError);
      expect(error, JSON.stringify(source)).toBeInstanceOf(VhostFilesError);
      expect((error as PathTemplateError).code, JSON.stringify(source)).toBe('RL_VHOST_FILES_BAD_PATH_TEMPLATE');
      expect((error as PathTemplateError).template).toBe(source);
    }
  });

  it('path-template - bad strftime conversions are refused with the strftime code', () => {
    for (const source of ['%Q/{vhost}', '{vhost}/access.log%', '%{vhost}/x', '{vhost}/%/x']) {
      const error = thrown(() => compilePathTemplate(source));
      expect(error, source).toBeInstanceOf(StrftimeError);
      expect((error as StrftimeError).code).toBe('RL_VHOST_FILES_BAD_STRFTIME');
      expect((error as StrftimeError).pattern).toBe(source);
    }
  });

  it('path-template - dots that are not whole segments are allowed', () => {
    const template = compilePathTemplate('..{vhost}/.{log}/.../x..y');
    expect(template.render(FIELDS, MORNING)).toBe('..www.example.com/.access/.../x..y');
    expect(compilePathTemplate('%%{vhost}').render(FIELDS, MORNING)).toBe('%www.example.com');
  });
});
