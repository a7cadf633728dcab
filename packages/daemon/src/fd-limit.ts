/**
 * The open-file limit decides how many sessions one daemon can hold. Node has no setrlimit,
 * so the daemon asks util-linux `prlimit` to raise its own limit where the OS allows it
 * (root, or up to the hard limit), and reports what it ended up with.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FileLimit {
  readonly soft: number;
  readonly hard: number;
}

export function readFileLimit(): FileLimit | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const parts = line?.split(/\s+/) ?? [];
    const soft = Number(parts[3]);
    const hard = Number(parts[4]);
    return Number.isFinite(soft) && Number.isFinite(hard) ? { soft, hard } : null;
  } catch {
    return null;
  }
}

function readNrOpen(): number {
  try {
    return Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()) || 1_048_576;
  } catch {
    return 1_048_576;
  }
}

/** Tries to raise soft and hard limits to `target` (capped by fs.nr_open); returns the result. */
export function raiseFileLimit(target: number): { readonly before: FileLimit | null; readonly after: FileLimit | null; readonly error: string | null } {
  const before = readFileLimit();
  if (before !== null && before.soft >= target) return { before, after: before, error: null };
  const wanted = Math.min(target, readNrOpen());
  // First ask for the full target; if the OS refuses, settle for soft = the current hard limit.
  let error: string | null = null;
  for (const hard of [wanted, before?.hard ?? wanted]) {
    const soft = Math.min(wanted, hard);
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${soft}:${hard}`], { stdio: 'pipe' });
      break;
    } catch (cause) {
      error ??= firstLine(cause);
    }
  }
  const after = readFileLimit();
  return { before, after, error: after !== null && after.soft >= wanted ? null : error };
}

function firstLine(cause: unknown): string {
  const error = cause as { stderr?: Buffer; message?: string };
  const text = error.stderr?.toString().trim() || error.message || 'prlimit failed';
  return text.split('\n')[0] as string;
}
