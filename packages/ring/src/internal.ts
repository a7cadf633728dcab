export * from './index.ts';
export { GatherState } from './gather-state.ts';
export { MessageAssembler } from './message-assembler.ts';
export { MessagePacker, ENTRY_OVERHEAD_BYTES } from './message-packer.ts';
export { packetsToResend, recoveryPlan, type RecoveryPlan } from './recovery-plan.ts';
export { RingState } from './ring-state.ts';
