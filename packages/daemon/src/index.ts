export { Daemon, startDaemon, type DaemonDependencies } from './daemon.ts';
export * from './options.ts';
export * from './errors.ts';
export {
  LocalOrdering,
  type OrderingLayer,
  type OrderedRequest,
  type ConfigurationView,
  type DeliverFn,
  type Delivered,
  type TransitionalChange,
  type NetworkChange,
  type GroupStateSource,
} from './ordering.ts';
export { RingOrdering, type RingPort, type RingOrderingOptions } from './ring-ordering.ts';
export type { RingOrderingCounters } from './ring-ordering-telemetry.ts';
export type { GroupStateEntry, GroupStateMessage, ViewId } from './group-state.ts';
export type { DaemonCounters } from './telemetry.ts';
export { raiseFileLimit, readFileLimit, type FileLimit } from './fd-limit.ts';
export { describeAddress } from './listeners.ts';
