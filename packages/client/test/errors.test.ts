import { describe, expect, it } from 'vitest';
import { ClientErrorCode, ClientErrorDescription, SpreadConnectError, formatSpError } from '../src/index.ts';

describe('errors', () => {
  it('errors - every code is documented', () => {
    for (const code of Object.values(ClientErrorCode)) {
      expect(code.startsWith('RL_CLIENT_')).toBe(true);
      expect(ClientErrorDescription[code]?.length ?? 0).toBeGreaterThan(10);
    }
    expect(Object.keys(ClientErrorDescription).sort()).toEqual(Object.values(ClientErrorCode).sort());
  });

  it('errors - carry code, spreadCode and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new SpreadConnectError(ClientErrorCode.COULD_NOT_CONNECT, -2, 'no daemon', { cause });
    expect(error.name).toBe('SpreadConnectError');
    expect(error.code).toBe('RL_CLIENT_COULD_NOT_CONNECT');
    expect(error.spreadCode).toBe(-2);
    expect(error.cause).toBe(cause);
  });

  it('errors - SP_error lines read like libspread', () => {
    expect(formatSpError(-6)).toBe('SP_error: (-6) Connection rejected, name not unique.');
    expect(formatSpError(-5)).toBe('SP_error: (-5) Connection rejected, illegal name.');
    expect(formatSpError(-3)).toBe('SP_error: (-3) Connection rejected, too many users.');
    expect(formatSpError(-8)).toBe('SP_error: (-8) Connection closed by Spread.');
    expect(formatSpError(-2)).toBe('SP_error: (-2) Could not connect. Is Spread running?');
    expect(formatSpError(-99)).toBe('SP_error: (-99) Unrecognized error -99.');
  });
});
