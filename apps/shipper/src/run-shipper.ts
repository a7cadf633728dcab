/**
 * `runShipper(args)`: what the ringlog-shipper command does, callable from tests. Loads the
 * config, opens the spool, starts the engine, the upstream session (to a daemon, or an embedded
 * one), every input and the admin HTTP, and turns signals into a clean stop.
 *
 * Stop order matters for "nothing accepted is lost": inputs first (each pushes what it has
 * read), then the engine writes its open batches to the spool, then the sender gets a few
 * seconds to have the daemon confirm what is spooled; whatever is left stays in the spool and
 * is sent first at the next start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReconnectingSession, formatEndpoint, parseSpreadName, type SpreadService } from '@ringlog/client';
import { clientSpreadName, type DeepReadonly, type ShipperConfig } from '@ringlog/config';
import { installServiceSignals, listenAdminHttp, openDaemonLog, startEmbeddedDaemon, buildAdminHttp, type AdminHttp, type DaemonLog, type EmbeddedDaemon } from '@ringlog/daemon-app';
import { readFileLimit, type Daemon } from '@ringlog/daemon';
import { CollectorAcks, ShipperEngine, Spool, UpstreamSender, type AcknowledgedDelivery } from '@ringlog/shipper';
import { loadOrCreateNodeId } from '@ringlog/delivery';
import type { Logger } from 'pino';
import { loadEffectiveShipperConfig, type RunShipperArgs } from './effective-config.ts';
import { ShipperAppError, ShipperAppErrorCode } from './errors.ts';
import { createInput } from './input-factory.ts';
import type { ShipperInput } from './inputs/shipper-input.ts';
import { createShipperMetrics } from './shipper-metrics.ts';
import type { ShipperParts } from './shipper-parts.ts';
import { shipperHealth, shipperStatus } from './shipper-status.ts';

export const SHIPPER_VERSION = '0.1.0';

/** How long a clean stop waits for the daemon to confirm spooled batches. */
const STOP_DRAIN_MS = 3000;
/** How often the spool's fsync policy is applied. */
const SYNC_TICK_MS = 100;
const SYNC_ERROR_LOG_MS = 10_000;
/** Under on_full: block, lines already read when the cap is hit are still taken: room for them. */
const SPOOL_HEADROOM_BYTES = 64 << 20;

export interface RunningShipper extends ShipperParts {
  readonly config: DeepReadonly<ShipperConfig>;
  readonly logger: Logger;
  readonly embeddedDaemon: Daemon | null;
  readonly adminUrl: string | null;
  stop(reason: string): Promise<void>;
  reopen(): Promise<void>;
}

