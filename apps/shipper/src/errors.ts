/**
 * Errors of ringlog-shipper with stable codes. Bad bytes from writers never throw: inputs count
 * them (InputStats). These errors are for the operator: an input that cannot start, a config
 * that cannot run.
 */

export const ShipperAppErrorCode = {
  INPUT_START: 'RL_SHIPPER_INPUT_START',
  INPUT_CONFIG: 'RL_SHIPPER_INPUT_CONFIG',
  STATE_DIR: 'RL_SHIPPER_STATE_DIR',
} as const;
export type ShipperAppErrorCode = (typeof ShipperAppErrorCode)[keyof typeof ShipperAppErrorCode];

export const ShipperAppErrorDescription: Readonly<Record<ShipperAppErrorCode, string>> = {
  RL_SHIPPER_INPUT_START: 'An input could not start: its socket path or port is taken, a directory is missing or not writable, or a file pattern cannot be watched. The message names the input and the address.',
  RL_SHIPPER_INPUT_CONFIG: 'An input was given settings it cannot use (checked again when the input is built, after config validation).',
  RL_SHIPPER_STATE_DIR: 'The shipper state directory (spool and checkpoints) cannot be created, is not a directory, or is not writable.',
};

export class ShipperAppError extends Error {
  readonly code: ShipperAppErrorCode;
  constructor(code: ShipperAppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An input failed to start; `input` is its configured name. */
export class ShipperInputError extends ShipperAppError {
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(ShipperAppErrorCode.INPUT_START, `input ${input}: ${message}`, options);
    this.input = input;
  }
}
