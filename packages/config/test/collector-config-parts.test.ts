import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientSpreadName, compileMatchPattern, parseAdminListen, STRFTIME_CONVERSIONS } from '../src/index.ts';
import { posixEreToJavaScript, scanStrftime } from '../src/internal.ts';

describe('collector config parts - strftime', () => {
  it('strftime - the conversion list mirrors packages/vhost-files/src/strftime.ts', () => {
    const source = readFileSync(new URL('../../vhost-files/src/strftime.ts', import.meta.url), 'utf8');
    const mirrored = /export const STRFTIME_CONVERSIONS = '([^']*)'/.exec(source)?.[1];
    expect(mirrored).toBe(STRFTIME_CONVERSIONS);
    expect(STRFTIME_CONVERSIONS).toBe('aAbBdeHIjmMpSyYzZ%');
  });

  it('strftime - counts conversions and reports the first unknown one', () => {
    expect(scanStrftime('%Y-%m-%d %% x')).toEqual({ conversions: 3 });
    expect(scanStrftime('100%%')).toEqual({ conversions: 0 });
    expect(scanStrftime('%Y%D%Q').problem).toMatch(/^"%D" is not a known strftime conversion/);
    expect(scanStrftime('%').problem).toBe('ends with a lone "%" (write "%%" for a percent sign)');
  });
});

describe('collector config parts - POSIX match patterns', () => {
  it('posix ERE - classes, a leading "]" and backslashes inside brackets', () => {
    expect(posixEreToJavaScript('^[[:digit:]]+\\.[[:alpha:]_]*$')).toBe('^[0-9]+\\.[A-Za-z_]*$');
    expect(posixEreToJavaScript('[]a]')).toBe('[\\]a]');
    expect(posixEreToJavaScript('[^]a]')).toBe('[^\\]a]');
    expect(posixEreToJavaScript('[a\\b]')).toBe('[a\\\\b]');
    expect(posixEreToJavaScript('[[:space:][:punct:]]')).toBe('[ \\t\\n\\r\\f\\v!-\\/:-@\\[-`{-~]');
    expect(posixEreToJavaScript('GET (/[a-z]+)+ HTTP/1\\.[01]')).toBe('GET (/[a-z]+)+ HTTP/1\\.[01]');
    expect(posixEreToJavaScript('[abc')).toBe('[abc');
    expect(posixEreToJavaScript('[[:nope:]]')).toBe('[\\[:nope:]]');
  });

  it('posix ERE - translated classes match what POSIX matches', () => {
    const punct = compileMatchPattern(`^${posixEreToJavaScript('[[:punct:]]')}$`);
    const expected = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
    for (let code = 0x20; code < 0x7f; code += 1) {
      const character = String.fromCharCode(code);
      expect(punct.test(character), character).toBe(expected.includes(character));
    }
  });
});

describe('collector config parts - helpers for the collector', () => {
  it('collector config parts - clientSpreadName turns collector.daemon into the client spelling', () => {
    expect(clientSpreadName('embedded')).toBeUndefined();
    expect(clientSpreadName('4803')).toBe('4803');
    expect(clientSpreadName('4803@loghost')).toBe('4803@loghost');
    expect(clientSpreadName('/run/spread.sock')).toBe('unix:/run/spread.sock');
    expect(clientSpreadName('unix:/tmp/4803')).toBe('unix:/tmp/4803');
  });

  it('collector config parts - parseAdminListen gives host and port, nothing for off', () => {
    expect(parseAdminListen('127.0.0.1:9180')).toEqual({ host: '127.0.0.1', port: 9180 });
    expect(parseAdminListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseAdminListen('off')).toBeUndefined();
    expect(parseAdminListen('nonsense')).toBeUndefined();
  });

  it('collector config parts - compileMatchPattern uses no flags', () => {
    expect(compileMatchPattern('^get').test('GET /')).toBe(false);
    expect(compileMatchPattern('a.c').flags).toBe('');
  });
});
