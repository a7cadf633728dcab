/**
 * Errors of the ringlog command. Usage errors exit with status 2, run failures with 1,
 * `monitor --once` with 3 when a daemon did not answer;
 * the exit status lives in ExitStatus so the entry point alone turns it into an exit.
 */
export const CliErrorCode = {
  USAGE: 'RL_CLI_USAGE',
  FLOOD_OPTIONS: 'RL_CLI_FLOOD_OPTIONS',
  FLOOD_STALLED: 'RL_CLI_FLOOD_STALLED',
  FLOOD_SESSION_LOST: 'RL_CLI_FLOOD_SESSION_LOST',
  FLOOD_OUT_OF_ORDER: 'RL_CLI_FLOOD_OUT_OF_ORDER',
  MONITOR_NO_SEGMENT: 'RL_CLI_MONITOR_NO_SEGMENT',
  MONITOR_NO_KEY: 'RL_CLI_MONITOR_NO_KEY',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

export const CliErrorDescription: Readonly<Record<CliErrorCode, string>> = {
  RL_CLI_USAGE: 'The command line names an unknown command or option, or an option value is malformed.',
  RL_CLI_FLOOD_OPTIONS: 'The flood options contradict each other (e.g. --ro with --wo, or no session would send or receive).',
  RL_CLI_FLOOD_STALLED: 'A flood made no progress for --stall-ms: messages were lost or a session stopped reading.',
  RL_CLI_FLOOD_SESSION_LOST: 'A flood session closed before the run finished (daemon gone, or it cut a slow reader).',
  RL_CLI_FLOOD_OUT_OF_ORDER: 'A receiver saw a sender\'s messages out of order under a service that orders them (FIFO and up).',
  RL_CLI_MONITOR_NO_SEGMENT: 'The config given to `ringlog monitor` has no segment, or a segment of one daemon: that daemon runs alone, so there is no ring to monitor.',
  RL_CLI_MONITOR_NO_KEY:
    'The config given to `ringlog monitor` names no segment key (segment.key_file, RinglogKeyFile in spread.conf) and --key-file was not given: status requests must be authenticated.',
};

export const ExitStatus = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  /** `ringlog monitor --once`: some daemon did not answer, or answered with a malformed report. */
  NO_ANSWER: 3,
} as const;

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
