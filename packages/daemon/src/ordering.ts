/**
 * The seam between sessions and ordering. Sessions hand requests to an OrderingLayer; it
 * returns them, in one agreed order, through the deliver callback. Group state changes only
 * on delivery, so every daemon of a segment applies joins, leaves and messages in the same
 * interleaving. This file holds the single-daemon layer; the token ring's is ring-ordering.ts.
 */
import type { GroupStateEntry, GroupStateMessage } from './group-state.ts';
import type { RingId } from '@ringlog/ring';

export type OrderedRequest =
  | {
      readonly kind: 'multicast';
      readonly sender: string;
      readonly service: number;
      readonly selfDiscard: boolean;
      readonly groups: readonly string[];
      /** The daemon→client frame, encoded once and shared by every receiver. */
      readonly frame: Buffer;
    }
  | { readonly kind: 'join'; readonly member: string; readonly group: string }
  | { readonly kind: 'leave'; readonly member: string; readonly group: string }
  | { readonly kind: 'disconnect'; readonly member: string };

/**
 * The daemons this one moves on with from its old configuration. Messages delivered after
 * it, up to the next NetworkChange, belong to the transitional configuration.
 */
export interface TransitionalChange {
  readonly kind: 'transitional';
  readonly daemons: readonly string[];
}

/**
 * A new regular configuration, once its group state exchange ended. `states` holds what each
 * member daemon said about its own sessions' groups, in configuration order; `complete` is
 * false when a further network change cut the exchange short and some states never came.
 */
export interface NetworkChange {
  readonly kind: 'network';
  readonly complete: boolean;
  /** The new configuration's daemons, in segment order. */
  readonly daemons: readonly string[];
  /** `sources[i]`: the configuration daemons[i] came from; null for a daemon that just started. */
  readonly sources: readonly (RingId | null)[];
  readonly states: readonly GroupStateMessage[];
}

/** What an ordering layer hands the daemon, in its agreed order. */
export type Delivered = OrderedRequest | TransitionalChange | NetworkChange;

export interface ConfigurationView {
  /** Daemon id of the representative that formed this configuration. */
  readonly procId: number;
  /** When the configuration formed, Unix seconds. */
  readonly timeSecs: number;
  /** Daemon names in segment order: a member's daemon index orders group member lists. */
  readonly daemons: readonly string[];
}

export type DeliverFn = (delivered: Delivered) => void;

/** Where a multi-daemon layer reads this daemon's own group memberships at a network change. */
export interface GroupStateSource {
  /** The groups with members on this daemon, as they stand now, judged against the new configuration. */
  localGroupState(daemons: readonly string[]): readonly GroupStateEntry[];
}

export interface OrderingLayer {
  readonly view: ConfigurationView;
  /** Registers the one consumer of delivered requests. */
  onDeliver(deliver: DeliverFn): void;
  /** Multi-daemon layers only: registers where to read local memberships for the group state exchange. */
  onGroupState?(source: GroupStateSource): void;
  submit(request: OrderedRequest): void;
  close(): void;
}

/**
 * One daemon, no peers: it is the whole configuration, so every service level is met by
 * delivering each request at once, in submission order. SAFE needs every member to hold the
 * message; the only member does.
 */
export class LocalOrdering implements OrderingLayer {
  readonly view: ConfigurationView;
  #deliver: DeliverFn | null = null;

  constructor(daemonName: string, procId: number, nowMs: number) {
    this.view = { procId, timeSecs: Math.floor(nowMs / 1000), daemons: [daemonName] };
  }

  onDeliver(deliver: DeliverFn): void {
    this.#deliver = deliver;
  }

  submit(request: OrderedRequest): void {
    if (this.#deliver === null) throw new Error('LocalOrdering: submit before onDeliver');
    this.#deliver(request);
  }

  close(): void {
    this.#deliver = null;
  }
}
