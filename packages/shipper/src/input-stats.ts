/**
 * Counters of one input, read by /metrics and /status. Plain fields, incremented in place by the
 * input and the engine: a counter bump on the hot path must cost nothing.
 */

/** Why an input refused or lost bytes; each is a label of `ringlog_shipper_input_errors_total`. */
export const INPUT_ERROR_REASONS = [
  'overlong', // a line longer than lines.max_bytes (split or truncated by policy)
  'bad_syslog', // a syslog message that does not parse; kept whole as the line
  'bad_frame', // broken octet counting, half frame at close, bad pipe/Spread handshake
  'bad_request', // HTTP: bad content type, bad NDJSON, body over the limit
  'too_many_connections', // refused by max_connections
  'idle_timeout', // closed after idle_timeout_ms of silence
  'read_error', // a socket or file read failed
] as const;
export type InputErrorReason = (typeof INPUT_ERROR_REASONS)[number];

export const DROP_REASONS = ['spool_full', 'closing', 'truncated'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export class InputStats {
  lines = 0;
  bytes = 0;
  /** Open connections (stream inputs), open files (file input). */
  connections = 0;
  connectionsTotal = 0;
  readonly errors: Record<InputErrorReason, number> = zeroCounts(INPUT_ERROR_REASONS);
  /** Lines lost, by reason (`truncated` counts bytes cut from overlong lines as one per line). */
  readonly drops: Record<DropReason, number> = zeroCounts(DROP_REASONS);

  error(reason: InputErrorReason, count = 1): void {
    this.errors[reason] += count;
  }
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
