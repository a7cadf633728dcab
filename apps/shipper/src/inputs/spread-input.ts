/**
 * The `spread` input: a Spread-protocol listener, so web servers still running mod_log_spread
 * (or any Spread sender) keep working unchanged while the shipper pools them all onto its one
 * upstream session.
 *
 * Theory of operation:
 * - An embedded ringlog Daemon (SpreadInputDaemon) listens on `listen` and runs every sender's
 *   session: handshake, joins, leaves, membership notices, KILL, hostile bytes, max_connections.
 * - Its ordering layer (SpreadForwardingOrdering) hands each multicast to SpreadLineForwarder,
 *   which splits the body into lines and pushes them once per destination group. Multicasts
 *   are not delivered to local sessions (see spread-forwarding-ordering.ts for why).
 * - When a push answers `paused`, every open session's socket stops being read until the
 *   engine's whenWritable() resolves.
 * - close(): stop accepting, end every session (lines of frames already read were pushed when
 *   they arrived), release the listeners.
 */
import { formatListenAddress, type ListenAddress, type SpreadInputConfig } from '@ringlog/config';
import { type DaemonOptions, describeAddress, resolveDaemonOptions } from '@ringlog/daemon';
import type { InputHandle } from '@ringlog/shipper';
import { ShipperAppError, ShipperAppErrorCode, ShipperInputError } from '../errors.ts';
import type { InputContext, ShipperInput } from './shipper-input.ts';
import { type MulticastRequest, SpreadForwardingOrdering } from './spread-forwarding-ordering.ts';
import { SpreadInputDaemon } from './spread-input-daemon.ts';
import { SpreadInputTelemetry } from './spread-input-telemetry.ts';
import { isRoutableGroup, SpreadLineForwarder } from './spread-line-forwarder.ts';
import { spreadInputListeners } from './spread-listen-addresses.ts';

/** Knobs the config does not expose; for tests and embedders. */
export interface SpreadInputTuning {
  /** Daemon name in senders' private groups `#user#<name>`; default `localhost`. */
  readonly daemonName?: string;
  /**
   * Longest a connection may take to finish its handshake. Default 5 s, above the daemon's
   * 1 s: a web server restart reconnects thousands of writers at once on a busy host.
   */
  readonly handshakeTimeoutMs?: number;
  /** Daemon id shown in group ids; default a hash of the daemon name. */
  readonly virtualId?: number;
  readonly nowMs?: () => number;
}

const DAEMON_NAME_DEFAULT = 'localhost';
const HANDSHAKE_TIMEOUT_MS_DEFAULT = 5_000;

/** The input factory registered for `type: spread`. */
export function createSpreadInput(config: SpreadInputConfig, context: InputContext, tuning: SpreadInputTuning = {}): SpreadInput {
  return new SpreadInput(config, context, tuning);
}

export class SpreadInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #context: InputContext;
  readonly #options: DaemonOptions;
  readonly #tuning: SpreadInputTuning;
  readonly #telemetry: SpreadInputTelemetry;
  readonly #forwarder: SpreadLineForwarder;
  #daemon: SpreadInputDaemon | null = null;
  #started = false;
  #closing = false;
  #waitingForWritable = false;

  constructor(config: SpreadInputConfig, context: InputContext, tuning: SpreadInputTuning) {
    const listen = listenersOf(config);
    if (config.group !== '' && !isRoutableGroup(config.group, config.vhost_buckets)) {
      throw configError(config.name, `group ${JSON.stringify(config.group)} (with its vhost bucket suffix) is not a legal Spread group name of at most 31 characters`);
    }
    this.#context = context;
    this.#tuning = tuning;
    this.#options = resolveDaemonOptions({
      name: tuning.daemonName ?? DAEMON_NAME_DEFAULT,
      ...(tuning.virtualId !== undefined ? { virtualId: tuning.virtualId } : {}),
      listen,
      maxSessions: config.max_connections,
      handshakeTimeoutMs: tuning.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS_DEFAULT,
    });
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    const logger = context.logger.child({ input: config.name, component: 'spread_input' });
    this.#telemetry = new SpreadInputTelemetry(this.handle.stats, logger, tuning.nowMs);
    const rewrite = { group: config.group, vhostBuckets: config.vhost_buckets };
    this.#forwarder = new SpreadLineForwarder(context.ingest, this.handle, rewrite, (sender, group) => this.#telemetry.unroutableGroup(sender, group));
  }

  /** Where it listens: the bound addresses once started (a port 0 resolved), else the configured ones. */
  get addresses(): readonly ListenAddress[] {
    return this.#daemon?.addresses ?? this.#options.listen;
  }

  /** True while the engine has asked inputs to wait and sessions are not read. */
  get readingPaused(): boolean {
    return this.#daemon?.readingPaused ?? false;
  }

  describe(): string {
    return `spread ${this.addresses.map(describeAddress).join(', ')}`;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error(`input ${this.handle.name}: start() called twice`);
    this.#started = true;
    const nowMs = this.#tuning.nowMs ?? Date.now;
    const ordering = new SpreadForwardingOrdering(this.#options.name, this.#options.virtualId, nowMs(), this.#onMulticast);
    // Set before listening: a sender may connect and multicast while a later listener binds.
    const daemon = new SpreadInputDaemon(this.#options, { logger: this.#telemetry.logger, nowMs, ordering }, this.#telemetry);
    this.#daemon = daemon;
    try {
      await daemon.listen();
    } catch (error) {
      await daemon.close();
      this.#daemon = null;
      const where = this.#options.listen.map(formatListenAddress).join(', ');
      const detail = error instanceof Error ? error.message : String(error);
      throw new ShipperInputError(this.handle.name, `cannot listen on ${where}: ${detail}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const daemon = this.#daemon;
    if (daemon === null) return;
    // Paused sockets would not read their peers' FIN, and the listeners close only once every
    // connection has: read again, and stop pausing, while the daemon ends the sessions.
    daemon.resumeReading();
    await daemon.close();
  }

  readonly #onMulticast = (request: MulticastRequest): void => {
    if (!this.#forwarder.forward(request) || this.#closing) return;
    this.#pauseUntilWritable();
  };

  #pauseUntilWritable(): void {
    if (this.#waitingForWritable) return;
    const daemon = this.#daemon as SpreadInputDaemon;
    this.#waitingForWritable = true;
    daemon.pauseReading();
    void this.#context.ingest.whenWritable().then(() => {
      this.#waitingForWritable = false;
      if (!this.#closing) daemon.resumeReading();
    });
  }
}

function listenersOf(config: SpreadInputConfig): ListenAddress[] {
  try {
    return spreadInputListeners(config.listen);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw configError(config.name, `listen ${JSON.stringify(config.listen)} is not a Spread name (PORT, HOST:PORT or unix:/path): ${detail}`, error);
  }
}

function configError(input: string, message: string, cause?: unknown): ShipperAppError {
  return new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${input}: ${message}`, cause === undefined ? undefined : { cause });
}
