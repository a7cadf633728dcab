/**
 * The directory lock: two shippers appending to one spool would interleave records and both
 * delete segments. The lock is a file created with O_EXCL holding the owner's pid. A lock whose
 * pid is dead (kill(pid, 0) answers ESRCH) is stale and taken over. So is one holding our own pid
 * that this process does not hold: in a container the shipper often has the same pid after a
 * restart, and refusing would wedge it forever. Unparsable content is stale too (a crash between
 * create and write leaves an empty file).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpoolLockedError } from '../errors.ts';

export const LOCK_FILE = 'lock';

/** Lock paths held by spools of this process (a second open in-process must be refused too). */
const heldLockPaths = new Set<string>();
const TAKEOVER_ATTEMPTS = 3;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but another user's. Anything but ESRCH is treated as alive, to stay safe.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function readLockPid(lockPath: string): number {
  let text: string;
  try {
    text = readFileSync(lockPath, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const match = /^([0-9]{1,10})\n?$/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

function tryCreateLock(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `dir`; returns its path and whether a stale lock was taken over. Throws
 * SpoolLockedError naming the pid when a live process holds it.
 */
export function acquireSpoolLock(dir: string): { readonly lockPath: string; readonly tookStale: boolean } {
  const lockPath = resolve(join(dir, LOCK_FILE));
  if (heldLockPaths.has(lockPath)) throw new SpoolLockedError(lockPath, process.pid);
  let tookStale = false;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt += 1) {
    if (tryCreateLock(lockPath)) {
      heldLockPaths.add(lockPath);
      return { lockPath, tookStale };
    }
    const pid = readLockPid(lockPath);
    if (pid > 0 && pid !== process.pid && isProcessAlive(pid)) throw new SpoolLockedError(lockPath, pid);
    try {
      unlinkSync(lockPath);
    } catch (error) {
      // Another opener removed it first: retry the exclusive create.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    tookStale = true;
  }
  throw new SpoolLockedError(lockPath, readLockPid(lockPath));
}

/** Releases a lock taken by acquireSpoolLock (a lock file already gone is fine). */
export function releaseSpoolLock(lockPath: string): void {
  heldLockPaths.delete(lockPath);
  try {
    unlinkSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
