export { Daemon, startDaemon, type DaemonDependencies } from './daemon.ts';
export * from './options.ts';
export * from './errors.ts';
export { LocalOrdering, type OrderingLayer, type OrderedRequest, type ConfigurationView, type DeliverFn } from './ordering.ts';
export type { DaemonCounters } from './telemetry.ts';
export { raiseFileLimit, readFileLimit, type FileLimit } from './fd-limit.ts';
export { describeAddress } from './listeners.ts';
