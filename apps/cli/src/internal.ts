// Siblings and tests reach internals through here; the public surface is index.ts.
export * from './index.ts';
export * from './cli-options.ts';
export * from './parse-command-line.ts';
export * from './help.ts';
export * from './user/user-output.ts';
export { sessionName } from './flood/flood-options.ts';
export { MONITOR_COMMAND, monitorOptionsFromValues } from './monitor/monitor-options.ts';
export { loadMonitorSegment, type MonitorSegment, type MonitorTarget } from './monitor/monitor-segment.ts';
export { parseStatusReply, type ParsedStatusReply } from './monitor/status-report.ts';
export { everyDaemonAnswered, formatMonitorRoundJson, monitorReply, pollMonitorRound, type MonitorReply, type MonitorRound } from './monitor/monitor-round.ts';
export { formatMonitorRound, formatMonitorTable, formatRingAgreement } from './monitor/monitor-table.ts';
