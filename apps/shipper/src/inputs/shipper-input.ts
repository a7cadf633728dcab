/**
 * What every shipper input implements. The shipper builds one per `inputs[]` entry with its
 * factory, calls start() (bind/listen/watch; a failure throws a ShipperInputError naming the
 * input and what to fix), and at shutdown close(): stop accepting, push every complete line
 * already read, release sockets and files. Lines go to the engine through `LineIngest`.
 */
import type { ShipperInputConfig } from '@ringlog/config';
import type { InputHandle, LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';

export interface ShipperInput {
  readonly handle: InputHandle;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Where it listens or what it watches, for /status and the startup log line. */
  describe(): string;
}

export interface InputContext {
  readonly ingest: LineIngest;
  readonly logger: Logger;
  /** Longest line (engine policy); decoders use it to bound their buffers. */
  readonly lineMaxBytes: number;
  /** Directory for this shipper's state (file-tail checkpoints live under `<stateDir>/tail`). */
  readonly stateDir: string;
}

export type InputFactory<C extends ShipperInputConfig = ShipperInputConfig> = (config: C, context: InputContext) => ShipperInput;
