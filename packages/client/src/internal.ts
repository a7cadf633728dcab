// Siblings and tests reach internals through here; the public surface is index.ts.
export * from './index.ts';
export * from './client-handshake.ts';
export * from './event-queue.ts';
export * from './frame-writer.ts';
export * from './backoff.ts';
export { resolveConnectOptions } from './connect.ts';
export type { SessionInit, SessionOptions } from './session.ts';
export * from './fake-daemon.ts';
