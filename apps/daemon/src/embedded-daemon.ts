/**
 * `daemon: embedded` for the collector and the shipper: ringlogd runs inside their process, so a
 * node needs one process, and the session to it cannot be cut by a network. Other senders
 * connect to its listeners as to any ringlogd.
 */
import { describeAddress, startDaemon, type Daemon } from '@ringlog/daemon';
import type { Logger } from 'pino';
import { daemonOptionsFromConfig } from './daemon-options-from-config.ts';
import { loadEffectiveConfig } from './run-daemon.ts';

export interface EmbeddedDaemon {
  readonly daemon: Daemon;
  /** Where the host's own session connects: the unix listener if there is one (cheaper). */
  readonly endpoint: string;
}

export interface EmbeddedDaemonConfig {
  /** ringlogd YAML or spread.conf; empty = ringlogd's defaults. */
  readonly config: string;
  /** The daemon's name in a config that names several; empty = the only one. */
  readonly name: string;
}

export async function startEmbeddedDaemon(embedded: EmbeddedDaemonConfig, logger: Logger): Promise<EmbeddedDaemon> {
  const { config: daemonConfig, source } = await loadEffectiveConfig({
    ...(embedded.config === '' ? {} : { config: embedded.config }),
    ...(embedded.name === '' ? {} : { name: embedded.name }),
  });
  const daemon = await startDaemon(daemonOptionsFromConfig(daemonConfig), { logger: logger.child({ component: 'ringlogd' }) });
  const unix = daemon.addresses.find((address) => address.kind === 'unix');
  const address = unix ?? daemon.addresses[0];
  if (address === undefined) {
    await daemon.close();
    throw new Error('the embedded daemon has no listener to connect to');
  }
  logger.info({ source, listen: daemon.addresses.map(describeAddress) }, 'Embedded ringlogd started');
  return { daemon, endpoint: describeAddress(address) };
}
