export * from './line-ingest.ts';
export * from './input-stats.ts';
export { ShipperEngine, type ShipperEngineOptions, type SpoolWriter } from './shipper-engine.ts';
export { EngineStats } from './engine-stats.ts';
export { UpstreamSender, MARKER_MESS_TYPE, type SpoolReader, type UpstreamSenderOptions } from './upstream-sender.ts';
export { UpstreamStats, type UpstreamState } from './upstream-stats.ts';
export { routeGroup, vhostBucket } from './vhost-route.ts';
export * from './spool/index.ts';
export * from './errors.ts';
