import { describe, expect, it } from 'vitest';
import { SyslogErrorCode, SyslogErrorDescription, SyslogFramingError, SyslogOptionError, SyslogParseFailureDescription, SyslogParseFailureReason } from '../src/index.ts';

describe('errors - codes', () => {
  it('errors - every code is documented and prefixed', () => {
    const codes = Object.values(SyslogErrorCode);
    expect(Object.keys(SyslogErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(code).toMatch(/^RL_SYSLOG_[A-Z_]+$/);
  });

  it('errors - every parse failure reason is documented and a snake_case label', () => {
    const reasons = Object.values(SyslogParseFailureReason);
    expect(Object.keys(SyslogParseFailureDescription).sort()).toEqual([...reasons].sort());
    for (const reason of reasons) expect(reason).toMatch(/^[a-z_]+$/);
  });

  it('errors - classes carry their code and name', () => {
    const framing = new SyslogFramingError(SyslogErrorCode.FRAME_TOO_LONG, 'x');
    expect(framing.code).toBe('RL_SYSLOG_FRAME_TOO_LONG');
    expect(framing.name).toBe('SyslogFramingError');
    expect(new SyslogOptionError('y').code).toBe('RL_SYSLOG_BAD_OPTION');
  });
});
