export * from './index.ts';
export { Batcher, type ClosedBatch } from './batcher.ts';
