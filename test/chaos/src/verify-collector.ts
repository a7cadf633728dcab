/**
 * One collector's verdict against the ledger:
 *   lost        accepted lines with no copy in its files
 *   duplicated  lines (accepted or uncertain) with more than one copy
 *   unknown     lines that are not a generated line byte for byte, or are in another vhost's
 *               file, or a torn last line
 * plus, for information, how many uncertain lines arrived and how often a writer's lines go
 * backwards within a file (they were sent in order, one request at a time).
 */
import { parseLine } from './line-format.ts';
import { LineFate, type LineLedger } from './line-ledger.ts';
import { writerSequences, type ParsedTree } from './parsed-tree.ts';

export interface CollectorVerdict {
  readonly files: number;
  readonly lines: number;
  readonly lost: number;
  /** Distinct lines present more than once. */
  readonly duplicated: number;
  /** Of those, lines whose request had failed (uncertain): they may appear once, not twice. */
  readonly duplicatedUncertain: number;
  /** Copies beyond the first, over all duplicated lines. */
  readonly extraCopies: number;
  readonly unknown: number;
  readonly uncertainPresent: number;
  readonly orderInversions: number;
  /** A few ids or lines of each kind, for the report. */
  readonly examples: { readonly lost: readonly string[]; readonly duplicated: readonly string[]; readonly unknown: readonly string[] };
}

const EXAMPLES_MAX = 3;

export function verifyCollector(tree: ParsedTree, ledger: LineLedger): CollectorVerdict {
  const copies = new Map<string, number>();
  const unknownLines: string[] = [];
  let lines = 0;
  for (const [file, parsed] of tree) {
    const vhostOfFile = file.split('/')[0];
    for (const line of parsed.lines) {
      lines += 1;
      const id = knownId(line, vhostOfFile, ledger);
      if (id === null) unknownLines.push(`${file}: ${line}`);
      else copies.set(id, (copies.get(id) ?? 0) + 1);
    }
    if (parsed.tornTail !== null) unknownLines.push(`${file} (torn last line): ${parsed.tornTail}`);
  }
  const lost = ledger.idsWith(LineFate.ACCEPTED).filter((id) => !copies.has(id));
  const duplicated = [...copies].filter(([, count]) => count > 1);
  return {
    files: tree.size,
    lines,
    lost: lost.length,
    duplicated: duplicated.length,
    duplicatedUncertain: duplicated.filter(([id]) => ledger.get(id)?.fate === LineFate.UNCERTAIN).length,
    extraCopies: duplicated.reduce((sum, [, count]) => sum + count - 1, 0),
    unknown: unknownLines.length,
    uncertainPresent: [...copies.keys()].filter((id) => ledger.get(id)?.fate === LineFate.UNCERTAIN).length,
    orderInversions: countOrderInversions(tree),
    examples: {
      lost: lost.slice(0, EXAMPLES_MAX),
      duplicated: duplicated.slice(0, EXAMPLES_MAX).map(([id, count]) => `${id} ×${count}`),
      unknown: unknownLines.slice(0, EXAMPLES_MAX).map((text) => text.slice(0, 120)),
    },
  };
}

/** The line's id when it is a generated line, unaltered, in its own vhost's file; else null. */
function knownId(line: string, vhostOfFile: string | undefined, ledger: LineLedger): string | null {
  const parsed = parseLine(line);
  if (parsed === null) return null;
  const entry = ledger.get(parsed.id);
  if (entry === undefined || entry.text !== line || entry.vhost !== vhostOfFile) return null;
  if (entry.fate === LineFate.PENDING) throw new Error(`Bug: line ${parsed.id} verified while its request was in flight`);
  return parsed.id;
}

function countOrderInversions(tree: ParsedTree): number {
  let inversions = 0;
  for (const ids of writerSequences(tree).values()) {
    for (let index = 1; index < ids.length; index += 1) if (ids[index]! < ids[index - 1]!) inversions += 1;
  }
  return inversions;
}
