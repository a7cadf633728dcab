/**
 * Creates the directories between the output root and a log file without ever following a
 * symlink planted inside the root.
 *
 * The root is operator-configured: it is created with its parents and may itself be a symlink.
 * Below it, each component is created on its own (`mkdir`, EEXIST ignored) and then `lstat`ed:
 * it must be a real directory. Components are handled top-down, so a symlink at any level is
 * found before anything is created through it.
 *
 * Limit: this is check-then-use (Node has no `mkdirat`/`openat`). It stops links that exist
 * before we look, which is the threat when vhost names come from the network; an attacker who can
 * race us inside the log tree already has write access to it.
 */
import assert from 'node:assert';
import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UnsafePathError } from './errors.ts';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Creates `root` if missing (with parents), then every directory from it down to `dir`. */
export async function ensureDirectoryUnder(root: string, dir: string, dirMode: number): Promise<void> {
  assert.ok(isAbsolute(root), `root must be absolute: ${root}`);
  assert.ok(isAbsolute(dir), `dir must be absolute: ${dir}`);
  const rootPath = resolve(root);
  const rest = relative(rootPath, resolve(dir));
  assert.ok(rest === '' || (!isAbsolute(rest) && rest !== '..' && !rest.startsWith(`..${sep}`)), `${dir} is not under ${root}`);

  await ensureRoot(rootPath, dirMode);
  let current = rootPath;
  for (const component of rest === '' ? [] : rest.split(sep)) {
    current = join(current, component);
    await ensureComponent(current, dirMode);
  }
}

async function ensureRoot(rootPath: string, dirMode: number): Promise<void> {
  const firstCreated = await mkdir(rootPath, { recursive: true, mode: dirMode });
  if (firstCreated !== undefined) {
    // Apply the mode despite the umask, to what we created only: from the first new one down.
    let current = firstCreated;
    await chmod(current, dirMode);
    for (const component of relative(firstCreated, rootPath).split(sep).filter((part) => part !== '')) {
      current = join(current, component);
      await chmod(current, dirMode);
    }
  }
  // The root may be a symlink to a directory (operator's choice), so `stat`, not `lstat`.
  if (!(await stat(rootPath)).isDirectory()) throw new UnsafePathError(rootPath, 'not_directory');
}

async function ensureComponent(path: string, dirMode: number): Promise<void> {
  let created = true;
  try {
    await mkdir(path, dirMode);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    created = false;
  }
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) throw new UnsafePathError(path, 'symlink');
  if (!stats.isDirectory()) throw new UnsafePathError(path, 'not_directory');
  if (created) await chmod(path, dirMode);
}

/**
 * Directories already verified, so the open path of a hot cache does not `lstat` every component
 * each time. Bounded: when full, the oldest entry is forgotten. Call `forget()` on reopen (an
 * operator may have moved things) and `forget(dir)` when a file open in `dir` says ENOENT.
 */
export class SafeDirectories {
  readonly #verified = new Set<string>();
  readonly #entriesMax: number;

  constructor(entriesMax = 4096) {
    assert.ok(Number.isInteger(entriesMax) && entriesMax > 0, 'entriesMax must be a positive integer');
    this.#entriesMax = entriesMax;
  }

  /** `ensureDirectoryUnder`, skipped when this root/dir pair was verified since the last forget. */
  async ensure(root: string, dir: string, dirMode: number): Promise<void> {
    const key = `${root}\0${dir}`;
    if (this.#verified.has(key)) return;
    await ensureDirectoryUnder(root, dir, dirMode);
    if (this.#verified.size >= this.#entriesMax) {
      const oldest = this.#verified.values().next();
      if (oldest.done !== true) this.#verified.delete(oldest.value);
    }
    this.#verified.add(key);
  }

  /** Forgets one directory (every root it was verified under), or everything. */
  forget(dir?: string): void {
    if (dir === undefined) {
      this.#verified.clear();
      return;
    }
    for (const key of this.#verified) {
      if (key.endsWith(`\0${dir}`)) this.#verified.delete(key);
    }
  }

  get size(): number {
    return this.#verified.size;
  }
}
