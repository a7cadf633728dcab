/**
 * Every delivery error code is documented, unique and prefixed, and the error classes carry
 * their code and name.
 */
import { describe, expect, it } from 'vitest';
import { BadAckError, BadBatchError, BadIdFileError, DeliveryError, DeliveryErrorCode, DeliveryErrorDescription } from '../src/index.ts';

describe('errors - codes', () => {
  const codes = Object.values(DeliveryErrorCode);

  it('errors - every code has a non-empty description', () => {
    for (const code of codes) {
      expect(DeliveryErrorDescription[code], code).toBeTypeOf('string');
      expect(DeliveryErrorDescription[code].trim().length, code).toBeGreaterThan(20);
    }
  });

  it('errors - every description belongs to a code', () => {
    expect(Object.keys(DeliveryErrorDescription).sort()).toEqual([...codes].sort());
  });

  it('errors - codes are unique and start with RL_DELIVERY_', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^RL_DELIVERY_[A-Z_]+$/);
  });

  it('errors - each key names its code', () => {
    for (const [key, code] of Object.entries(DeliveryErrorCode)) expect(code).toBe(`RL_DELIVERY_${key}`);
  });
});

describe('errors - classes', () => {
  it('errors - classes carry their code and name', () => {
    const cases: [DeliveryError, DeliveryErrorCode, string][] = [
      [new BadBatchError('x'), DeliveryErrorCode.BAD_BATCH, 'BadBatchError'],
      [new BadAckError('x'), DeliveryErrorCode.BAD_ACK, 'BadAckError'],
      [new BadIdFileError('/state/shipper-id', 'x'), DeliveryErrorCode.BAD_ID_FILE, 'BadIdFileError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    }
    expect(new BadIdFileError('/state/shipper-id', 'is empty').message).toBe('/state/shipper-id: is empty');
  });
});
