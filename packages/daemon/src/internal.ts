export * from './index.ts';
export { GroupTable } from './group-table.ts';
export { OutputQueue } from './output-queue.ts';
export { HandshakePhase } from './handshake-phase.ts';
export { Delivery } from './delivery.ts';
