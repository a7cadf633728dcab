export { runDaemon, loadEffectiveConfig, type RunDaemonArgs, type RunningDaemon } from './run-daemon.ts';
export { daemonOptionsFromConfig } from './daemon-options-from-config.ts';
export { helpText, DAEMON_OPTIONS } from './cli-options.ts';
export { openDaemonLog, type DaemonLog } from './logger.ts';
export { optionHelpLines, parseArgsOptions, type OptionSpec } from './option-table.ts';
export { startEmbeddedDaemon, type EmbeddedDaemon, type EmbeddedDaemonConfig } from './embedded-daemon.ts';
export { buildAdminHttp, listenAdminHttp, type AdminHttp, type AdminHttpDependencies, type Health, type MetricsRegistry } from './admin-http.ts';
export { installServiceSignals, type StoppableService } from './service-signals.ts';
export { readCounter, readGauge, readLabelledCounter, readLabelledGauge } from './metric-readers.ts';
