/**
 * `runCollector(args)`: what the ringlog-collector command does, callable from tests. Loads and
 * validates the config, starts an embedded daemon if asked, the engine, the daemon session and
 * the admin HTTP, and turns signals into reopen and shutdown. Deep code sets process.exitCode;
 * only main exits.
 */
import path from 'node:path';
import { clientSpreadName, type CollectorConfig, type DeepReadonly } from '@ringlog/config';
import { CollectorEngine, CollectorSource, CollectorTelemetry, DeliveryLedger, OrderLog, WriteJournal, type EngineDelivery } from '@ringlog/collector';
import { loadOrCreateNodeId, type NodeId } from '@ringlog/delivery';
import { installServiceSignals, listenAdminHttp, openDaemonLog, startEmbeddedDaemon, type DaemonLog } from '@ringlog/daemon-app';
import type { Daemon } from '@ringlog/daemon';
import type { Logger } from 'pino';
import { buildAdmin, type AdminServer } from './admin-server.ts';
import { createCollectorMetrics } from './collector-metrics.ts';
import { collectorStatus } from './collector-status.ts';
import { loadEffectiveCollectorConfig, type RunCollectorArgs } from './effective-config.ts';
import { TailHub } from './tail-hub.ts';

export const COLLECTOR_VERSION = '0.1.0';

export interface RunningCollector {
  readonly config: DeepReadonly<CollectorConfig>;
  readonly engine: CollectorEngine;
  readonly source: CollectorSource;
  readonly telemetry: CollectorTelemetry;
  readonly logger: Logger;
  readonly embeddedDaemon: Daemon | null;
  /** "http://127.0.0.1:9180" or null when the admin HTTP is off. */
  readonly adminUrl: string | null;
  readonly admin: AdminServer | null;
  /** The live tail's hub (`/tail`); idle while nobody listens. */
  readonly tail: TailHub;
  reopen(): Promise<void>;
  stop(reason: string): Promise<void>;
}

export async function runCollector(args: RunCollectorArgs): Promise<RunningCollector> {
  const { config, warnings, source: configSource } = await loadEffectiveCollectorConfig(args);
  const log = openDaemonLog(config.log.level, config.log.file, 'ringlog-collector');
  const logger = log.logger;
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line }, warning.message);
  const telemetry = new CollectorTelemetry(logger.child({ component: 'collector' }));
  const embedded = config.collector.daemon === 'embedded' ? await startEmbeddedDaemon({ config: config.collector.embedded_config, name: config.collector.embedded_name }, logger) : null;
  const { delivery, collectorId } = openDelivery(config, logger);
  const engine = new CollectorEngine({ config, telemetry, delivery });
  const source = new CollectorSource(
    {
      daemon: embedded?.endpoint ?? clientSpreadName(config.collector.daemon) ?? config.collector.daemon,
      name: config.collector.name,
      reconnectInitialDelayMs: config.collector.reconnect_initial_delay_ms,
      reconnectMaxDelayMs: config.collector.reconnect_max_delay_ms,
      acks: { group: config.collector.ack_group, collectorId },
    },
    engine,
    telemetry,
  );
  const startedAtMs = Date.now();
  const status = () => collectorStatus({ engine, telemetry, endpoint: source.endpoint, embedded: embedded !== null, startedAtMs, version: COLLECTOR_VERSION });
  // The engine feeds the live tail only while someone listens.
  const tail: TailHub = new TailHub({ onActiveChange: (active) => engine.tapMessages(active ? tail.publish : null) });
  const { admin, adminUrl } = await listenAdminHttp(config.admin.listen, logger, () => buildAdmin({ logger, metrics: createCollectorMetrics({ engine, telemetry, tail }), status, tail }));
  logger.info({ config: configSource, daemon: source.endpoint, embedded: embedded !== null, groups: engine.groups, logs: config.logs.map((l) => l.name), admin: adminUrl, collectorId }, 'ringlog-collector started');
  const running: RunningCollector = {
    config,
    engine,
    source,
    telemetry,
    logger,
    embeddedDaemon: embedded?.daemon ?? null,
    adminUrl,
    admin,
    tail,
    reopen: () => reopenAll(engine, log),
    stop: (reason) => stopCollector({ engine, source, admin, embedded: embedded?.daemon ?? null, log }, reason),
  };
  if (args.handleSignals === true) installServiceSignals(running, 'Reopened every output file and the log on SIGHUP');
  return running;
}

/**
 * The collector's id and write journal in state_dir. An unfinished flush of the previous run is
 * undone here, before anything is written: its batches were not acknowledged and come again.
 */
function openDelivery(config: DeepReadonly<CollectorConfig>, logger: Logger): { delivery: EngineDelivery; collectorId: NodeId } {
  const dir = config.collector.state_dir;
  const { journal, recovery } = WriteJournal.open({ dir, fsync: config.output.fsync === 'always', roots: outputRoots(config) });
  const { id: collectorId, created } = loadOrCreateNodeId(path.join(dir, 'collector-id'));
  if (created) logger.info({ collectorId, stateDir: dir }, 'New collector id: shippers will keep batches for this collector from now on');
  for (const cut of recovery.truncated) logger.warn(cut, 'Cut back a file written by a flush the previous run did not finish; its lines come again');
  for (const skipped of recovery.skipped) logger.warn({ path: skipped }, 'Left alone a journal path outside every output root or not a regular file');
  const orderLog = OrderLog.open(dir, recovery.orderLength);
  orderLog.fsync = config.output.fsync === 'always';
  const peersFile = path.join(dir, 'peers.json');
  return { delivery: { journal, ledger: new DeliveryLedger(recovery.written), orderLog, collectorId, peersFile }, collectorId };
}

/** Directories the collector's files live under: split roots and the directories of plain files. */
function outputRoots(config: DeepReadonly<CollectorConfig>): string[] {
  const roots: string[] = [];
  for (const log of config.logs) {
    if (log.split !== undefined) roots.push(log.split.root);
    if (log.file !== undefined) roots.push(path.dirname(log.file));
    if (log.unmatched_file !== undefined) roots.push(path.dirname(log.unmatched_file));
  }
  return roots;
}

async function reopenAll(engine: CollectorEngine, log: DaemonLog): Promise<void> {
  log.reopen();
  await engine.reopen();
}

interface StopParts {
  readonly engine: CollectorEngine;
  readonly source: CollectorSource;
  readonly admin: AdminServer | null;
  readonly embedded: Daemon | null;
  readonly log: DaemonLog;
}

/** Stop reading first, so everything received is written before the files close. */
async function stopCollector(parts: StopParts, reason: string): Promise<void> {
  parts.log.logger.info({ reason }, 'ringlog-collector stopping');
  await parts.source.close();
  await parts.engine.close();
  await parts.admin?.close();
  await parts.embedded?.close();
  parts.log.logger.info({ pendingBytes: parts.engine.pendingBytes }, 'ringlog-collector stopped; every received line is written');
  parts.log.flush();
}
