/**
 * # Theory of operation
 *
 * The ordering layer of a daemon in a segment of several: requests go onto the token ring
 * (packages/ring) as bytes, and come back from it, at every daemon, in one total order. The
 * ring itself lives behind a RingPort that a runner implements (RingNode, UDP, timers), so
 * this class touches no socket or timer and tests drive it over an in-memory network.
 *
 * Ring events map to deliveries:
 * - message: decoded (ordered-request-codec.ts) and delivered; a payload a peer got wrong is
 *   counted and dropped.
 * - transitional: delivered as is; the daemon tells groups that lose members.
 * - regular: starts a group state exchange (group-state-exchange.ts). This daemon submits
 *   its own sessions' memberships ahead of everything it has waiting, then holds every
 *   request delivered until each member daemon's state has been delivered; then it updates
 *   the view, delivers one NetworkChange with all the states, then the held requests. Every
 *   daemon of the configuration sees the same states in the same order, so all compute the
 *   same group table.
 * - A network change before the exchange ends (a member left mid-exchange) cuts it short:
 *   the states received so far are delivered as an incomplete NetworkChange, then the held
 *   requests, then the new transitional configuration. Clients may then see a TRANSITION
 *   whose REG comes only with the next complete exchange.
 *
 * Rules of this file: deliveries leave in ring order and never re-entrantly; an event the
 * port raises while one is being handled waits in a queue and is handled after it.
 */
import pino, { type Logger } from 'pino';
import { RingPayloadError } from './errors.ts';
import type { GroupStateMessage, ViewId } from './group-state.ts';
import { GroupStateExchange } from './group-state-exchange.ts';
import { decodeRingPayload, encodeRingPayload, isSafePayload } from './ordered-request-codec.ts';
import type { ConfigurationView, Delivered, DeliverFn, GroupStateSource, OrderedRequest, OrderingLayer } from './ordering.ts';
import { type MessageEvent, type RegularEvent, type RingEvent, ringIdText } from '@ringlog/ring';
import { type RingOrderingCounters, RingOrderingTelemetry } from './ring-ordering-telemetry.ts';

/** The daemon's side of the token ring, implemented by the runner that owns the RingNode. */
export interface RingPort {
  /** Orders `payload`; safe asks for SAFE delivery. Callable before the first configuration. */
  submit(payload: Uint8Array, safe: boolean): void;
  /** Like submit, ahead of every payload this daemon has waiting. */
  submitFirst(payload: Uint8Array, safe: boolean): void;
  /** Registers the one consumer of ring events, in order. */
  onEvent(handler: (event: RingEvent) => void): void;
  close(): void;
}

export interface RingOrderingOptions {
  readonly daemonName: string;
  /** Every configured daemon, in configuration order. */
  readonly segmentDaemons: readonly string[];
  /** A daemon's virtual id: the proc_id of group ids. */
  readonly procIdOf: (daemon: string) => number;
  readonly nowMs: () => number;
  readonly port: RingPort;
  readonly logger?: Logger;
}

/** Deliveries made before the daemon registered: a wiring bug past this many. */
const EARLY_DELIVERIES_MAX = 65_536;

export class RingOrdering implements OrderingLayer {
  readonly #self: string;
  readonly #segment: readonly string[];
  readonly #procIdOf: (daemon: string) => number;
  readonly #nowMs: () => number;
  readonly #port: RingPort;
  readonly #telemetry: RingOrderingTelemetry;
  #view: ConfigurationView;
  /** The last configuration this daemon installed; null before the first. */
  #installed: ViewId | null = null;
  #members: readonly string[] = [];
  #exchange: GroupStateExchange | null = null;
  #deliver: DeliverFn | null = null;
  #groupSource: GroupStateSource | null = null;
  readonly #early: Delivered[] = [];
  readonly #events: RingEvent[] = [];
  #handling = false;
  #closed = false;

  constructor(options: RingOrderingOptions) {
    if (!options.segmentDaemons.includes(options.daemonName)) throw new Error(`RingOrdering: ${options.daemonName} is not in its segment`);
    this.#self = options.daemonName;
    this.#segment = [...options.segmentDaemons];
    this.#procIdOf = options.procIdOf;
    this.#nowMs = options.nowMs;
    this.#port = options.port;
    this.#telemetry = new RingOrderingTelemetry(options.logger ?? pino({ level: 'silent' }));
    this.#view = { procId: options.procIdOf(options.daemonName), timeSecs: Math.floor(options.nowMs() / 1000), daemons: this.#segment };
    this.#port.onEvent(this.#onEvent);
  }

