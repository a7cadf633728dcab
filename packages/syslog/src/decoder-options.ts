import { SyslogOptionError } from './errors.ts';

/** Checks a byte maximum given to a decoder: local misuse throws. */
export function checkBytesMax(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new SyslogOptionError(`${name} must be a positive safe integer, got ${String(value)}`);
  return value;
}
