/**
 * The collector's admin HTTP (`/healthz`, `/metrics`, `/status`): the shared admin server with
 * the collector's notion of health, plus the live tail (`/tail`, server-sent events) and the
 * status and live-tail page (`/`).
 */
import { buildAdminHttp, type AdminHttp, type Health } from '@ringlog/daemon-app';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CollectorStatus } from './collector-status.ts';
import { livePageRoutes } from './live-page.ts';
import type { TailHub } from './tail-hub.ts';
import { tailRoutes } from './tail-routes.ts';

export interface AdminDependencies {
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly status: () => CollectorStatus;
  /** Where `/tail` subscribes; the engine feeds it. */
  readonly tail: TailHub;
}

/**
 * Healthy = connected to the daemon and keeping up with output. Not connected means lines for
 * this box are not arriving; paused means the disks are behind. Both deserve a page.
 */
export function healthOf(status: CollectorStatus): Health & { body: { connected: boolean; paused: boolean } } {
  const base = { connected: status.daemon.connected, paused: status.paused };
  if (!status.daemon.connected) return { code: 503, body: { status: 'unhealthy', ...base, reason: `not connected to the daemon at ${status.daemon.endpoint}` } };
  if (status.paused) return { code: 503, body: { status: 'unhealthy', ...base, reason: 'output is behind: reading from the daemon is paused' } };
  return { code: 200, body: { status: 'ok', ...base } };
}

export type AdminServer = AdminHttp;

export function buildAdmin(dependencies: AdminDependencies): AdminServer {
  const app = buildAdminHttp({ ...dependencies, health: () => healthOf(dependencies.status()) });
  app.register(tailRoutes, { hub: dependencies.tail });
  app.register(livePageRoutes);
  return app;
}
