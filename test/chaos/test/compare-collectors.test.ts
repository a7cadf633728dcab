/** The comparison of two collectors on hand-made trees: each difference shows in its own figure. */
import { describe, expect, it } from 'vitest';
import { compareCollectors } from '../src/compare-collectors.ts';
import { formatLine, lineId } from '../src/line-format.ts';
import type { ParsedTree } from '../src/parsed-tree.ts';
import { file, ledger, SHOP, tree, WWW } from './support/collector-trees.ts';

describe('collector comparison', () => {
  it('collector comparison - the same bytes: identical, same lines, same order', () => {
    const { text } = ledger();
    const comparison = compareCollectors(tree([text(0), text(2)], [text(1)]), tree([text(0), text(2)], [text(1)]));
    expect(comparison).toMatchObject({ sameFileList: true, byteIdentical: true, byteIdenticalFiles: 2, sameLines: true, samePerWriterOrder: true });
  });

  it('collector comparison - another interleaving of two writers: same lines and per-writer order, not byte-identical', () => {
    const other = formatLine(WWW, lineId('b0', 0));
    const { text } = ledger();
    const comparison = compareCollectors(tree([text(0), other, text(2)], []), tree([other, text(0), text(2)], []));
    expect(comparison).toMatchObject({ byteIdentical: false, byteIdenticalFiles: 1, sameLines: true, samePerWriterOrder: true });
  });

  it('collector comparison - a missing line shows in the multisets only; a swap shows in the order only', () => {
    const { text } = ledger();
    const missing = compareCollectors(tree([text(0), text(2)], []), tree([text(2)], []));
    expect(missing).toMatchObject({ sameLines: false, linesOnlyInFirst: 1, linesOnlyInSecond: 0, samePerWriterOrder: true });
    const swapped = compareCollectors(tree([text(0), text(2)], []), tree([text(2), text(0)], []));
    expect(swapped).toMatchObject({ sameLines: true, samePerWriterOrder: false, writerOrderDifferences: 1 });
  });

  it('collector comparison - a file only one collector has', () => {
    const { text } = ledger();
    const only: ParsedTree = new Map([[`${WWW}/access.log`, file([text(0)])]]);
    const comparison = compareCollectors(tree([text(0)], []), only);
    expect(comparison).toMatchObject({ sameFileList: false, onlyInFirst: [`${SHOP}/access.log`], onlyInSecond: [], byteIdentical: false });
  });
});
