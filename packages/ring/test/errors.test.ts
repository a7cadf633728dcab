/** Every ring error code is documented, unique and prefixed, and the classes carry code, name and cause. */
import { describe, expect, it } from 'vitest';
import { RING_ERROR_DESCRIPTIONS, RingError, RingErrorCode, RingPacketError, RingTransportError } from '../src/errors.ts';

describe('errors - codes', () => {
  const codes = Object.values(RingErrorCode);

  it('errors - every code has a description and every description a code', () => {
    expect(Object.keys(RING_ERROR_DESCRIPTIONS).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(RING_ERROR_DESCRIPTIONS[code].length, code).toBeGreaterThan(20);
  });

  it('errors - codes are unique, prefixed and named by their key', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [key, code] of Object.entries(RingErrorCode)) expect(code).toBe(`RL_RING_${key}`);
  });

  it('errors - classes carry code, name and cause', () => {
    const cause = new Error('EADDRINUSE');
    const packet = new RingPacketError(RingErrorCode.AUTH, 'x');
    const transport = new RingTransportError(RingErrorCode.BIND, 'y', { cause });
    expect(packet).toBeInstanceOf(RingError);
    expect(packet.name).toBe('RingPacketError');
    expect(packet.code).toBe('RL_RING_AUTH');
    expect(transport).toBeInstanceOf(RingError);
    expect(transport.name).toBe('RingTransportError');
    expect(transport.cause).toBe(cause);
  });
});
