/**
 * Input type `syslog_udp`: syslog over UDP (RFC 5426), one message per datagram, as nginx's
 * `access_log syslog:server=HOST:PORT` sends. The MSG part of each message is kept.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { UdpInputConfig } from '@ringlog/config';
import type { InputHandle } from '@ringlog/shipper';
import type { Logger } from 'pino';
import { createFrameLines } from './line-frames.ts';
import type { InputContext, InputFactory, ShipperInput } from './shipper-input.ts';
import { formatSocketAddress, parseSocketAddress, type SocketAddress } from './socket-address.ts';
import { DatagramReceiver } from './socket-datagrams.ts';
import { socketStartError } from './socket-start-error.ts';

/** libuv reads each datagram into 64 KiB; the largest UDP payload (65,507 bytes over IPv4) fits. */
const UDP_RECEIVE_BYTES_MAX = 65_536;
/** Asked of the kernel so a burst of log lines waits in the queue instead of being dropped; Linux caps it at net.core.rmem_max. */
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

class UdpInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #config: UdpInputConfig;
  readonly #logger: Logger;
  readonly #receiver: DatagramReceiver;
  /** The configured address until start, then the bound one (port 0 becomes the real port). */
  #address: SocketAddress;
  #socket: dgram.Socket | null = null;

  constructor(config: UdpInputConfig, context: InputContext) {
    this.#config = config;
    this.#logger = context.logger;
    this.#address = parseSocketAddress(config.name, config.listen);
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    const frames = createFrameLines({ stats: this.handle.stats, lineBytesMax: context.lineMaxBytes, syslog: true, frameBytesMax: UDP_RECEIVE_BYTES_MAX });
    this.#receiver = new DatagramReceiver(this.handle, context.ingest, frames, UDP_RECEIVE_BYTES_MAX);
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket({ type: isIPv6(this.#address.host) ? 'udp6' : 'udp4' });
    socket.on('message', this.#receiver.receive);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: this.#address.host, port: this.#address.port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      socket.close();
      throw socketStartError(this.#config.name, this.describe(), error);
    }
    socket.on('error', this.#failed);
    this.#socket = socket;
    const bound = socket.address();
    this.#address = { host: bound.address, port: bound.port };
    this.#enlargeReceiveBuffer(socket);
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  describe(): string {
    return `${this.#config.type}:${formatSocketAddress(this.#address)}`;
  }

  #enlargeReceiveBuffer(socket: dgram.Socket): void {
    try {
      if (socket.getRecvBufferSize() < UDP_RECEIVE_BUFFER_BYTES) socket.setRecvBufferSize(UDP_RECEIVE_BUFFER_BYTES);
    } catch (error) {
      this.#logger.debug({ input: this.#config.name, err: error }, 'Input kept the default UDP receive buffer');
    }
  }

  readonly #failed = (error: Error): void => {
    this.handle.stats.error('read_error');
    this.#logger.warn({ input: this.#config.name, err: error }, 'Input socket failed');
  };
}

export const createUdpInput: InputFactory<UdpInputConfig> = (config, context) => new UdpInput(config, context);
