export * from './errors.ts';
export * from './spread-name.ts';
export * from './service.ts';
export * from './events.ts';
export * from './prepared-multicast.ts';
export { SpreadSession, type EventListener } from './session.ts';
export { connect, type ConnectOptions } from './connect.ts';
export type { ReconnectOptions } from './backoff.ts';
export * from './reconnecting-session.ts';
