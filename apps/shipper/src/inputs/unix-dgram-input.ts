/**
 * Input types `unix_dgram` and `syslog_unix_dgram`: a unix datagram socket, what nginx's
 * `access_log syslog:server=unix:/path` sends to (one syslog message per datagram). For
 * `unix_dgram` a datagram holds one or more LF-separated lines.
 */
import type { UnixDgramInputConfig } from '@ringlog/config';
import type { InputHandle } from '@ringlog/shipper';
import type { Logger } from 'pino';
import { createFrameLines } from './line-frames.ts';
import type { InputContext, InputFactory, ShipperInput } from './shipper-input.ts';
import { DatagramReceiver } from './socket-datagrams.ts';
import { SocketFile } from './socket-file.ts';
import { socketStartError } from './socket-start-error.ts';
import { UNIX_DGRAM_RECEIVE_BYTES_MAX, bindUnixDgram, createUnixDgramSocket, type UnixDgramSocket } from './socket-unix-dgram.ts';

class UnixDgramInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #config: UnixDgramInputConfig;
  readonly #logger: Logger;
  readonly #socketFile: SocketFile;
  readonly #receiver: DatagramReceiver;
  #socket: UnixDgramSocket | null = null;

  constructor(config: UnixDgramInputConfig, context: InputContext) {
    this.#config = config;
    this.#logger = context.logger;
    this.#socketFile = new SocketFile(config.name, config.path, config.mode);
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    const frames = createFrameLines({
      stats: this.handle.stats,
      lineBytesMax: context.lineMaxBytes,
      syslog: config.type === 'syslog_unix_dgram',
      frameBytesMax: UNIX_DGRAM_RECEIVE_BYTES_MAX,
    });
    this.#receiver = new DatagramReceiver(this.handle, context.ingest, frames, UNIX_DGRAM_RECEIVE_BYTES_MAX);
  }

  async start(): Promise<void> {
    await this.#socketFile.prepare();
    let socket: UnixDgramSocket;
    try {
      socket = createUnixDgramSocket(this.#received);
      await bindUnixDgram(socket, this.#config.path).catch((error: unknown) => {
        socket.close();
        throw error;
      });
    } catch (error) {
      throw socketStartError(this.#config.name, this.describe(), error);
    }
    socket.on('error', this.#failed);
    this.#socket = socket;
    try {
      await this.#socketFile.bound();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    try {
      socket.close();
    } catch (error) {
      this.#logger.warn({ input: this.#config.name, err: error }, 'Input socket did not close cleanly');
    }
    await this.#socketFile.remove();
  }

  describe(): string {
    return `${this.#config.type}:${this.#config.path}`;
  }

  readonly #received = (datagram: Buffer | null): void => {
    // The addon passes null when recvmsg() failed.
    if (datagram === null) this.handle.stats.error('read_error');
    else this.#receiver.receive(datagram);
  };

  readonly #failed = (error: Error): void => {
    this.handle.stats.error('read_error');
    this.#logger.warn({ input: this.#config.name, err: error }, 'Input socket failed');
  };
}

export const createUnixDgramInput: InputFactory<UnixDgramInputConfig> = (config, context) => new UnixDgramInput(config, context);
