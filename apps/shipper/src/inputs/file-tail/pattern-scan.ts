/**
 * Expands a path pattern by walking its base directory (no further than the pattern can
 * match): at start, and periodically in case the watcher missed a file or its directory was
 * created late. Directory symlinks are not followed (no loops); file symlinks are returned.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PathPattern } from './path-pattern.ts';

/** Files the walk visits at most per pattern, so a pattern over a huge tree stays bounded. */
const SCAN_ENTRIES_MAX = 100_000;

export interface ScanResult {
  readonly paths: string[];
  /** Directories that could not be listed (missing base directories are not errors). */
  readonly errors: NodeJS.ErrnoException[];
}

export async function scanPattern(pattern: PathPattern): Promise<ScanResult> {
  const result: ScanResult = { paths: [], errors: [] };
  let visited = 0;
  const walk = async (directory: string, level: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') result.errors.push(error as NodeJS.ErrnoException);
      return;
    }
    for (const entry of entries) {
      if (++visited > SCAN_ENTRIES_MAX) return;
      const path = join(directory, entry.name);
      if ((entry.isFile() || entry.isSymbolicLink()) && pattern.matches(path)) result.paths.push(path);
      const deeper = pattern.depth === undefined || level < pattern.depth;
      if (entry.isDirectory() && deeper) await walk(path, level + 1);
    }
  };
  await walk(pattern.baseDirectory, 0);
  return result;
}
