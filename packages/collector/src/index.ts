export { CollectorEngine, type CollectorEngineOptions } from './collector-engine.ts';
export { CollectorSource, type CollectorSourceOptions } from './collector-source.ts';
export { CollectorTelemetry, type CollectorCounters } from './collector-telemetry.ts';
export { LogRouter } from './log-router.ts';
export { VHOST_BUCKETS, vhostBucket, type CatchAllReason, type LogCounters } from './log-counters.ts';
export { parseMode } from './build-routers.ts';
export * from './errors.ts';
export { compileLineMatcher, LINE_MATCH_BYTES_MAX, type LineMatcher } from './line-matcher.ts';
export { createTimestampRewriter, CLF_PATTERN, TIMESTAMP_SEARCH_BYTES_MAX, type TimestampRewriter } from './timestamp-rewriter.ts';
