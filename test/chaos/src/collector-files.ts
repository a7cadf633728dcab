/** A collector's output tree: every file under its split root, by path relative to the root. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Relative paths of the regular files under `root`, sorted; [] when it does not exist. */
export function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else found.push(child);
    }
  };
  walk('');
  return found.sort();
}

/** Every file's bytes, by relative path. */
export function readTree(root: string): Map<string, Buffer> {
  return new Map(listFiles(root).map((file) => [file, readFileSync(path.join(root, file))]));
}
