export { runCollector, COLLECTOR_VERSION, type RunningCollector } from './run-collector.ts';
export { loadEffectiveCollectorConfig, builtInCollectorYaml, type RunCollectorArgs } from './effective-config.ts';
export { buildAdmin, healthOf } from './admin-server.ts';
export { helpText, COLLECTOR_OPTIONS } from './cli-options.ts';
export { TailHub, TAIL_BUFFER_BYTES_MAX, TAIL_BUFFER_LINES_MAX, TAIL_CLIENTS_MAX, TAIL_HEARTBEAT_MS, type TailHubOptions } from './tail-hub.ts';
export { TailClient, droppedFrame, lineFrame, type TailClientLimits, type TailCounters, type TailSink } from './tail-client.ts';
export { tailRoutes, TAIL_GREP_LENGTH_MAX, TAIL_VHOSTS_MAX, type TailRoutesOptions } from './tail-routes.ts';
export { loadLivePage, livePagePolicy, livePageRoutes, type LivePage } from './live-page.ts';
export * from './errors.ts';
