import { describe, expect, it } from 'vitest';
import { CliErrorCode, CliErrorDescription } from '../src/index.ts';

describe('errors', () => {
  it('errors - every code is documented', () => {
    for (const code of Object.values(CliErrorCode)) {
      expect(code.startsWith('RL_CLI_')).toBe(true);
      expect(CliErrorDescription[code]?.length ?? 0).toBeGreaterThan(10);
    }
    expect(Object.keys(CliErrorDescription).sort()).toEqual(Object.values(CliErrorCode).sort());
  });
});
