/** A collector's output tree cut into lines, read once and shared by the verdict and the comparison. */
import { readTree } from './collector-files.ts';
import { parseLine } from './line-format.ts';

export interface ParsedFile {
  readonly bytes: Buffer;
  /** Complete lines, without their newlines, in file order. */
  readonly lines: readonly string[];
  /** Bytes after the last newline (a torn last line), or null. */
  readonly tornTail: string | null;
}

export type ParsedTree = ReadonlyMap<string, ParsedFile>;

export function parseTree(root: string): ParsedTree {
  const tree = new Map<string, ParsedFile>();
  for (const [file, bytes] of readTree(root)) {
    // latin1 maps every byte to one character: nothing is merged or replaced, so bytes compare exactly.
    const lines = bytes.toString('latin1').split('\n');
    const last = lines.pop() ?? '';
    tree.set(file, { bytes, lines, tornTail: last === '' ? null : last });
  }
  return tree;
}

/** Per (file, writer), the writer's line ids in file order. */
export function writerSequences(tree: ParsedTree): Map<string, string[]> {
  const sequences = new Map<string, string[]>();
  for (const [file, { lines }] of tree) {
    for (const line of lines) {
      const parsed = parseLine(line);
      if (parsed === null) continue;
      const key = `${file} ${parsed.writerId}`;
      let ids = sequences.get(key);
      if (ids === undefined) sequences.set(key, (ids = []));
      ids.push(parsed.id);
    }
  }
  return sequences;
}
