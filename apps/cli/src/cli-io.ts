import type { Readable, Writable } from 'node:stream';

/** The streams a command talks to; tests pass PassThrough streams. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}
