/**
 * The replay window: hand-written cases for its edges, then a seeded comparison with a model
 * that remembers every counter ever seen. Randomized cases print their seed.
 */
import { describe, expect, it } from 'vitest';
import { RingError, RingErrorCode } from '../src/errors.ts';
import { type ReplayVerdict, ReplayWindow } from '../src/replay-window.ts';
import { caseSeed, createPrng } from './support/prng.ts';

describe('replay-window - one sender', () => {
  it('replay-window - first datagram fresh, repeat duplicate, newer fresh', () => {
    const window = new ReplayWindow();
    expect(window.check('a', 1, 10)).toBe('fresh');
    expect(window.check('a', 1, 10)).toBe('duplicate');
    expect(window.check('a', 1, 11)).toBe('fresh');
    expect(window.check('a', 1, 11)).toBe('duplicate');
  });

  it('replay-window - reordered counters inside the window are fresh once', () => {
    const window = new ReplayWindow();
    expect(window.check('a', 1, 100)).toBe('fresh');
    expect(window.check('a', 1, 98)).toBe('fresh');
    expect(window.check('a', 1, 99)).toBe('fresh');
    expect(window.check('a', 1, 98)).toBe('duplicate');
    expect(window.check('a', 1, 0)).toBe('fresh');
  });

  it('replay-window - counters 1024 or more below the highest are stale', () => {
    const window = new ReplayWindow();
    expect(window.check('a', 1, 2000)).toBe('fresh');
    expect(window.check('a', 1, 2000 - 1024)).toBe('stale');
    expect(window.check('a', 1, 2000 - 1023)).toBe('fresh');
    expect(window.check('a', 1, 0)).toBe('stale');
  });

  it('replay-window - sliding clears the slots that enter the window', () => {
    const window = new ReplayWindow();
    for (let counter = 0; counter < 1024; counter++) expect(window.check('a', 1, counter)).toBe('fresh');
    // 1024 reuses slot 0 and 1025 slot 1: both must read as unseen.
    expect(window.check('a', 1, 1025)).toBe('fresh');
    expect(window.check('a', 1, 1024)).toBe('fresh');
    expect(window.check('a', 1, 1)).toBe('stale');
    expect(window.check('a', 1, 2)).toBe('duplicate');
    // A jump larger than the window forgets everything before it.
    expect(window.check('a', 1, 10_000)).toBe('fresh');
    expect(window.check('a', 1, 9_000)).toBe('fresh');
    expect(window.check('a', 1, 2)).toBe('stale');
  });

  it('replay-window - counters near 2^53 work', () => {
    const window = new ReplayWindow();
    const top = Number.MAX_SAFE_INTEGER;
    expect(window.check('a', 1, top - 5)).toBe('fresh');
    expect(window.check('a', 1, top)).toBe('fresh');
    expect(window.check('a', 1, top - 5)).toBe('duplicate');
    expect(window.check('a', 1, top - 4)).toBe('fresh');
  });
});

describe('replay-window - incarnations and senders', () => {
  it('replay-window - an older incarnation is stale, a newer one resets the window', () => {
    const window = new ReplayWindow();
    expect(window.check('a', 5, 500)).toBe('fresh');
    expect(window.check('a', 4, 501)).toBe('stale');
    expect(window.check('a', 6, 0)).toBe('fresh');
    expect(window.check('a', 6, 0)).toBe('duplicate');
    expect(window.check('a', 6, 1)).toBe('fresh');
    expect(window.check('a', 5, 501)).toBe('stale');
  });

  it('replay-window - senders are independent', () => {
    const window = new ReplayWindow();
    expect(window.check('a', 1, 7)).toBe('fresh');
    expect(window.check('b', 1, 7)).toBe('fresh');
    expect(window.check('b', 1, 7)).toBe('duplicate');
    expect(window.size).toBe(2);
    window.forget('b');
    expect(window.check('b', 1, 7)).toBe('fresh');
  });

  it('replay-window - beyond maxSenders the least recently fresh sender is forgotten', () => {
    const window = new ReplayWindow({ maxSenders: 3 });
    window.check('a', 1, 1);
    window.check('b', 1, 1);
    window.check('c', 1, 1);
    window.check('a', 1, 2);
    window.check('d', 1, 1);
    expect(window.size).toBe(3);
    // b was heard from least recently: forgotten, so its old counter passes again.
    expect(window.check('b', 1, 1)).toBe('fresh');
    expect(window.check('a', 1, 2)).toBe('duplicate');
    expect(window.check('d', 1, 1)).toBe('duplicate');
  });

  it('replay-window - options are checked', () => {
    for (const options of [{ windowSize: 0 }, { windowSize: 100 }, { maxSenders: 0 }, { maxSenders: 1.5 }]) {
      let caught: unknown;
      try {
        new ReplayWindow(options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RingError);
      expect((caught as RingError).code).toBe(RingErrorCode.BAD_OPTION);
    }
  });
});

describe('replay-window - model', () => {
  /** Remembers everything: what the window must answer for a single sender and incarnation. */
  function modelVerdict(seen: Set<number>, highest: number, counter: number, size: number): ReplayVerdict {
    if (highest - counter >= size) return 'stale';
    return seen.has(counter) ? 'duplicate' : 'fresh';
  }

  it('replay-window - 300 seeded runs of 300 checks agree with the model', () => {
    for (let run = 0; run < 300; run++) {
      const prng = createPrng(caseSeed(run));
      const size = prng.pick([32, 64, 1024]);
      const window = new ReplayWindow({ windowSize: size });
      const seen = new Set<number>();
      let highest = Number.NEGATIVE_INFINITY;
      let next = prng.int(5000);
      for (let step = 0; step < 300; step++) {
        next += prng.pick([1, 1, 2, 5, size - 1, size, size + 1]);
        const counter = prng.bool() ? next : Math.max(0, next - prng.int(size * 2));
        const expected = modelVerdict(seen, highest, counter, size);
        const actual = window.check('s', 1, counter);
        // A plain check in the hot loop: 90,000 expect() calls would make this slow.
        if (actual !== expected) throw new Error(`seed ${prng.seed} step ${step} counter ${counter}: ${actual}, expected ${expected}`);
        if (expected === 'fresh') {
          seen.add(counter);
          highest = Math.max(highest, counter);
        }
      }
    }
  });
});
