/**
 * The two collectors against each other: the same files, each byte-identical or not; the same
 * lines as multisets (file order aside); and, per file and writer, the lines both hold in the
 * same order. Byte identity also needs both to interleave the shippers' lines alike, which holds only
 * if neither ever wrote a batch later than the other did.
 */
import { writerSequences, type ParsedTree } from './parsed-tree.ts';

export interface CollectorComparison {
  readonly sameFileList: boolean;
  readonly onlyInFirst: readonly string[];
  readonly onlyInSecond: readonly string[];
  readonly commonFiles: number;
  readonly byteIdenticalFiles: number;
  /** Same file list and every file byte for byte the same. */
  readonly byteIdentical: boolean;
  readonly sameLines: boolean;
  /** Copies the first collector has beyond the second's, and the other way round. */
  readonly linesOnlyInFirst: number;
  readonly linesOnlyInSecond: number;
  readonly samePerWriterOrder: boolean;
  /** (file, writer) pairs whose line order differs between the two. */
  readonly writerOrderDifferences: number;
}

export function compareCollectors(first: ParsedTree, second: ParsedTree): CollectorComparison {
  const onlyInFirst = [...first.keys()].filter((file) => !second.has(file));
  const onlyInSecond = [...second.keys()].filter((file) => !first.has(file));
  const common = [...first.keys()].filter((file) => second.has(file));
  const byteIdenticalFiles = common.filter((file) => first.get(file)!.bytes.equals(second.get(file)!.bytes)).length;
  const { onlyInA, onlyInB } = multisetDifference(lineCounts(first), lineCounts(second));
  const writerOrderDifferences = countOrderDifferences(writerSequences(first), writerSequences(second));
  const sameFileList = onlyInFirst.length === 0 && onlyInSecond.length === 0;
  return {
    sameFileList,
    onlyInFirst,
    onlyInSecond,
    commonFiles: common.length,
    byteIdenticalFiles,
    byteIdentical: sameFileList && byteIdenticalFiles === common.length,
    sameLines: onlyInA === 0 && onlyInB === 0,
    linesOnlyInFirst: onlyInA,
    linesOnlyInSecond: onlyInB,
    samePerWriterOrder: writerOrderDifferences === 0,
    writerOrderDifferences,
  };
}

function lineCounts(tree: ParsedTree): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { lines, tornTail } of tree.values()) {
    for (const line of tornTail === null ? lines : [...lines, tornTail]) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

function multisetDifference(a: Map<string, number>, b: Map<string, number>): { onlyInA: number; onlyInB: number } {
  let onlyInA = 0;
  let onlyInB = 0;
  for (const [line, count] of a) onlyInA += Math.max(0, count - (b.get(line) ?? 0));
  for (const [line, count] of b) onlyInB += Math.max(0, count - (a.get(line) ?? 0));
  return { onlyInA, onlyInB };
}

/**
 * Compares each (file, writer) sequence on the lines both collectors hold, so a missing line
 * shows in the multiset figures and not again as an order difference.
 */
function countOrderDifferences(a: Map<string, string[]>, b: Map<string, string[]>): number {
  let differences = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const left = a.get(key) ?? [];
    const right = b.get(key) ?? [];
    const inRight = new Set(right);
    const inLeft = new Set(left);
    const leftShared = left.filter((id) => inRight.has(id));
    const rightShared = right.filter((id) => inLeft.has(id));
    if (leftShared.length !== rightShared.length || leftShared.some((id, index) => id !== rightShared[index])) differences += 1;
  }
  return differences;
}
