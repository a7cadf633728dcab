export { Stack, type StackOptions } from './run-stack.ts';
export { stackLayout, DEFAULT_STACK_PORTS, type StackLayout, type StackPorts } from './stack-layout.ts';
export { StackError, StackErrorCode, StackErrorDescription } from './errors.ts';
export { helpText, stackCommandLine, STACK_OPTIONS } from './cli-options.ts';
