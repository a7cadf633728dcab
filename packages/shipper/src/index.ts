export * from './line-ingest.ts';
export * from './input-stats.ts';
