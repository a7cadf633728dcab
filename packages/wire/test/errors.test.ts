/**
 * Every wire error code is documented, unique and prefixed (the fastify errors test), and
 * the error classes carry their code, name and cause.
 */
import { describe, expect, it } from 'vitest';
import { WireError, WireErrorCode, WireErrorDescription, WireProtocolError, WireUsageError } from '../src/internal.ts';

describe('errors - codes', () => {
  const codes = Object.values(WireErrorCode);

  it('errors - every code has a non-empty description', () => {
    for (const code of codes) {
      expect(WireErrorDescription[code], code).toBeTypeOf('string');
      expect(WireErrorDescription[code].trim().length, code).toBeGreaterThan(10);
    }
  });

  it('errors - every description belongs to a code', () => {
    expect(Object.keys(WireErrorDescription).sort()).toEqual([...codes].sort());
  });

  it('errors - codes are unique and start with RL_WIRE_', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^RL_WIRE_[A-Z_]+$/);
  });

  it('errors - each key names its code', () => {
    for (const [key, code] of Object.entries(WireErrorCode)) expect(code).toBe(`RL_WIRE_${key}`);
  });
});

describe('errors - classes', () => {
  it('errors - protocol and usage errors carry code, name and cause', () => {
    const cause = new Error('socket said no');
    const protocol = new WireProtocolError(WireErrorCode.BAD_HINT, 'bad hint', { cause });
    expect(protocol).toBeInstanceOf(WireError);
    expect(protocol).toBeInstanceOf(Error);
    expect([protocol.name, protocol.code, protocol.message, protocol.cause]).toEqual(['WireProtocolError', 'RL_WIRE_BAD_HINT', 'bad hint', cause]);
    const usage = new WireUsageError(WireErrorCode.ENCODE_INVALID, 'too long');
    expect(usage).toBeInstanceOf(WireError);
    expect(usage).not.toBeInstanceOf(WireProtocolError);
    expect([usage.name, usage.code]).toEqual(['WireUsageError', 'RL_WIRE_ENCODE_INVALID']);
  });
});
