/**
 * The collector's one daemon session: a ReconnectingSession that joins every group the engine
 * reads, hands message bodies to the engine synchronously (no queue between socket and
 * routing), rejoins after every reconnect, and pauses the socket while output is behind. With an
 * exactly-once engine it also multicasts the engine's acknowledgements to the ack group.
 */
import { ReconnectingSession, formatEndpoint, parseSpreadName, type SpreadEvent } from '@ringlog/client';
import { randomInt } from 'node:crypto';
import { ACK_MESS_TYPE, BATCH_MESS_TYPE, SYNC_MESS_TYPE, decodeAck, type NodeId } from '@ringlog/delivery';
import { AckPublisher } from './ack-publisher.ts';
import type { CollectorEngine } from './collector-engine.ts';
import type { CollectorTelemetry } from './collector-telemetry.ts';

export interface CollectorSourceOptions {
  /** A Spread name: `4803`, `4803@host`, `tcp:host:port`, `unix:/path`. */
  readonly daemon: string;
  /** The Spread private name. */
  readonly name: string;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** Where acknowledgements go, and as whom (engines with a ledger only). */
  readonly acks?: { readonly group: string; readonly collectorId: NodeId };
}

export class CollectorSource {
  readonly #session: ReconnectingSession;
  readonly #engine: CollectorEngine;
  readonly #telemetry: CollectorTelemetry;
  readonly #endpoint: string;
  readonly #statusDone: Promise<void>;
  readonly #acks: AckPublisher | null = null;
  readonly #ackGroup: string | null = null;

  constructor(options: CollectorSourceOptions, engine: CollectorEngine, telemetry: CollectorTelemetry) {
    const endpoint = parseSpreadName(options.daemon);
    this.#endpoint = formatEndpoint(endpoint);
    this.#engine = engine;
    this.#telemetry = telemetry;
    this.#session = new ReconnectingSession({
      endpoint,
      name: options.name,
      membership: true,
      reconnect: { initialDelayMs: options.reconnectInitialDelayMs, maxDelayMs: options.reconnectMaxDelayMs },
    });
    for (const group of engine.groups) this.#session.join(group);
    this.#session.onEvent(this.#onEvent);
    const ledger = engine.ledger;
    if (ledger !== null && options.acks !== undefined) {
      const { group, collectorId } = options.acks;
      const acks = new AckPublisher(ledger, { collectorId, send: (data) => this.#multicast([group], ACK_MESS_TYPE, [data]) });
      engine.onCommit(() => acks.changed());
      this.#acks = acks;
      // Catch-up requests of the other collectors arrive on the ack group, answers on our private group.
      this.#ackGroup = group;
      this.#session.join(group);
      engine.onSync({
        reply: (to, bodies) => this.#multicast([to], SYNC_MESS_TYPE, bodies),
        request: (body) => this.#multicast([group], SYNC_MESS_TYPE, [body]),
        log: (event) => telemetry.syncEvent(event),
      });
    }
    engine.onPressure((paused) => {
      const session = this.#session.current;
      if (session === null) return;
      if (paused) session.pause();
      else session.resume();
    });
    this.#statusDone = this.#followStatus();
  }

  get endpoint(): string {
    return this.#endpoint;
  }

  get connected(): boolean {
    return this.#session.current?.isOpen === true;
  }

  /** Resolves once connected (with groups being joined). */
  async ready(): Promise<void> {
    await this.#session.ready();
  }

  /** Acknowledgement messages sent (0 without acknowledgements). */
  get acksSent(): number {
    return this.#acks?.sent ?? 0;
  }

  /** Sends every shipper's committed offset now: at shutdown, after the last commit. */
  acknowledgeAll(): void {
    this.#acks?.publishAllNow();
  }

  /** Stops receiving: disconnects and stops redialing. */
  async close(): Promise<void> {
    this.#acks?.stop();
    await this.#session.close();
    await this.#statusDone;
  }

  readonly #onEvent = (event: SpreadEvent): void => {
    if (event.type !== 'message') return;
    if (event.messType === BATCH_MESS_TYPE) this.#engine.deliverBatch(event.groups, event.data);
    else if (event.messType === SYNC_MESS_TYPE) this.#engine.deliverSync(event.sender, event.data);
    else if (event.messType === ACK_MESS_TYPE) this.#notePeer(event.data);
    else this.#engine.deliver(event.groups, event.data);
    // A gap changes the ledger without a commit: acknowledge it too.
    if (event.messType === BATCH_MESS_TYPE && this.#engine.ledger?.hasChanges === true) this.#acks?.changed();
  };

  /** After every (re)connection: follow a peer's order for what was missed (docs/delivery.md). */
  #startCatchUp(): void {
    if (this.#ackGroup === null) return;
    const request = this.#engine.beginCatchUp(randomInt(2 ** 31));
    if (request !== null && !this.#multicast([this.#ackGroup], SYNC_MESS_TYPE, [request])) this.#engine.abandonCatchUp('could not send the request');
  }

  /** Other collectors' acknowledgements tell who the peers are (for catch-up). */
  #notePeer(data: Buffer): void {
    try {
      this.#engine.notePeer(decodeAck(data).collectorId);
    } catch {
      // Malformed: shippers count these; a collector only wants the sender's id.
    }
  }

  /**
   * Acknowledgements and catch-up messages (AGREED, so they take their place in the total order).
   * False when there is no connection or it just died: acknowledgements are repeated by the next
   * full one, catch-up requests are given up and asked again at the next connection.
   */
  #multicast(groups: readonly string[], messType: number, bodies: readonly Buffer[]): boolean {
    const session = this.#session.current;
    if (session === null || !session.isOpen) return false;
    try {
      for (const data of bodies) session.multicastNow({ service: 'AGREED', groups: [...groups], messType, data });
      return true;
    } catch {
      return false;
    }
  }

  async #followStatus(): Promise<void> {
    for await (const status of this.#session.status()) {
      switch (status.type) {
        case 'connecting':
          this.#telemetry.connecting(this.#endpoint, status.attempt);
          break;
        case 'connected':
          this.#telemetry.connected(this.#endpoint, status.privateGroup, this.#engine.groups);
          if (this.#engine.paused) this.#session.current?.pause();
          this.#startCatchUp();
          this.#acks?.publishAllNow();
          break;
        case 'disconnected':
          this.#engine.abandonCatchUp('lost the daemon connection');
          this.#telemetry.disconnected(this.#endpoint, status.cause);
          break;
        case 'reconnecting':
          this.#telemetry.reconnecting(this.#endpoint, status.attempt, status.delayMs, status.cause);
          break;
        case 'closed':
          this.#telemetry.sourceClosed(status.error);
          return;
      }
    }
  }
}
