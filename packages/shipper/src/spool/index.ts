// The spool's public surface; re-exported by the package index.
export { Spool, CURSOR_PERSIST_INTERVAL_MS } from './spool.ts';
export type { SpoolOptions } from './spool-options.ts';
export type { SpoolRecord } from './spool-record.ts';
export { RECORD_BODY_MAX_BYTES, RECORD_GROUP_MAX_BYTES, RECORD_HEADER_BYTES, RECORD_MAX_BYTES } from './spool-record.ts';
export { SpoolStats } from './spool-stats.ts';
