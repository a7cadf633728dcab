import { describe, expect, it } from 'vitest';
import { ShipperAppErrorCode, ShipperAppErrorDescription, ShipperInputError } from '../src/errors.ts';

describe('errors', () => {
  it('errors - every code is documented', () => {
    for (const code of Object.values(ShipperAppErrorCode)) {
      expect(code.startsWith('RL_SHIPPER_')).toBe(true);
      expect(ShipperAppErrorDescription[code]?.length ?? 0).toBeGreaterThan(10);
    }
    expect(Object.keys(ShipperAppErrorDescription).sort()).toEqual(Object.values(ShipperAppErrorCode).sort());
  });

  it('errors - an input error names the input and keeps its stable code', () => {
    const error = new ShipperInputError('unix-0', 'address in use', { cause: new Error('EADDRINUSE') });
    expect(error.code).toBe('RL_SHIPPER_INPUT_START');
    expect(error.message).toBe('input unix-0: address in use');
    expect(error.input).toBe('unix-0');
  });
});
