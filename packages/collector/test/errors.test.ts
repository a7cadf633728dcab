import { describe, expect, it } from 'vitest';
import { CollectorErrorCode, CollectorErrorDescription } from '../src/errors.ts';

describe('errors - codes', () => {
  it('errors - every code is documented and prefixed', () => {
    const codes = Object.values(CollectorErrorCode);
    expect(Object.keys(CollectorErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(code).toMatch(/^RL_COLLECTOR_[A-Z_]+$/);
  });
});
