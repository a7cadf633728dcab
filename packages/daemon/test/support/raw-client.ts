/** A byte-level test client: writes raw bytes, reads exact byte counts, sees FIN. */
import net from 'node:net';
import { encodeAuthChoice, encodeHello, encodeMessage, hintFromMessType, ServiceType } from '@ringlog/wire';
import type { ListenAddress } from '@ringlog/daemon';

export class RawClient {
  readonly socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(address: ListenAddress): Promise<RawClient> {
    const socket = address.kind === 'tcp' ? net.connect(address.port, address.host) : net.connect(address.path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  write(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes.replace(/\s+/g, ''), 'hex') : bytes);
  }

  get available(): number {
    return this.#buffer.length;
  }

  /** Resolves with exactly `count` bytes, or rejects on close/timeout. */
  async read(count: number, timeoutMs = 2_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buffer.length < count) {
      if (this.ended) throw new Error(`Closed with ${this.#buffer.length}/${count} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out with ${this.#buffer.length}/${count} bytes`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const out = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return Buffer.from(out);
  }

  /** Resolves when the daemon closes the connection. */
  async closed(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('Connection still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Runs the 5.0.1 handshake for `name`; returns the private group. */
  async handshake(name: string, membership = true): Promise<string> {
    this.write(encodeHello({ name, membership }));
    await this.read(6);
    this.write(encodeAuthChoice(['NULL']));
    const head = await this.read(5);
    if (head[0] !== 1) throw new Error(`Rejected: ${head[0]}`);
    return (await this.read(head[4] as number)).toString('latin1');
  }

  join(privateGroup: string, group: string): void {
    this.write(encodeMessage({ type: ServiceType.JOIN, sender: privateGroup, groups: [group], hint: hintFromMessType(0) }));
  }

  send(privateGroup: string, service: number, groups: string[], data: string | Buffer, messType = 1): void {
    this.write(encodeMessage({ type: service, sender: privateGroup, groups, hint: hintFromMessType(messType), data: typeof data === 'string' ? Buffer.from(data) : data }));
  }

  /** Reads one daemon→client frame (no REJECT old_type support needed here). */
  async readFrame(timeoutMs = 2_000): Promise<Buffer> {
    const header = await this.read(48, timeoutMs);
    const groups = header.readInt32LE(36);
    const length = header.readInt32LE(44);
    const body = await this.read(groups * 32 + length, timeoutMs);
    return Buffer.concat([header, body]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
