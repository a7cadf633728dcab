export * from './ack-message.ts';
export * from './atomic-file.ts';
export * from './batch-header.ts';
export * from './errors.ts';
export * from './node-id.ts';
export * from './sync-message.ts';
export * from './id-list-file.ts';
