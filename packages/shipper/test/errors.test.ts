import { describe, expect, it } from 'vitest';
import {
  SpoolArgumentError,
  SpoolClosedError,
  SpoolError,
  SpoolErrorCode,
  SpoolErrorDescription,
  SpoolIoError,
  SpoolLockedError,
  SpoolOffsetError,
  SpoolOffsetExhaustedError,
  SpoolOptionError,
  SpoolRecordError,
} from '../src/errors.ts';
import { toSpoolError } from '../src/spool/system-error.ts';

describe('errors - codes', () => {
  it('errors - every code is documented and prefixed', () => {
    const codes = Object.values(SpoolErrorCode);
    expect(Object.keys(SpoolErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(code).toMatch(/^RL_SPOOL_[A-Z_]+$/);
    for (const description of Object.values(SpoolErrorDescription)) expect(description.length).toBeGreaterThan(20);
  });

  it('errors - classes carry their code and name', () => {
    const cases: [SpoolError, SpoolErrorCode, string][] = [
      [new SpoolOptionError('x'), SpoolErrorCode.BAD_OPTION, 'SpoolOptionError'],
      [new SpoolRecordError('x'), SpoolErrorCode.BAD_RECORD, 'SpoolRecordError'],
      [new SpoolOffsetError(7, 'x'), SpoolErrorCode.BAD_OFFSET, 'SpoolOffsetError'],
      [new SpoolArgumentError('x'), SpoolErrorCode.BAD_ARGUMENT, 'SpoolArgumentError'],
      [new SpoolOffsetExhaustedError('x'), SpoolErrorCode.OFFSET_EXHAUSTED, 'SpoolOffsetExhaustedError'],
      [new SpoolLockedError('/d/lock', 42), SpoolErrorCode.LOCKED, 'SpoolLockedError'],
      [new SpoolClosedError('read'), SpoolErrorCode.CLOSED, 'SpoolClosedError'],
      [new SpoolIoError('append', new Error('ENOSPC')), SpoolErrorCode.IO, 'SpoolIoError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(SpoolError);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    }
    expect(new SpoolLockedError('/d/lock', 42).message).toContain('42');
    expect(new SpoolOffsetError(7, 'x').offset).toBe(7);
  });

  it('errors - toSpoolError wraps system errors only', () => {
    const system = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', syscall: 'write' });
    const wrapped = toSpoolError('append', system);
    expect(wrapped).toBeInstanceOf(SpoolIoError);
    expect((wrapped as SpoolIoError).cause).toBe(system);
    const own = new SpoolClosedError('ack');
    expect(toSpoolError('ack', own)).toBe(own);
    const bug = new TypeError('bug');
    expect(toSpoolError('read', bug)).toBe(bug);
  });
});