  get view(): ConfigurationView {
    return this.#view;
  }

  get counters(): RingOrderingCounters {
    return this.#telemetry.counters;
  }

  /** The daemons of the configuration whose group states were last applied; none before the first. */
  get members(): readonly string[] {
    return this.#members;
  }

  /** True while a group state exchange holds deliveries back. */
  get exchanging(): boolean {
    return this.#exchange !== null;
  }

  onDeliver(deliver: DeliverFn): void {
    this.#deliver = deliver;
    for (const delivered of this.#early.splice(0)) deliver(delivered);
  }

  onGroupState(source: GroupStateSource): void {
    this.#groupSource = source;
  }

  submit(request: OrderedRequest): void {
    if (this.#closed) return;
    this.#port.submit(encodeRingPayload(request), isSafePayload(request));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#deliver = null;
    this.#port.close();
  }

  readonly #onEvent = (event: RingEvent): void => {
    this.#events.push(event);
    if (this.#handling) return;
    this.#handling = true;
    try {
      for (let next = this.#events.shift(); next !== undefined; next = this.#events.shift()) this.#handle(next);
    } finally {
      this.#handling = false;
    }
  };

  #handle(event: RingEvent): void {
    if (this.#closed) return;
    switch (event.kind) {
      case 'message':
        this.#onMessage(event);
        return;
      case 'transitional':
        if (this.#exchange !== null) this.#finishExchange(false);
        this.#out({ kind: 'transitional', daemons: event.members });
        return;
      case 'regular':
        this.#onRegular(event);
    }
  }

  #onMessage(event: MessageEvent): void {
    const payload = decodeRingPayload(event.payload, event.origin);
    if (payload instanceof RingPayloadError) {
      this.#telemetry.payloadDropped(event.origin, payload);
      return;
    }
    if (payload.kind === 'group-state') {
      this.#onGroupStateMessage(payload);
      return;
    }
    if (this.#exchange !== null) {
      this.#exchange.held.push(payload);
      return;
    }
    this.#out(payload);
  }

  #onRegular(event: RegularEvent): void {
    if (this.#exchange !== null) this.#finishExchange(false);
    const daemons = this.#segment.filter((daemon) => event.members.includes(daemon));
    const sources = daemons.map((daemon) => event.previous[event.members.indexOf(daemon)] ?? null);
    // Distinct from the last configuration's time even within one second, so group ids never repeat.
    const timeSecs = Math.max(Math.floor(this.#nowMs() / 1000), (this.#installed?.timeSecs ?? -1) + 1);
    this.#exchange = new GroupStateExchange(event.ringId, daemons, sources, timeSecs);
    this.#telemetry.configurationInstalled(ringIdText(event.ringId), daemons);
    const state: GroupStateMessage = {
      kind: 'group-state',
      ringId: event.ringId,
      daemon: this.#self,
      timeSecs,
      previousView: this.#installed,
      groups: this.#groupSource?.localGroupState(daemons) ?? [],
    };
    this.#port.submitFirst(encodeRingPayload(state), false);
  }

  #onGroupStateMessage(state: GroupStateMessage): void {
    const exchange = this.#exchange;
    const verdict = exchange === null ? 'stale' : exchange.add(state);
    if (verdict !== 'accepted') {
      this.#telemetry.stateIgnored(state.daemon, verdict);
      return;
    }
    if (exchange?.complete === true) this.#finishExchange(true);
  }

  #finishExchange(complete: boolean): void {
    const exchange = this.#exchange as GroupStateExchange;
    this.#exchange = null;
    const ring = ringIdText(exchange.ringId);
    if (complete) this.#telemetry.exchangeCompleted(ring, exchange.agreedTimeSecs());
    else this.#telemetry.exchangeCutShort(ring, exchange.missing);
    const procId = this.#procIdOf(exchange.ringId.rep);
    const timeSecs = exchange.agreedTimeSecs();
    this.#installed = { procId, timeSecs };
    this.#members = exchange.daemons;
    this.#view = { procId, timeSecs, daemons: this.#segment };
    this.#out({ kind: 'network', complete, daemons: exchange.daemons, sources: exchange.sources, states: exchange.states() });
    for (const request of exchange.held) this.#out(request);
  }

  #out(delivered: Delivered): void {
    if (this.#deliver !== null) {
      this.#deliver(delivered);
      return;
    }
    if (this.#early.length >= EARLY_DELIVERIES_MAX) throw new Error('RingOrdering: the ring delivers but nobody called onDeliver');
    this.#early.push(delivered);
  }
}
