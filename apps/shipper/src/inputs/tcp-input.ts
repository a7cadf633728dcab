/**
 * Input types `tcp` and `syslog_tcp`: a TCP listener for writers on this node or (when `listen`
 * says so) its neighbours. Framing is newline, RFC 6587 octet counting, or `auto`, decided per
 * connection by its first byte; for `syslog_tcp` each frame is a syslog message whose MSG part is
 * kept.
 */
import type { TcpInputConfig } from '@ringlog/config';
import type { InputHandle } from '@ringlog/shipper';
import { createFrameLines, streamFrameBytesMax } from './line-frames.ts';
import type { InputContext, InputFactory, ShipperInput } from './shipper-input.ts';
import { formatSocketAddress, parseSocketAddress, type SocketAddress } from './socket-address.ts';
import { socketStartError } from './socket-start-error.ts';
import { StreamServer } from './stream-server.ts';

class TcpInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #config: TcpInputConfig;
  readonly #server: StreamServer;
  /** The configured address until start, then the bound one (port 0 becomes the real port). */
  #address: SocketAddress;

  constructor(config: TcpInputConfig, context: InputContext) {
    this.#config = config;
    this.#address = parseSocketAddress(config.name, config.listen);
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    const frameBytesMax = streamFrameBytesMax(context.lineMaxBytes);
    const frames = createFrameLines({ stats: this.handle.stats, lineBytesMax: context.lineMaxBytes, syslog: config.type === 'syslog_tcp', frameBytesMax });
    this.#server = new StreamServer({
      handle: this.handle,
      ingest: context.ingest,
      logger: context.logger,
      framing: { framing: config.framing, frames, octetFrameBytesMax: frameBytesMax, nulTerminates: config.type === 'syslog_tcp' },
      maxConnections: config.max_connections,
      idleTimeoutMs: config.idle_timeout_ms,
    });
  }

  async start(): Promise<void> {
    try {
      const bound = await this.#server.listen({ host: this.#address.host, port: this.#address.port });
      if (bound !== null && typeof bound === 'object') this.#address = { host: bound.address, port: bound.port };
    } catch (error) {
      throw socketStartError(this.#config.name, this.describe(), error);
    }
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  describe(): string {
    return `${this.#config.type}:${formatSocketAddress(this.#address)}`;
  }
}

export const createTcpInput: InputFactory<TcpInputConfig> = (config, context) => new TcpInput(config, context);
