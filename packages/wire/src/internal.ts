// Siblings and tests reach internals through here; the public surface is index.ts.
export * from './index.ts';