export async function runShipper(args: RunShipperArgs): Promise<RunningShipper> {
  const { config, source } = await loadEffectiveShipperConfig(args);
  const log = openDaemonLog(config.log.level, config.log.file, 'ringlog-shipper');
  const logger = log.logger;
  warnAboutFileLimit(config, logger);
  const spool = openSpool(config);
  const engine = new ShipperEngine(engineOptions(config), spool);
  engine.onSpoolError((error) => logger.error({ error: error.message }, 'Spool write failed; the batch is kept in memory and retried'));
  let embedded: EmbeddedDaemon | null = null;
  let inputs: ShipperInput[] = [];
  let upstream: UpstreamSender | null = null;
  try {
    embedded = config.shipper.daemon === 'embedded' ? await startEmbeddedDaemon({ config: config.shipper.embedded_config, name: config.shipper.embedded_name }, logger) : null;
    const { sender, endpoint } = startUpstream(config, spool, engine, embedded);
    upstream = sender;
    inputs = await startInputs(config, engine, logger);
    const parts: ShipperParts = { engine, spool, sender, inputs, endpoint, embedded: embedded !== null, spoolMaxBytes: config.spool.max_bytes };
    const syncTimer = setInterval(() => syncSpool(spool, logger), SYNC_TICK_MS);
    syncTimer.unref();
    const startedAtMs = Date.now();
    const { admin, adminUrl } = await listenAdminHttp(config.admin.listen, logger, () =>
      buildAdminHttp({ logger, metrics: createShipperMetrics(parts), status: () => shipperStatus(parts, startedAtMs, SHIPPER_VERSION), health: () => shipperHealth(parts) }),
    );
    logger.info({ config: source, daemon: endpoint, embedded: embedded !== null, inputs: inputs.map((i) => i.describe()), spool: { pendingBytes: spool.pendingBytes }, admin: adminUrl }, 'ringlog-shipper started');
    const running: RunningShipper = {
      ...parts,
      config,
      logger,
      embeddedDaemon: embedded?.daemon ?? null,
      adminUrl,
      reopen: async () => log.reopen(),
      stop: (reason) => stopShipper({ parts, admin, embedded: embedded?.daemon ?? null, log, syncTimer }, reason),
    };
    if (args.handleSignals === true) installServiceSignals(running, 'Reopened the log on SIGHUP');
    return running;
  } catch (error) {
    await Promise.allSettled(inputs.map((input) => input.close()));
    engine.close();
    await upstream?.close();
    spool.close();
    await embedded?.daemon.close();
    log.flush();
    throw error;
  }
}

/** Descriptors the shipper needs besides writers: spool, checkpoints, listeners, admin, upstream. */
const DESCRIPTORS_RESERVED = 64;

/**
 * Each connected writer holds a descriptor. Past the process limit the kernel refuses accepts
 * (writers see errors, not backpressure), so say at start what the limit allows.
 */
function warnAboutFileLimit(config: DeepReadonly<ShipperConfig>, logger: Logger): void {
  const limit = readFileLimit();
  if (limit === null) return;
  const wanted = config.inputs.reduce((sum, input) => sum + ('max_connections' in input ? input.max_connections : 0), 0);
  const room = limit.soft - DESCRIPTORS_RESERVED;
  if (wanted <= room) return;
  logger.warn(
    { fdLimit: limit.soft, fdLimitHard: limit.hard, maxConnections: wanted },
    `The open-file limit (${limit.soft}) allows about ${room} writer connections, fewer than the inputs' max_connections (${wanted}); raise it with LimitNOFILE= or lower max_connections`,
  );
}

function openSpool(config: DeepReadonly<ShipperConfig>): Spool {
  const stateDir = config.shipper.state_dir;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ShipperAppError(ShipperAppErrorCode.STATE_DIR, `cannot create the state directory ${stateDir}: ${(error as Error).message}`, { cause: error });
  }
  return Spool.open({
    dir: join(stateDir, 'spool'),
    segmentBytes: config.spool.segment_bytes,
    maxBytes: config.spool.max_bytes + SPOOL_HEADROOM_BYTES,
    memoryMaxBytes: config.upstream.memory_max_bytes,
    fsyncIntervalMs: config.spool.fsync_interval_ms,
  });
}

let lastSyncErrorLogMs = 0;

/**
 * fsync and cursor persistence on a timer. A failure (EMFILE with every descriptor taken by
 * writers, EIO) must not escape the timer and kill the shipper: it is logged at most every 10 s
 * and tried again at the next tick; appends and sending go on.
 */
function syncSpool(spool: Spool, logger: Logger): void {
  try {
    spool.maybeSync(Date.now());
  } catch (error) {
    if (Date.now() - lastSyncErrorLogMs < SYNC_ERROR_LOG_MS) return;
    lastSyncErrorLogMs = Date.now();
    logger.error({ error: (error as Error).message }, 'Spool sync failed; retrying');
  }
}

