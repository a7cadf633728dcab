/**
 * The collector verdict on hand-made trees, so a verdict of the real run can be trusted: every
 * kind of fault is counted where it belongs, and only there.
 */
import { describe, expect, it } from 'vitest';
import { formatLine, lineId } from '../src/line-format.ts';
import type { ParsedTree } from '../src/parsed-tree.ts';
import { verifyCollector } from '../src/verify-collector.ts';
import { file, ledger, SHOP, tree, WWW } from './support/collector-trees.ts';

describe('collector verdict', () => {
  it('collector verdict - every accepted line once, no uncertain one: nothing to report', () => {
    const { ledger: book, text } = ledger();
    const verdict = verifyCollector(tree([text(0), text(2)], [text(1), text(3)]), book);
    expect(verdict).toMatchObject({ files: 2, lines: 4, lost: 0, duplicated: 0, unknown: 0, uncertainPresent: 0, orderInversions: 0 });
  });

  it('collector verdict - counts lost, duplicated (accepted and uncertain) and uncertain lines present', () => {
    const { ledger: book, text } = ledger();
    const verdict = verifyCollector(tree([text(0), text(2), text(0), text(4), text(4)], [text(1), text(5)]), book);
    expect(verdict).toMatchObject({ lost: 1, duplicated: 2, duplicatedUncertain: 1, extraCopies: 2, unknown: 0, uncertainPresent: 2 });
    expect(verdict.examples.lost).toEqual([lineId('a0', 3)]);
    // 0, 2, 0 goes backwards once; 0, 4 does not.
    expect(verdict.orderInversions).toBe(1);
  });

  it('collector verdict - altered, foreign, misplaced and torn lines are unknown', () => {
    const { ledger: book, text } = ledger();
    const altered = `${text(0).slice(0, -1)}#`;
    const foreign = formatLine(WWW, lineId('z9', 1));
    const misplaced = text(1);
    const trees: ParsedTree = new Map([
      [`${WWW}/access.log`, file([altered, text(2), foreign, misplaced], text(0).slice(0, 30))],
      [`${SHOP}/access.log`, file([text(3)])],
    ]);
    const verdict = verifyCollector(trees, book);
    expect(verdict.unknown).toBe(4);
    expect(verdict.lost).toBe(2);
  });
});

