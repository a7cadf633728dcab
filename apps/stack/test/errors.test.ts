import { describe, expect, it } from 'vitest';
import { StackError, StackErrorCode, StackErrorDescription } from '../src/errors.ts';

describe('errors', () => {
  it('errors - every code is documented', () => {
    for (const code of Object.values(StackErrorCode)) {
      expect(code.startsWith('RL_STACK_')).toBe(true);
      expect(StackErrorDescription[code]?.length ?? 0).toBeGreaterThan(10);
    }
    expect(Object.keys(StackErrorDescription).sort()).toEqual(Object.values(StackErrorCode).sort());
  });

  it('errors - a stack error keeps its code and cause', () => {
    const cause = new Error('EADDRINUSE');
    const error = new StackError(StackErrorCode.PORT_IN_USE, 'port 1 is in use', { cause });
    expect(error).toMatchObject({ name: 'StackError', code: 'RL_STACK_PORT_IN_USE', message: 'port 1 is in use', cause });
  });
});
