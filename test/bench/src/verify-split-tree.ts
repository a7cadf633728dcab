/** Checks a split output tree: one `<vhost>/access.log` per vhost holding exactly its lines, nothing else. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SplitTreeCheck = { readonly ok: true; readonly lines: number; readonly files: number } | { readonly ok: false; readonly problem: string };

function countNewlines(buffer: Buffer): number {
  let count = 0;
  let index = buffer.indexOf(0x0a);
  while (index !== -1) {
    count++;
    index = buffer.indexOf(0x0a, index + 1);
  }
  return count;
}

export async function verifySplitTree(outDir: string, perVhost: ReadonlyMap<string, number>): Promise<SplitTreeCheck> {
  const entries = await readdir(outDir);
  let lines = 0;
  for (const vhost of entries) {
    const expected = perVhost.get(vhost);
    if (expected === undefined) return { ok: false, problem: `unexpected entry ${vhost}` };
    const content = await readFile(join(outDir, vhost, 'access.log'));
    const found = countNewlines(content);
    if (found !== expected) return { ok: false, problem: `${vhost}: ${found} lines, expected ${expected}` };
    if (content.length > 0 && content[content.length - 1] !== 0x0a) return { ok: false, problem: `${vhost}: ends in a partial line` };
    lines += found;
  }
  if (entries.length !== perVhost.size) return { ok: false, problem: `${entries.length} vhost files, expected ${perVhost.size}` };
  return { ok: true, lines, files: entries.length };
}
