/**
 * The admin HTTP every ringlog service serves: `/healthz`, `/metrics` (Prometheus text) and
 * `/status` (JSON). `buildAdminHttp` returns an instance that is not listening (tests use
 * inject()); `listenAdminHttp` binds it. 127.0.0.1 by default: metrics name groups and paths.
 */
import { ADMIN_LISTEN_OFF, parseAdminListen } from '@ringlog/config';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export interface Health {
  readonly code: 200 | 503;
  readonly body: { readonly status: string; readonly reason?: string } & Readonly<Record<string, unknown>>;
}

export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface AdminHttpDependencies {
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly status: () => unknown;
  readonly health: () => Health;
}

export type AdminHttp = FastifyInstance;

export function buildAdminHttp(dependencies: AdminHttpDependencies): AdminHttp {
  // Request lines are logged at info; scrapes every few seconds would drown the service's own log.
  const app = Fastify({ loggerInstance: dependencies.logger.child({ component: 'admin' }, { level: 'warn' }) }) as unknown as FastifyInstance;
  app.get('/healthz', async (_request, reply) => {
    const health = dependencies.health();
    return reply.code(health.code).send(health.body);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await dependencies.metrics.metrics();
    return reply.type(dependencies.metrics.contentType).send(text);
  });
  app.get('/status', async () => dependencies.status());
  return app;
}

/** Binds the admin HTTP to `listen` (HOST:PORT) unless it is "off"; returns its URL or null. */
export async function listenAdminHttp(listen: string, logger: Logger, build: () => AdminHttp): Promise<{ admin: AdminHttp | null; adminUrl: string | null }> {
  if (listen === ADMIN_LISTEN_OFF) return { admin: null, adminUrl: null };
  const address = parseAdminListen(listen);
  if (address === undefined) throw new Error(`admin.listen ${JSON.stringify(listen)} is not HOST:PORT or "off"`);
  const admin = build();
  try {
    await admin.listen({ host: address.host, port: address.port });
  } catch (error) {
    await admin.close();
    throw new Error(`cannot serve the admin HTTP on ${listen}: ${(error as Error).message}`, { cause: error });
  }
  const bound = admin.server.address();
  if (bound === null || typeof bound === 'string') throw new Error(`the admin HTTP has no TCP address (${String(bound)})`);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  logger.debug({ host, port: bound.port }, 'Admin HTTP listening');
  return { admin, adminUrl: `http://${host}:${bound.port}` };
}
