/**
 * The `http` input: `POST /ingest[/:group]` on `listen` (127.0.0.1 by default), for writers
 * that speak HTTP (application servers, scripts). Routes are in http-ingest-server.ts.
 */
import type { Socket } from 'node:net';
import type { HttpInputConfig } from '@ringlog/config';
import { buildHttpIngest, type HttpIngestServer } from './http-ingest-server.ts';
import type { InputContext, ShipperInput } from './shipper-input.ts';
import { formatSocketAddress, parseSocketAddress } from './socket-address.ts';
import { socketStartError } from './socket-start-error.ts';

/** Creates the HTTP input; nothing listens until start(). */
export function createHttpInput(config: HttpInputConfig, context: InputContext): ShipperInput {
  const address = parseSocketAddress(config.name, config.listen);
  const handle = context.ingest.registerInput(config.name, 'http', { group: config.group, vhostBuckets: config.vhost_buckets });
  const logger = context.logger.child({ component: 'input', input: config.name });
  let app: HttpIngestServer | null = null;
  let bound = formatSocketAddress(address);

  return {
    handle,
    describe: () => `http://${bound}/ingest`,
    async start() {
      const server = buildHttpIngest({ ingest: context.ingest, handle, logger, bodyMaxBytes: config.body_max_bytes });
      server.server.on('connection', (socket: Socket) => {
        handle.stats.connections += 1;
        handle.stats.connectionsTotal += 1;
        socket.once('close', () => (handle.stats.connections -= 1));
      });
      try {
        await server.listen({ host: address.host, port: address.port });
      } catch (error) {
        await server.close();
        throw socketStartError(config.name, formatSocketAddress(address), error);
      }
      const local = server.server.address();
      if (local !== null && typeof local === 'object') bound = formatSocketAddress({ host: address.host, port: local.port });
      app = server;
      logger.info({ listen: bound }, 'HTTP input listening');
    },
    async close() {
      const server = app;
      app = null;
      // Fastify waits for requests in flight: their lines are pushed and flushed before they answer.
      await server?.close();
    },
  };
}
