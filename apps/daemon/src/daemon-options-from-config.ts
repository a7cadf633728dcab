/** Maps a validated config onto the daemon's runtime options. */
import { type DaemonConfig, parseListenAddress } from '@ringlog/config';
import type { DaemonOptions, ListenAddress } from '@ringlog/daemon';

export function daemonOptionsFromConfig(config: DaemonConfig, listenOverride: readonly string[] = []): Partial<DaemonOptions> {
  const daemon = config.daemon;
  const self = config.segment?.daemons.find((d) => d.name === daemon.name);
  const listen = (listenOverride.length > 0 ? listenOverride : daemon.listen).map((text) => parseListenAddress(text) as ListenAddress);
  return {
    name: daemon.name,
    ...(self?.virtual_id !== undefined ? { virtualId: self.virtual_id } : {}),
    listen,
    maxSessions: daemon.max_sessions,
    handshakeTimeoutMs: daemon.handshake_timeout_ms,
    sessionQueueMaxMessages: daemon.session_queue_max_messages,
    sessionQueueMaxBytes: daemon.session_queue_max_bytes,
    sessionQueueFullPolicy: daemon.session_queue_full_policy,
    authMethods: daemon.auth_methods,
  };
}
