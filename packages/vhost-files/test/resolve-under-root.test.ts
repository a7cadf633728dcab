/**
 * resolveUnderRoot: the last check that a rendered path stays strictly inside its root,
 * including the sibling-prefix trap ("/srv/logs-evil" starts with "/srv/logs").
 */
import path from 'node:path';
import { mulberry32 } from '@ringlog/prng';
import { describe, expect, it } from 'vitest';
import { resolveUnderRoot } from '../src/resolve-under-root.ts';

const ROOT = '/srv/logs';

describe.runIf(path.sep === '/')('resolve-under-root', () => {
  it('resolve-under-root - paths inside the root are resolved and normalized', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['a', '/srv/logs/a'],
      ['a/b.log', '/srv/logs/a/b.log'],
      ['./a', '/srv/logs/a'],
      ['a/./b', '/srv/logs/a/b'],
      ['a//b', '/srv/logs/a/b'],
      ['a/../b', '/srv/logs/b'],
      ['a/b/', '/srv/logs/a/b'],
      ['../logs/a', '/srv/logs/a'],
      ['..a', '/srv/logs/..a'],
      ['...', '/srv/logs/...'],
      ['~root', '/srv/logs/~root'],
      ['a\\..\\..\\b', '/srv/logs/a\\..\\..\\b'], // a backslash is an ordinary character on POSIX
    ];
    for (const [relative, expected] of cases) expect(resolveUnderRoot(ROOT, relative), relative).toBe(expected);
  });

  it('resolve-under-root - escapes, the root itself, absolute paths and NUL are refused', () => {
    const refused = ['', '.', './', '..', '../', '../..', '../x', 'a/../..', 'a/../../x', '../logs-evil/x', '../logs', '/etc/passwd', '/srv/logs/a', 'a\u0000b', '\u0000'];
    for (const relative of refused) expect(resolveUnderRoot(ROOT, relative), JSON.stringify(relative)).toBeUndefined();
  });

  it('resolve-under-root - the root is normalized first', () => {
    for (const root of ['/srv/logs/', '/srv/./logs', '/srv/x/../logs', '//srv//logs']) {
      expect(resolveUnderRoot(root, 'a/b'), root).toBe('/srv/logs/a/b');
      expect(resolveUnderRoot(root, '../logs-evil/x'), root).toBeUndefined();
      expect(resolveUnderRoot(root, '.'), root).toBeUndefined();
    }
  });

  it('resolve-under-root - the filesystem root as root', () => {
    expect(resolveUnderRoot('/', 'etc/x')).toBe('/etc/x');
    expect(resolveUnderRoot('/', '../../etc/x')).toBe('/etc/x');
    expect(resolveUnderRoot('/', '..')).toBeUndefined();
    expect(resolveUnderRoot('/', '.')).toBeUndefined();
  });

  it('resolve-under-root - a relative or NUL root is a bug', () => {
    for (const root of ['', 'srv/logs', './logs', '/srv/\u0000']) expect(() => resolveUnderRoot(root, 'a'), JSON.stringify(root)).toThrow(/^Bug: /);
  });

  it('resolve-under-root - property: agrees with path.relative on random paths (seeded)', () => {
    const pieces = ['a', 'logs', 'logs-evil', '.', '..', '...', '', '/', '/', '/', '\u0000', 'srv'];
    let inside = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const random = mulberry32(seed);
      const relative = Array.from({ length: Math.floor(random() * 9) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const result = resolveUnderRoot(ROOT, relative);
      const label = `seed ${seed}, relative ${JSON.stringify(relative)}`;
      const fromRoot = path.relative(ROOT, path.resolve(ROOT, relative));
      const expectedInside = relative !== '' && !relative.includes('\u0000') && !relative.startsWith('/') && fromRoot !== '' && fromRoot !== '..' && !fromRoot.startsWith(`..${path.sep}`);
      if (!expectedInside) {
        expect(result, label).toBeUndefined();
        continue;
      }
      inside += 1;
      expect(result, label).toBe(path.resolve(ROOT, relative));
      expect(result?.startsWith(`${ROOT}/`), label).toBe(true);
    }
    expect(inside).toBeGreaterThan(300);
  });
});
