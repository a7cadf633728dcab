/**
 * The collector's admin HTTP: `/healthz`, `/metrics` (Prometheus text) and `/status` (JSON).
 * `buildAdmin` returns an instance that is not listening; the app calls listen, tests use
 * inject(). Bound to 127.0.0.1 by default: the metrics and status name groups and paths.
 */
import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CollectorStatus } from './collector-status.ts';

export interface AdminDependencies {
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly status: () => CollectorStatus;
}

const healthSchema = {
  response: {
    200: healthBody(),
    503: healthBody(),
  },
};

function healthBody(): object {
  return {
    type: 'object',
    properties: { status: { type: 'string' }, connected: { type: 'boolean' }, paused: { type: 'boolean' }, reason: { type: 'string' } },
    required: ['status', 'connected', 'paused'],
  };
}

/**
 * Healthy = connected to the daemon and keeping up with output. Not connected means lines for
 * this box are not arriving; paused means the disks are behind. Both deserve a page.
 */
export function healthOf(status: CollectorStatus): { code: 200 | 503; body: { status: string; connected: boolean; paused: boolean; reason?: string } } {
  const base = { connected: status.daemon.connected, paused: status.paused };
  if (!status.daemon.connected) return { code: 503, body: { status: 'unhealthy', ...base, reason: `not connected to the daemon at ${status.daemon.endpoint}` } };
  if (status.paused) return { code: 503, body: { status: 'unhealthy', ...base, reason: 'output is behind: reading from the daemon is paused' } };
  return { code: 200, body: { status: 'ok', ...base } };
}

export type AdminServer = ReturnType<typeof buildAdmin>;

export function buildAdmin(dependencies: AdminDependencies) {
  // Request lines are logged at info; scrapes every few seconds would drown the collector's own log.
  const app = Fastify({ loggerInstance: dependencies.logger.child({ component: 'admin' }, { level: 'warn' }) });
  app.get('/healthz', { schema: healthSchema }, async (_request, reply) => {
    const health = healthOf(dependencies.status());
    return reply.code(health.code).send(health.body);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await dependencies.metrics.metrics();
    return reply.type(dependencies.metrics.contentType).send(text);
  });
  app.get('/status', async () => dependencies.status());
  return app;
}
