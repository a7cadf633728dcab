/**
 * Errors of ringlog-stack with stable codes. Each is an operating error: the stack cannot start
 * here as things are (a port or socket is taken, a file cannot be written, a service did not
 * come up), reported once with what to do, and the command exits 1.
 */

export const StackErrorCode = {
  PORT_IN_USE: 'RL_STACK_PORT_IN_USE',
  SOCKET_IN_USE: 'RL_STACK_SOCKET_IN_USE',
  STATE_DIR: 'RL_STACK_STATE_DIR',
  TEMPLATE: 'RL_STACK_TEMPLATE',
  SEGMENT_KEY: 'RL_STACK_SEGMENT_KEY',
  SERVICE_START: 'RL_STACK_SERVICE_START',
} as const;
export type StackErrorCode = (typeof StackErrorCode)[keyof typeof StackErrorCode];

export const StackErrorDescription: Readonly<Record<StackErrorCode, string>> = {
  RL_STACK_PORT_IN_USE: 'A TCP or UDP port the stack needs is taken (often another stack, ringlogd, shipper or collector). The message names the port and what it is for; choose others with the --*-port options.',
  RL_STACK_SOCKET_IN_USE: 'A unix socket of the stack under <dir>/var/run/ringlog answers: another stack runs in the same directory. Stop it, or use --dir.',
  RL_STACK_STATE_DIR: 'A directory or file under <dir>/var cannot be created or written.',
  RL_STACK_TEMPLATE: 'A config template under config/stack is missing or names a {{placeholder}} ringlog-stack does not know.',
  RL_STACK_SEGMENT_KEY: 'The segment key file under <dir>/var/etc/ringlog cannot be created or read, or holds too short a key.',
  RL_STACK_SERVICE_START: 'A daemon, the shipper or the collector exited during start, or was not ready in time. The message names it and quotes its last output.',
};

export class StackError extends Error {
  readonly code: StackErrorCode;
  constructor(code: StackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
