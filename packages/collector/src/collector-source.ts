/**
 * The collector's one daemon session: a ReconnectingSession that joins every group the engine
 * reads, hands message bodies to the engine synchronously (no queue between socket and
 * routing), rejoins after every reconnect, and pauses the socket while output is behind.
 */
import { ReconnectingSession, formatEndpoint, parseSpreadName, type SpreadEvent } from '@ringlog/client';
import type { CollectorEngine } from './collector-engine.ts';
import type { CollectorTelemetry } from './collector-telemetry.ts';

export interface CollectorSourceOptions {
  /** A Spread name: `4803`, `4803@host`, `tcp:host:port`, `unix:/path`. */
  readonly daemon: string;
  /** The Spread private name. */
  readonly name: string;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
}

export class CollectorSource {
  readonly #session: ReconnectingSession;
  readonly #engine: CollectorEngine;
  readonly #telemetry: CollectorTelemetry;
  readonly #endpoint: string;
  readonly #statusDone: Promise<void>;

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

  /** Stops receiving: disconnects and stops redialing. */
  async close(): Promise<void> {
    await this.#session.close();
    await this.#statusDone;
  }

  readonly #onEvent = (event: SpreadEvent): void => {
    if (event.type === 'message') this.#engine.deliver(event.groups, event.data);
  };

  async #followStatus(): Promise<void> {
    for await (const status of this.#session.status()) {
      switch (status.type) {
        case 'connecting':
          this.#telemetry.connecting(this.#endpoint, status.attempt);
          break;
        case 'connected':
          this.#telemetry.connected(this.#endpoint, status.privateGroup, this.#engine.groups);
          if (this.#engine.paused) this.#session.current?.pause();
          break;
        case 'disconnected':
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
