import { CollectorErrorCode } from '@ringlog/collector';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERROR_STATUS, CollectorAppErrorCode, CollectorAppErrorDescription, adminErrorBody } from '../src/errors.ts';

describe('errors - codes', () => {
  it('errors - every code is documented, prefixed and has an HTTP status', () => {
    const codes = Object.values(CollectorAppErrorCode);
    expect(Object.keys(CollectorAppErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(code).toMatch(/^RL_COLLECTOR_[A-Z_]+$/);
      expect(CollectorAppErrorDescription[code].length).toBeGreaterThan(10);
      expect(ADMIN_ERROR_STATUS[code]).toBeDefined();
    }
    expect(ADMIN_ERROR_STATUS[CollectorErrorCode.BAD_TAIL_FILTER]?.statusCode).toBe(400);
  });

  it('errors - a code without an HTTP status is a bug', () => {
    expect(() => adminErrorBody({ code: 'RL_COLLECTOR_BAD_MATCH', message: 'x' })).toThrow(/Bug: no HTTP status/);
  });
});
