export { ChaosAction, type ChaosEvent } from './chaos-events.ts';
export { chaosOptions, DEFAULT_CHAOS_OPTIONS, expectsByteIdentical, replayCommand, type ChaosOptions } from './chaos-options.ts';
export { formatReport, type ChaosReport } from './chaos-report.ts';
export { runChaos } from './run-chaos.ts';
