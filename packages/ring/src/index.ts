export * from './packets.ts';
export * from './ring-options.ts';
export * from './ring-output.ts';
export * from './ring-stats.ts';
export { RingNode, type RingPhase } from './ring-node.ts';
