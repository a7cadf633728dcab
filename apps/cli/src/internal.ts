// Siblings and tests reach internals through here; the public surface is index.ts.
export * from './index.ts';
export * from './cli-options.ts';
export * from './parse-command-line.ts';
export * from './help.ts';
export * from './user/user-output.ts';
export { sessionName } from './flood/flood-options.ts';
