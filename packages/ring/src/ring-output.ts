import type { DaemonName, RingId, RingPacket } from './packets.ts';

/** A packet to send; `to` lists the destinations (the transport may broadcast instead). */
export interface Send {
  readonly to: readonly DaemonName[];
  readonly packet: RingPacket;
}

/** A client message delivered in the agreed order. */
export interface MessageEvent {
  readonly kind: 'message';
  readonly origin: DaemonName;
  readonly safe: boolean;
  readonly payload: Uint8Array;
}

/**
 * The end of a regular configuration: the members that move on together. Messages delivered
 * after it and before the next regular configuration belong to this transitional one.
 */
export interface TransitionalEvent {
  readonly kind: 'transitional';
  readonly oldRingId: RingId;
  readonly newRingId: RingId;
  readonly members: readonly DaemonName[];
}

/** A new regular configuration; `previous[i]` is the ring members[i] came from (null: none). */
export interface RegularEvent {
  readonly kind: 'regular';
  readonly ringId: RingId;
  readonly members: readonly DaemonName[];
  /** Each member's incarnation: a changed one means that daemon restarted. */
  readonly incarnations: readonly number[];
  readonly previous: readonly (RingId | null)[];
}

export type RingEvent = MessageEvent | TransitionalEvent | RegularEvent;

export interface RingOutput {
  readonly sends: Send[];
  readonly events: RingEvent[];
}
