/**
 * The `pipe` input: a unix stream socket where `ringlog pipe` helpers (one per Apache
 * `CustomLog "|ringlog pipe …"`) deliver lines and get acknowledgements back. The protocol is
 * documented in packages/shipper/src/pipe-protocol.ts; connections live in pipe-connection.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PipeInputConfig } from '@ringlog/config';
import { PipeAckTimer } from './pipe-ack-timer.ts';
import { PipeConnection } from './pipe-connection.ts';
import { SocketFile } from './socket-file.ts';
import { socketStartError } from './socket-start-error.ts';
import { encodePipeBye, PIPE_ACK_INTERVAL_MS, PipeByeReason } from '@ringlog/shipper';
import type { InputContext, ShipperInput } from './shipper-input.ts';

/** A refused writer gets this long to read its BYE before the socket is destroyed. */
const REFUSAL_GRACE_MS = 1000;

/** Creates the pipe input; nothing is bound until start(). */
export function createPipeInput(config: PipeInputConfig, context: InputContext): ShipperInput {
  const handle = context.ingest.registerInput(config.name, 'pipe', { group: config.group, vhostBuckets: config.vhost_buckets });
  const logger = context.logger.child({ component: 'input', input: config.name });
  const acks = new PipeAckTimer(context.ingest, logger, PIPE_ACK_INTERVAL_MS);
  const connections = new Set<PipeConnection>();
  const socketFile = new SocketFile(config.name, config.path, config.mode);
  let server: Server | null = null;

  const onClosed = (connection: PipeConnection): void => {
    connections.delete(connection);
    handle.stats.connections = connections.size;
  };
  const accept = (socket: Socket): void => {
    if (connections.size >= config.max_connections) {
      handle.stats.error('too_many_connections');
      socket.on('error', () => socket.destroy());
      socket.setTimeout(REFUSAL_GRACE_MS, () => socket.destroy());
      socket.end(encodePipeBye(PipeByeReason.TOO_MANY_CONNECTIONS));
      return;
    }
    connections.add(new PipeConnection(socket, { ingest: context.ingest, handle, acks, logger, idleTimeoutMs: config.idle_timeout_ms, onClosed }));
    handle.stats.connections = connections.size;
    handle.stats.connectionsTotal += 1;
  };

  return {
    handle,
    describe: () => `unix:${config.path}`,
    async start() {
      await socketFile.prepare();
      try {
        server = await listen(config.path, accept);
      } catch (error) {
        throw socketStartError(config.name, `unix:${config.path}`, error);
      }
      server.on('error', (error) => logger.error({ err: error }, 'Pipe input socket failed'));
      await socketFile.bound().catch((error: unknown) => {
        server?.close();
        server = null;
        throw error;
      });
      logger.info({ path: config.path }, 'Pipe input listening');
    },
    async close() {
      const listening = server;
      server = null;
      if (listening === null) return;
      const serverClosed = new Promise<void>((resolve) => listening.close(() => resolve()));
      for (const connection of connections) connection.stopReading();
      acks.flushNow();
      await Promise.all([...connections].map((connection) => connection.end(PipeByeReason.SHUTDOWN)));
      acks.close();
      await serverClosed;
      await socketFile.remove();
    },
  };
}

function listen(path: string, accept: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(accept);
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
