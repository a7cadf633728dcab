/**
 * `runDaemon(args)`: what the ringlogd command does, callable from tests. Loads and validates
 * the config, raises the open-file limit, starts the daemon and turns signals into shutdown
 * and log reopening. Returns a handle; deep code sets process.exitCode, only main exits.
 */
import { type DaemonConfig, defaultDaemonConfig, loadDaemonConfig } from '@ringlog/config';
import { type Daemon, defaultVirtualId, describeAddress, raiseFileLimit, RingOrdering, startDaemon } from '@ringlog/daemon';
import type { Logger } from 'pino';
import { daemonOptionsFromConfig } from './daemon-options-from-config.ts';
import { type DaemonLog, openDaemonLog } from './logger.ts';
import { type SegmentRing, segmentNeedsRing, startSegmentRing } from './segment-ring.ts';

export interface RunDaemonArgs {
  readonly config?: string;
  readonly name?: string;
  readonly listen?: readonly string[];
  readonly logLevel?: string;
  /** The segment key file, for a spread.conf without RinglogKeyFile. */
  readonly segmentKeyFile?: string;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (the command does; tests usually do not). */
  readonly handleSignals?: boolean;
}

export interface RunningDaemon {
  readonly daemon: Daemon;
  /** The token ring, when the segment has more than one daemon. */
  readonly ring: SegmentRing | null;
  readonly logger: Logger;
  stop(reason: string): Promise<void>;
}

/** Sessions need one descriptor each; ask for room for a million. */
const FILE_LIMIT_TARGET = 1_048_576;
/** Descriptors the process needs besides sessions: listeners, log file, stdio, libuv. */
const DESCRIPTORS_RESERVED = 64;

export async function loadEffectiveConfig(args: RunDaemonArgs): Promise<{ config: DaemonConfig; warnings: readonly { file: string; line: number; message: string }[]; source: string }> {
  if (args.config === undefined) {
    const config = defaultDaemonConfig();
    const named = args.name === undefined ? config : { ...config, daemon: { ...config.daemon, name: args.name } };
    return { config: named, warnings: [], source: 'built-in defaults' };
  }
  const loaded = await loadDaemonConfig(args.config, {
    ...(args.name === undefined ? {} : { daemonName: args.name }),
    ...(args.segmentKeyFile === undefined ? {} : { segmentKeyFile: args.segmentKeyFile }),
  });
  return { config: loaded.config, warnings: loaded.warnings, source: `${args.config} (${loaded.format})` };
}

export async function runDaemon(args: RunDaemonArgs): Promise<RunningDaemon> {
  const { config, warnings, source } = await loadEffectiveConfig(args);
  const log = openDaemonLog(args.logLevel ?? config.log.level, config.log.file);
  const logger = log.logger;
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line }, warning.message);
  reportFileLimit(logger);
  const options = daemonOptionsFromConfig(config, args.listen);
  const ring = segmentNeedsRing(config) ? await startSegmentRing(config, (error) => logger.warn({ err: error }, 'Ring socket error')) : null;
  let daemon: Daemon;
  try {
    daemon = await startDaemon(options, { logger, ...(ring === null ? {} : { ordering: ringOrdering(config, ring, logger) }) });
  } catch (error) {
    await ring?.close();
    throw error;
  }
  ring?.setStatusSource(() => ({ sessions: daemon.sessionCount, groups: daemon.delivery.groups.size }));
  logger.info(
    {
      source,
      daemonName: daemon.options.name,
      virtualId: daemon.options.virtualId,
      listen: daemon.addresses.map(describeAddress),
      ...(ring === null ? {} : { ring: `udp:${ring.endpoint.address}:${ring.endpoint.port}`, segment: config.segment?.daemons.map((d) => d.name) }),
    },
    'ringlogd started',
  );
  const running: RunningDaemon = { daemon, ring, logger, stop: (reason) => stopDaemon(daemon, ring, log, reason) };
  if (args.handleSignals === true) installSignals(running, log);
  return running;
}

function reportFileLimit(logger: Logger): void {
  const { before, after, error } = raiseFileLimit(FILE_LIMIT_TARGET);
  if (after === null) return;
  const sessionsMax = Math.max(0, after.soft - DESCRIPTORS_RESERVED);
  if (after.soft < FILE_LIMIT_TARGET) {
    logger.warn(
      { fdLimitBefore: before?.soft, fdLimit: after.soft, fdLimitHard: after.hard, error },
      `The operating system's open-file limit (${after.soft}) caps this daemon at about ${sessionsMax} sessions; ` +
        'raise it with LimitNOFILE= in the systemd unit or `ulimit -Hn` (raising the hard limit needs CAP_SYS_RESOURCE)',
    );
    return;
  }
  logger.info({ fdLimitBefore: before?.soft, fdLimit: after.soft }, `Open-file limit allows about ${sessionsMax} sessions`);
}

function ringOrdering(config: DaemonConfig, ring: SegmentRing, logger: Logger): RingOrdering {
  const daemons = config.segment!.daemons;
  const virtualIds = new Map(daemons.map((d) => [d.name, d.virtual_id ?? defaultVirtualId(d.name)]));
  return new RingOrdering({
    daemonName: config.daemon.name,
    segmentDaemons: daemons.map((d) => d.name),
    procIdOf: (name) => virtualIds.get(name) ?? defaultVirtualId(name),
    nowMs: Date.now,
    port: ring.runner,
    logger,
  });
}

async function stopDaemon(daemon: Daemon, ring: SegmentRing | null, log: DaemonLog, reason: string): Promise<void> {
  log.logger.info({ reason, sessions: daemon.sessionCount }, 'ringlogd stopping');
  await daemon.close();
  await ring?.close();
  log.flush();
}

function installSignals(running: RunningDaemon, log: DaemonLog): void {
  const shutdown = (signal: NodeJS.Signals): void => {
    void running.stop(signal).then(() => {
      process.exitCode = 0;
      // Sessions are closed; let pending log writes go out, then leave.
      setTimeout(() => process.exit(), 100).unref();
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('SIGHUP', () => {
    log.reopen();
    running.logger.info('Log file reopened on SIGHUP');
  });
}
