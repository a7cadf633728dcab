import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafePathError } from '../src/errors.ts';
import { openLogFile } from '../src/open-log-file.ts';
import { ensureDirectoryUnder, SafeDirectories } from '../src/safe-directory.ts';
import { fileOptions, makeTempDir } from './file-test-helpers.ts';

let base: string;
let cleanup: () => void;
let root: string;
let outside: string;

beforeEach(() => {
  ({ dir: base, cleanup } = makeTempDir('safe-dir'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
});
afterEach(() => cleanup());

describe('safe directory', () => {
  it('safe directory - creates the root with parents and every component below it', async () => {
    const deepRoot = join(base, 'a', 'b', 'logs');
    await ensureDirectoryUnder(deepRoot, join(deepRoot, 'x', 'y', 'z'), 0o750);
    expect(statSync(join(deepRoot, 'x', 'y', 'z')).isDirectory()).toBe(true);
    await ensureDirectoryUnder(deepRoot, join(deepRoot, 'x', 'y', 'z'), 0o750); // idempotent
    await ensureDirectoryUnder(deepRoot, deepRoot, 0o750);
  });

  it('safe directory - applies dirMode despite the umask, only to what it creates', async () => {
    const previous = process.umask(0o077);
    try {
      mkdirSync(join(root, 'existing'), 0o700);
      await ensureDirectoryUnder(join(base, 'new-root'), join(base, 'new-root', 'vhost', 'logs'), 0o750);
      await ensureDirectoryUnder(root, join(root, 'existing', 'child'), 0o750);
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(base, 'new-root')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(base, 'new-root', 'vhost')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(base, 'new-root', 'vhost', 'logs')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(root, 'existing')).mode & 0o7777).toBe(0o700); // not ours to change
    expect(statSync(join(root, 'existing', 'child')).mode & 0o7777).toBe(0o750);
  });

  it('safe directory - a symlink planted as an intermediate directory is refused, nothing created through it', async () => {
    symlinkSync(outside, join(root, 'evil'));
    const error = await ensureDirectoryUnder(root, join(root, 'evil', 'sub', 'deeper'), 0o750).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).code).toBe('RL_VHOST_FILES_UNSAFE_PATH');
    expect((error as UnsafePathError).reason).toBe('symlink');
    expect(readdirSync(outside)).toEqual([]);

    await expect(openLogFile(fileOptions(root, 'evil/sub/x.log'))).rejects.toBeInstanceOf(UnsafePathError);
    await expect(openLogFile(fileOptions(root, 'evil/x.log', { compress: 'none', size: '1K' }))).rejects.toBeInstanceOf(UnsafePathError);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('safe directory - a dangling symlink in the tree is refused too', async () => {
    symlinkSync(join(outside, 'not-yet'), join(root, 'dangling'));
    await expect(ensureDirectoryUnder(root, join(root, 'dangling', 'x'), 0o750)).rejects.toBeInstanceOf(UnsafePathError);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('safe directory - a symlink planted as the log file is refused (append and rotating)', async () => {
    mkdirSync(join(root, 'vhost'));
    const victim = join(outside, 'victim.log');
    writeFileSync(victim, 'original\n');
    symlinkSync(victim, join(root, 'vhost', 'access.log'));
    const append = await openLogFile(fileOptions(root, 'vhost/access.log')).catch((caught: unknown) => caught);
    expect(append).toBeInstanceOf(UnsafePathError);
    expect((append as UnsafePathError).reason).toBe('symlink');
    const rotating = await openLogFile(fileOptions(root, 'vhost/access.log', { compress: 'gzip', size: '1K' })).catch((caught: unknown) => caught);
    expect(rotating).toBeInstanceOf(UnsafePathError);
    expect(readFileSync(victim, 'utf8')).toBe('original\n');
    expect(readdirSync(outside)).toEqual(['victim.log']);
    // A dangling symlink must not create the file it points to.
    symlinkSync(join(outside, 'created.log'), join(root, 'vhost', 'other.log'));
    await expect(openLogFile(fileOptions(root, 'vhost/other.log'))).rejects.toBeInstanceOf(UnsafePathError);
    expect(readdirSync(outside)).toEqual(['victim.log']);
  });

  it('safe directory - a file where a directory belongs is refused', async () => {
    writeFileSync(join(root, 'blocker'), '');
    const error = await ensureDirectoryUnder(root, join(root, 'blocker', 'x'), 0o750).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).reason).toBe('not_directory');
  });

  it('safe directory - a directory outside the root is a bug (assertion)', async () => {
    await expect(ensureDirectoryUnder(root, outside, 0o750)).rejects.toThrow(/not under/);
    await expect(ensureDirectoryUnder(root, join(root, '..', 'outside', 'x'), 0o750)).rejects.toThrow(/not under/);
    await expect(ensureDirectoryUnder(root, 'relative/dir', 0o750)).rejects.toThrow(/absolute/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('safe directory - the cache skips verified directories until forget()', async () => {
    const directories = new SafeDirectories();
    const dir = join(root, 'cached', 'leaf');
    await directories.ensure(root, dir, 0o750);
    expect(directories.size).toBe(1);
    // Swap a verified component for a symlink: the cache does not look again...
    const moved = join(base, 'moved');
    mkdirSync(join(moved, 'leaf'), { recursive: true });
    renameSync(join(root, 'cached'), join(base, 'old-cached'));
    symlinkSync(moved, join(root, 'cached'));
    await directories.ensure(root, dir, 0o750);
    // ...until forgotten (what reopen, and an ENOENT on open, do).
    directories.forget(dir);
    await expect(directories.ensure(root, dir, 0o750)).rejects.toBeInstanceOf(UnsafePathError);
    directories.forget();
    expect(directories.size).toBe(0);
  });

  it('safe directory - the cache is bounded', async () => {
    const directories = new SafeDirectories(3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await directories.ensure(root, join(root, name), 0o750);
    expect(directories.size).toBe(3);
    expect(existsSync(join(root, 'e'))).toBe(true);
  });
});
