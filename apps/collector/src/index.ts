export { runCollector, COLLECTOR_VERSION, type RunningCollector } from './run-collector.ts';
export { loadEffectiveCollectorConfig, builtInCollectorYaml, type RunCollectorArgs } from './effective-config.ts';
export { buildAdmin, healthOf } from './admin-server.ts';
export { helpText, COLLECTOR_OPTIONS } from './cli-options.ts';
