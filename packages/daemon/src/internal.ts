export * from './index.ts';
export { GroupTable } from './group-table.ts';
export { OutputQueue } from './output-queue.ts';
export { HandshakePhase } from './handshake-phase.ts';
export { Delivery, type LocalSessions, type DeliveryTarget } from './delivery.ts';
export { decodeRingPayload, encodeRingPayload, isSafePayload, type RingPayload } from './ordered-request-codec.ts';
export { computeNetworkGroups } from './network-membership.ts';
export { GroupStateExchange } from './group-state-exchange.ts';
