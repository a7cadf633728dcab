/**
 * `runDaemon(args)`: what the ringlogd command does, callable from tests. Loads and validates
 * the config, raises the open-file limit, starts the daemon and turns signals into shutdown
 * and log reopening. Returns a handle; deep code sets process.exitCode, only main exits.
 */
import { type DaemonConfig, defaultDaemonConfig, loadDaemonConfig } from '@ringlog/config';
import { type Daemon, describeAddress, raiseFileLimit, startDaemon } from '@ringlog/daemon';
import type { Logger } from 'pino';
import { daemonOptionsFromConfig } from './daemon-options-from-config.ts';
import { type DaemonLog, openDaemonLog } from './logger.ts';

export interface RunDaemonArgs {
  readonly config?: string;
  readonly name?: string;
  readonly listen?: readonly string[];
  readonly logLevel?: string;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (the command does; tests usually do not). */
  readonly handleSignals?: boolean;
}

export interface RunningDaemon {
  readonly daemon: Daemon;
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
  const loaded = await loadDaemonConfig(args.config, args.name === undefined ? {} : { daemonName: args.name });
  return { config: loaded.config, warnings: loaded.warnings, source: `${args.config} (${loaded.format})` };
}

export async function runDaemon(args: RunDaemonArgs): Promise<RunningDaemon> {
  const { config, warnings, source } = await loadEffectiveConfig(args);
  const log = openDaemonLog(args.logLevel ?? config.log.level, config.log.file);
  const logger = log.logger;
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line }, warning.message);
  reportFileLimit(logger);
  const daemon = await startDaemon(daemonOptionsFromConfig(config, args.listen), { logger });
  logger.info(
    { source, daemonName: daemon.options.name, virtualId: daemon.options.virtualId, listen: daemon.addresses.map(describeAddress) },
    'ringlogd started',
  );
  const running: RunningDaemon = { daemon, logger, stop: (reason) => stopDaemon(daemon, log, reason) };
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

async function stopDaemon(daemon: Daemon, log: DaemonLog, reason: string): Promise<void> {
  log.logger.info({ reason, sessions: daemon.sessionCount }, 'ringlogd stopping');
  await daemon.close();
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
