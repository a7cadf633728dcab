/** Which failures the spool reports as SpoolIoError: system calls, not bugs. */
import { SpoolIoError } from '../errors.ts';

/** True for a Node system error (it names the failed syscall), the kind `SpoolIoError` wraps. */
function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** Wraps a system error as a SpoolIoError; anything else (spool errors, bugs) passes through. */
export function toSpoolError(operation: string, error: unknown): unknown {
  return isSystemError(error) ? new SpoolIoError(operation, error) : error;
}
