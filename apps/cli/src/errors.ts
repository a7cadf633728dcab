/**
 * Errors of the ringlog command. Usage errors exit with status 2, run failures with 1;
 * the exit status lives in ExitStatus so the entry point alone turns it into an exit.
 */
export const CliErrorCode = {
  USAGE: 'RL_CLI_USAGE',
  FLOOD_OPTIONS: 'RL_CLI_FLOOD_OPTIONS',
  FLOOD_STALLED: 'RL_CLI_FLOOD_STALLED',
  FLOOD_SESSION_LOST: 'RL_CLI_FLOOD_SESSION_LOST',
  FLOOD_OUT_OF_ORDER: 'RL_CLI_FLOOD_OUT_OF_ORDER',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

export const CliErrorDescription: Readonly<Record<CliErrorCode, string>> = {
  RL_CLI_USAGE: 'The command line names an unknown command or option, or an option value is malformed.',
  RL_CLI_FLOOD_OPTIONS: 'The flood options contradict each other (e.g. --ro with --wo, or no session would send or receive).',
  RL_CLI_FLOOD_STALLED: 'A flood made no progress for --stall-ms: messages were lost or a session stopped reading.',
  RL_CLI_FLOOD_SESSION_LOST: 'A flood session closed before the run finished (daemon gone, or it cut a slow reader).',
  RL_CLI_FLOOD_OUT_OF_ORDER: 'A receiver saw a sender\'s messages out of order under a service that orders them (FIFO and up).',
};

export const ExitStatus = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
} as const;

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
