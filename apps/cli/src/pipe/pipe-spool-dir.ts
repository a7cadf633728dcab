/**
 * The pipe helper's spool directory: where it is by default, how its files are named, and
 * which files are leftovers of helpers that are gone.
 *
 * Files are `ringlog-pipe.<pid>.<index>.spool`: the pid of the helper that holds them, and an
 * index that follows the order of their lines in that helper's stream. A helper that picks a
 * leftover up renames it to its own pid (rename is atomic, so two helpers never both take it);
 * if it dies in turn, the next helper finds the file under the new pid.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PipeSpoolFile, type SpoolHeader } from './pipe-spool-file.ts';

/** Created by the package for helpers run by any user; each user gets a subdirectory. */
export const SYSTEM_SPOOL_ROOT = '/var/spool/ringlog-pipe';

const FILE_NAME = /^ringlog-pipe\.([0-9]{1,10})\.([0-9]{1,10})\.spool(\.tmp)?$/;

export interface Leftover {
  readonly path: string;
  readonly pid: number;
  readonly index: number;
  readonly header: SpoolHeader;
}

/** Where to spool without --spool-dir, best first: `/var/spool/ringlog-pipe/<user>` when that root exists, then `$TMPDIR/ringlog-pipe-<user>`. */
export function defaultSpoolDirs(): string[] {
  const user = currentUserName();
  const fallback = join(tmpdir(), `ringlog-pipe-${user}`);
  return existsSync(SYSTEM_SPOOL_ROOT) ? [join(SYSTEM_SPOOL_ROOT, user), fallback] : [fallback];
}

/** Creates the directory (0700) if needed; throws when it cannot be used. */
export function prepareSpoolDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
}

export function spoolFileName(pid: number, index: number): string {
  return `ringlog-pipe.${pid}.${index}.spool`;
}

/** True unless the process is certainly gone (EPERM means it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Spool files of dead helpers written for `group`, oldest first: helpers ordered by their
 * oldest file's creation time, each helper's files by index. Files for other groups are left
 * for a helper of that group; files that are not spool files are never touched. Compaction
 * copies (`.tmp`) of dead helpers are removed: their original is intact.
 *
 * `ownPidIsDead`: at start, files under this helper's own pid belong to an earlier process that
 * had the same pid (pids are reused, quickly so in containers) and are leftovers like any other.
 */
export function findLeftovers(dir: string, ownPid: number, group: string | null, ownPidIsDead: boolean, isAlive: (pid: number) => boolean = isProcessAlive): Leftover[] {
  const found: Leftover[] = [];
  for (const name of readdirSync(dir)) {
    const match = FILE_NAME.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === ownPid ? !ownPidIsDead : isAlive(pid)) continue;
    const path = join(dir, name);
    if (match[3] !== undefined) {
      removeQuietly(path);
      continue;
    }
    const header = readHeaderQuietly(path);
    if (header === null || header.group !== group) continue;
    found.push({ path, pid, index: Number(match[2]), header });
  }
  const oldestByPid = new Map<number, number>();
  for (const leftover of found) oldestByPid.set(leftover.pid, Math.min(oldestByPid.get(leftover.pid) ?? Infinity, leftover.header.createdMs));
  const helperAge = (leftover: Leftover): number => oldestByPid.get(leftover.pid) ?? 0;
  return found.sort((a, b) => helperAge(a) - helperAge(b) || a.pid - b.pid || a.index - b.index);
}

/** The first file index above every file named with `pid` (any group), so new names never collide. */
export function nextFreeIndex(dir: string, pid: number): number {
  let next = 0;
  for (const name of readdirSync(dir)) {
    const match = FILE_NAME.exec(name);
    if (match !== null && Number(match[1]) === pid) next = Math.max(next, Number(match[2]) + 1);
  }
  return next;
}

function readHeaderQuietly(path: string): SpoolHeader | null {
  try {
    return PipeSpoolFile.readHeader(path);
  } catch {
    return null; // vanished, or unreadable: not ours to take
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Another helper cleaned it first.
  }
}

function currentUserName(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_') || String(process.getuid?.() ?? 'user');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
