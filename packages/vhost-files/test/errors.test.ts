import { describe, expect, it } from 'vitest';
import { VhostFilesErrorCode, VhostFilesErrorDescription } from '../src/errors.ts';

describe('errors - codes', () => {
  it('errors - every code is documented and prefixed', () => {
    const codes = Object.values(VhostFilesErrorCode);
    expect(Object.keys(VhostFilesErrorDescription).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(code).toMatch(/^RL_VHOST_FILES_[A-Z_]+$/);
  });
});