function engineOptions(config: DeepReadonly<ShipperConfig>) {
  return {
    lineMaxBytes: config.lines.max_bytes,
    overlong: config.lines.overlong,
    batchMaxBytes: config.batch.max_bytes,
    batchMaxDelayMs: config.batch.max_delay_ms,
    spoolMaxBytes: config.spool.max_bytes,
    onFull: config.spool.on_full,
  };
}

function startUpstream(config: DeepReadonly<ShipperConfig>, spool: Spool, engine: ShipperEngine, embedded: EmbeddedDaemon | null): { sender: UpstreamSender; endpoint: string } {
  const endpoint = parseSpreadName(embedded?.endpoint ?? clientSpreadName(config.shipper.daemon) ?? config.shipper.daemon);
  const session = new ReconnectingSession({
    endpoint,
    name: config.shipper.name,
    membership: false,
    reconnect: { initialDelayMs: config.shipper.reconnect_initial_delay_ms, maxDelayMs: config.shipper.reconnect_max_delay_ms },
  });
  const sender = new UpstreamSender(spool, session, {
    service: config.shipper.service.toUpperCase() as SpreadService,
    windowBytes: config.upstream.window_bytes,
    ...(config.upstream.delivery === 'acknowledged' ? { delivery: acknowledgedDelivery(config, spool) } : {}),
  });
  engine.onSpooled(() => sender.notify());
  sender.onAck(() => engine.spoolShrank());
  return { sender, endpoint: formatEndpoint(endpoint) };
}

/**
 * The shipper's id lives beside its spool: a wiped state_dir starts offsets at 0 again, so it
 * must also be a new shipper to the collectors.
 */
function acknowledgedDelivery(config: DeepReadonly<ShipperConfig>, spool: Spool): AcknowledgedDelivery {
  const stateDir = config.shipper.state_dir;
  const { id: shipperId } = loadOrCreateNodeId(join(stateDir, 'shipper-id'));
  const acks = new CollectorAcks({ shipperId, knownFile: join(stateDir, 'collectors.json'), laggingMaxBytes: config.upstream.lagging_collector_max_bytes, startOffset: spool.ackedOffset });
  return { shipperId, ackGroup: config.upstream.ack_group, acks };
}

async function startInputs(config: DeepReadonly<ShipperConfig>, engine: ShipperEngine, logger: Logger): Promise<ShipperInput[]> {
  const started: ShipperInput[] = [];
  const context = { ingest: engine, lineMaxBytes: engine.lineMaxBytes, stateDir: config.shipper.state_dir };
  try {
    for (const inputConfig of config.inputs) {
      const input = createInput(inputConfig, { ...context, logger: logger.child({ input: inputConfig.name }) });
      await input.start();
      started.push(input);
    }
  } catch (error) {
    await Promise.allSettled(started.map((input) => input.close()));
    throw error;
  }
  return started;
}

interface StopParts {
  readonly parts: ShipperParts;
  readonly admin: AdminHttp | null;
  readonly embedded: Daemon | null;
  readonly log: DaemonLog;
  readonly syncTimer: NodeJS.Timeout;
}

async function stopShipper({ parts, admin, embedded, log, syncTimer }: StopParts, reason: string): Promise<void> {
  const logger = log.logger;
  logger.info({ reason }, 'ringlog-shipper stopping');
  await Promise.allSettled(parts.inputs.map((input) => input.close()));
  parts.engine.close();
  // With no daemon there is nobody to confirm: the spool keeps everything for the next start.
  const confirmed = parts.sender.connected ? await parts.sender.drain(STOP_DRAIN_MS) : parts.spool.pendingBytes === 0;
  await parts.sender.close();
  clearInterval(syncTimer);
  parts.spool.close();
  await admin?.close();
  await embedded?.close();
  logger.info({ confirmed, spooledBytes: parts.spool.pendingBytes }, confirmed ? 'ringlog-shipper stopped; every line was confirmed by the daemon' : 'ringlog-shipper stopped; unconfirmed lines stay in the spool for the next start');
  log.flush();
}
