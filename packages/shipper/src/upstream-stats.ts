/** Counters and state of the one upstream session, for /metrics and /status. */
export type UpstreamState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export class UpstreamStats {
  state: UpstreamState = 'connecting';
  /** The daemon endpoint and our private group while connected. */
  privateGroup: string | null = null;
  lastError: string | null = null;
  connects = 0;
  disconnects = 0;
  sentBatches = 0;
  sentLines = 0;
  sentBytes = 0;
  /** Bytes sent again after a reconnect because the daemon had not confirmed them. */
  resentBytes = 0;
  markersSent = 0;
  markersReturned = 0;
  /** Acknowledged delivery: times sending went back for a collector's gap or stuck offset. */
  rewinds = 0;
  /** Acknowledged delivery: acknowledgements that did not decode. */
  badAcks = 0;
  /** Messages the daemon rejected (never expected: batches are sized to fit). */
  rejects = 0;
}
