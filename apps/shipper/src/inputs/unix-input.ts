/**
 * Input types `unix` and `syslog_unix`: a unix stream socket that local writers (piped-log
 * helpers, web server workers) connect to and write LF-terminated lines; for `syslog_unix` each
 * line is a syslog message whose MSG part is kept.
 */
import type { UnixInputConfig } from '@ringlog/config';
import type { InputHandle } from '@ringlog/shipper';
import { createFrameLines, streamFrameBytesMax } from './line-frames.ts';
import type { InputContext, InputFactory, ShipperInput } from './shipper-input.ts';
import { SocketFile } from './socket-file.ts';
import { socketStartError } from './socket-start-error.ts';
import { StreamServer } from './stream-server.ts';

class UnixInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #config: UnixInputConfig;
  readonly #socketFile: SocketFile;
  readonly #server: StreamServer;

  constructor(config: UnixInputConfig, context: InputContext) {
    this.#config = config;
    this.#socketFile = new SocketFile(config.name, config.path, config.mode);
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    const frameBytesMax = streamFrameBytesMax(context.lineMaxBytes);
    const frames = createFrameLines({ stats: this.handle.stats, lineBytesMax: context.lineMaxBytes, syslog: config.type === 'syslog_unix', frameBytesMax });
    this.#server = new StreamServer({
      handle: this.handle,
      ingest: context.ingest,
      logger: context.logger,
      framing: { framing: 'newline', frames, octetFrameBytesMax: frameBytesMax, nulTerminates: config.type === 'syslog_unix' },
      maxConnections: config.max_connections,
      idleTimeoutMs: config.idle_timeout_ms,
    });
  }

  async start(): Promise<void> {
    await this.#socketFile.prepare();
    try {
      await this.#server.listen({ path: this.#config.path });
    } catch (error) {
      throw socketStartError(this.#config.name, this.describe(), error);
    }
    try {
      await this.#socketFile.bound();
    } catch (error) {
      await this.#server.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#server.close();
    await this.#socketFile.remove();
  }

  describe(): string {
    return `${this.#config.type}:${this.#config.path}`;
  }
}

export const createUnixInput: InputFactory<UnixInputConfig> = (config, context) => new UnixInput(config, context);
