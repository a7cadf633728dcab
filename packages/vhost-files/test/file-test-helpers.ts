/** Shared fixtures of the output-file tests: temp directories, a seeded PRNG, fd counting. */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileOpenOptions, RotateOptions } from '../src/types.ts';

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `ringlog-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fileOptions(root: string, relativePath: string, rotate?: RotateOptions): FileOpenOptions {
  const options: FileOpenOptions = { path: join(root, relativePath), root, fileMode: 0o640, dirMode: 0o750 };
  return rotate === undefined ? options : { ...options, rotate };
}

/** mulberry32: small, fast, good enough to pick test steps from a printed seed. */
export { mulberry32 as seededRandom } from '@ringlog/prng';

export function openDescriptorCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Paths our process holds open (as the kernel names them, " (deleted)" included). */
export function openDescriptorTargets(): string[] {
  const targets: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed between readdir and readlink (the readdir's own descriptor, for one)
    }
  }
  return targets;
}

export function line(prefix: string, index: number): string {
  return `${prefix} ${String(index).padStart(6, '0')}\n`;
}
