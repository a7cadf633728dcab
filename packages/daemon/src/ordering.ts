/**
 * The seam between sessions and ordering. Sessions hand requests to an OrderingLayer; it
 * returns them, in one agreed order, through the deliver callback. Group state changes only
 * on delivery, so every daemon of a segment applies joins, leaves and messages in the same
 * interleaving. This file holds the single-daemon layer; the token ring slots in here.
 */

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

export interface ConfigurationView {
  /** Daemon id of the representative that formed this configuration. */
  readonly procId: number;
  /** When the configuration formed, Unix seconds. */
  readonly timeSecs: number;
  /** Daemon names in segment order: a member's daemon index orders group member lists. */
  readonly daemons: readonly string[];
}

export type DeliverFn = (request: OrderedRequest) => void;

export interface OrderingLayer {
  readonly view: ConfigurationView;
  /** Registers the one consumer of delivered requests. */
  onDeliver(deliver: DeliverFn): void;
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
