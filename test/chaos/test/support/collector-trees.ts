/** Hand-made collector trees and a ledger for the verdict and comparison tests. */
import { formatLine, lineId } from '../../src/line-format.ts';
import { LineFate, LineLedger } from '../../src/line-ledger.ts';
import type { ParsedFile, ParsedTree } from '../../src/parsed-tree.ts';

export const WWW = 'www.example.com';
export const SHOP = 'shop.example.com';

/** Writer a0 sends lines 0..3 (accepted) and 4..5 (uncertain), alternating vhosts. */
export function ledger(): { ledger: LineLedger; text: (seq: number) => string } {
  const book = new LineLedger();
  const vhost = (seq: number): string => (seq % 2 === 0 ? WWW : SHOP);
  const text = (seq: number): string => formatLine(vhost(seq), lineId('a0', seq));
  for (let seq = 0; seq < 6; seq += 1) book.add(lineId('a0', seq), vhost(seq), text(seq));
  book.settle([0, 1, 2, 3].map((seq) => lineId('a0', seq)), LineFate.ACCEPTED);
  book.settle([4, 5].map((seq) => lineId('a0', seq)), LineFate.UNCERTAIN);
  return { ledger: book, text };
}

export function file(lines: readonly string[], tornTail: string | null = null): ParsedFile {
  const body = lines.map((line) => `${line}\n`).join('') + (tornTail ?? '');
  return { bytes: Buffer.from(body, 'latin1'), lines, tornTail };
}

export function tree(www: readonly string[], shop: readonly string[]): ParsedTree {
  return new Map([
    [`${SHOP}/access.log`, file(shop)],
    [`${WWW}/access.log`, file(www)],
  ]);
}

