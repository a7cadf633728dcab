export * from './errors.ts';
export type { ConfigProblem, ConfigWarning } from './problem.ts';
export { formatProblem, formatWarning } from './problem.ts';
export type { DeepReadonly } from './deep-freeze.ts';
export * from './daemon-config-types.ts';
export {
  DAEMON_SECTION_DEFAULTS,
  LOG_SECTION_DEFAULTS,
  RING_SECTION_DEFAULTS,
  RING_TIMEOUT_DEFAULTS_MS,
  SEGMENT_PORT_DEFAULT,
  SPREAD_TIMEOUTS_LAN_MS,
  SPREAD_TIMEOUTS_WAN_MS,
} from './daemon-config-defaults.ts';
export { ringTimeoutsFromConfig, segmentDaemonPort, segmentRingMode } from './segment-settings.ts';
export { loadSegmentKey } from './segment-key.ts';
export { parseDaemonConfigYaml, defaultDaemonConfig } from './daemon-config.ts';
export { loadDaemonConfig, detectConfigFormat } from './load-daemon-config.ts';
export type { ConfigFormat, LoadDaemonConfigOptions, LoadedDaemonConfig } from './load-daemon-config.ts';
export { parseListenAddress, formatListenAddress } from './listen-address.ts';
export type { ListenAddress } from './listen-address.ts';
export { expandLogFilePath } from './log-file-path.ts';
export { validateYamlDocument, YAML_ALIAS_EXPANSIONS_MAX } from './yaml-validation.ts';
export { defineConfigSchema, validateConfigValue } from './config-schema.ts';
export type { CheckFinding, ConfigSchema, PathProblem, ValueCheck, ValueValidation } from './config-schema.ts';
export type { ConfigPath } from './config-path.ts';
export { formatConfigPath } from './config-path.ts';
export { parseSpreadConf } from './spread-conf-parser.ts';
export * from './spread-conf-types.ts';
export { spreadConfToDaemonConfig } from './spread-conf-to-daemon-config.ts';
export type { SpreadConfConversionOptions } from './spread-conf-to-daemon-config.ts';
export * from './collector-config-types.ts';
export {
  ADMIN_SECTION_DEFAULTS,
  COLLECTOR_LOG_SECTION_DEFAULTS,
  COLLECTOR_SECTION_DEFAULTS,
  LOG_ENTRY_DEFAULTS,
  OUTPUT_SECTION_DEFAULTS,
  ROTATE_SECTION_DEFAULTS,
  SPLIT_SECTION_DEFAULTS,
} from './collector-config-defaults.ts';
export { parseCollectorConfigYaml, collectorConfigFromValue } from './collector-config.ts';
export { loadCollectorConfig, detectCollectorConfigFormat } from './load-collector-config.ts';
export type { CollectorConfigFormat, LoadCollectorConfigOptions, LoadedCollectorConfig } from './load-collector-config.ts';
export { parseAdminListen, ADMIN_LISTEN_OFF } from './admin-listen.ts';
export type { AdminListenAddress } from './admin-listen.ts';
export { clientSpreadName, EMBEDDED_DAEMON } from './spread-name.ts';
export { compileMatchPattern } from './match-pattern.ts';
export { STRFTIME_CONVERSIONS } from './strftime-pattern.ts';
export { SPLIT_PLACEHOLDERS } from './split-path-template.ts';
export { parseSpreadlogdConf } from './spreadlogd-conf-parser.ts';
export type * from './spreadlogd-conf-types.ts';
export { spreadlogdConfToCollectorConfig } from './spreadlogd-conf-to-collector-config.ts';
export type { SpreadlogdConversionOptions } from './spreadlogd-conf-to-collector-config.ts';
export * from './shipper-config-types.ts';
export {
  BATCH_SECTION_DEFAULTS,
  LINES_SECTION_DEFAULTS,
  SHIPPER_ADMIN_SECTION_DEFAULTS,
  SHIPPER_INPUT_DEFAULTS,
  SHIPPER_LOG_SECTION_DEFAULTS,
  SHIPPER_SECTION_DEFAULTS,
  SPOOL_SECTION_DEFAULTS,
  UPSTREAM_SECTION_DEFAULTS,
  defaultInputName,
  shipperInputDefaults,
} from './shipper-config-defaults.ts';
export type { ShipperInputDefaults } from './shipper-config-defaults.ts';
export { parseShipperConfigYaml, shipperConfigFromValue } from './shipper-config.ts';
export { loadShipperConfig } from './load-shipper-config.ts';
export type { LoadedShipperConfig } from './load-shipper-config.ts';
export { spreadInputListeners } from './shipper-input-bindings.ts';
