/**
 * A bind or listen failure as the operator should read it: the input, the address, the OS
 * reason, and what usually causes it.
 */
import { ShipperInputError } from '../errors.ts';

const HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another process uses this address',
  EACCES: 'a port below 1024, or a directory the shipper cannot write',
  EPERM: 'operation not permitted',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a component of the path is not a directory',
  EADDRNOTAVAIL: 'no local interface has this address',
  ENAMETOOLONG: 'the socket path is too long (at most 107 bytes)',
};

export function socketStartError(input: string, address: string, error: unknown): ShipperInputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  const hint = code !== undefined && HINTS[code] !== undefined ? ` (${HINTS[code]})` : '';
  return new ShipperInputError(input, `cannot listen on ${address}: ${reason}${hint}`, { cause: error });
}
