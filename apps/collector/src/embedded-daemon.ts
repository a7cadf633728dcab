/**
 * `collector.daemon: embedded`: ringlogd runs inside the collector's process, so the logging box
 * needs one process, and the collector's session to it cannot be cut by a network. Senders
 * (shippers, mod_log_spread) connect to its listeners as to any ringlogd.
 */
import type { CollectorConfig, DeepReadonly } from '@ringlog/config';
import { daemonOptionsFromConfig, loadEffectiveConfig } from '@ringlog/daemon-app';
import { describeAddress, startDaemon, type Daemon } from '@ringlog/daemon';
import type { Logger } from 'pino';

export interface EmbeddedDaemon {
  readonly daemon: Daemon;
  /** Where the collector's own session connects: the unix listener if there is one (cheaper). */
  readonly endpoint: string;
}

export async function startEmbeddedDaemon(config: DeepReadonly<CollectorConfig>, logger: Logger): Promise<EmbeddedDaemon> {
  const { collector } = config;
  const { config: daemonConfig, source } = await loadEffectiveConfig({
    ...(collector.embedded_config === '' ? {} : { config: collector.embedded_config }),
    ...(collector.embedded_name === '' ? {} : { name: collector.embedded_name }),
  });
  const daemon = await startDaemon(daemonOptionsFromConfig(daemonConfig), { logger: logger.child({ component: 'ringlogd' }) });
  const unix = daemon.addresses.find((address) => address.kind === 'unix');
  const address = unix ?? daemon.addresses[0];
  if (address === undefined) {
    await daemon.close();
    throw new Error('the embedded daemon has no listener for the collector to connect to');
  }
  logger.info({ source, listen: daemon.addresses.map(describeAddress) }, 'Embedded ringlogd started');
  return { daemon, endpoint: describeAddress(address) };
}
