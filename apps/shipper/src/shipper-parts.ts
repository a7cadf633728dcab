/** The running pieces of a shipper that /status and /metrics read. */
import type { ShipperEngine, Spool, UpstreamSender } from '@ringlog/shipper';
import type { ShipperInput } from './inputs/shipper-input.ts';

export interface ShipperParts {
  readonly engine: ShipperEngine;
  readonly spool: Spool;
  readonly sender: UpstreamSender;
  readonly inputs: readonly ShipperInput[];
  /** The daemon endpoint, e.g. "unix:/tmp/4803". */
  readonly endpoint: string;
  readonly embedded: boolean;
  /** spool.max_bytes from the config (the spool itself is opened with headroom). */
  readonly spoolMaxBytes: number;
}
