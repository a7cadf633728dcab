export { runCli } from './cli.ts';
export type { CliIo } from './cli-io.ts';
export { runUser, type UserOptions } from './user/run-user.ts';
export { runFlood, formatFloodResult, type RunFloodOptions } from './flood/run-flood.ts';
export { floodRun, type FloodResult } from './flood/flood-run.ts';
export { DEFAULT_FLOOD_OPTIONS, resolveFloodOptions, type FloodOptions } from './flood/flood-options.ts';
export { runMonitor, type RunMonitorOptions } from './monitor/run-monitor.ts';
export type { MonitorOptions } from './monitor/monitor-options.ts';
export * from './errors.ts';
