/**
 * A byte-level test client: writes raw bytes, reads exact byte counts, sees FIN.
 *
 * Received bytes are kept as a list of chunks, so a client that receives tens of megabytes
 * (a flooder reading its own messages back) costs linear time, not a copy per chunk.
 * Timeouts on reads only bound how long a failing test hangs; no test asserts on speed.
 */
import net from 'node:net';
import {
  decodeMessage,
  encodeAuthChoice,
  encodeHello,
  encodeMessage,
  hintFromMessType,
  type Message,
  ServiceType,
} from '@ringlog/wire';
import type { ListenAddress } from '@ringlog/daemon';

/** How long a read waits before the test fails; generous, since CI shares two cores. */
export const READ_TIMEOUT_MS = 10_000;

export class RawClient {
  readonly socket: net.Socket;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #waiters: Array<() => void> = [];
  ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      this.#wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  /** `allowHalfOpen` keeps this side open after the daemon's FIN, as a peer that never closes. */
  static async open(address: ListenAddress, options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    const allowHalfOpen = options.allowHalfOpen ?? false;
    const socket = address.kind === 'tcp'
      ? net.connect({ port: address.port, host: address.host, allowHalfOpen })
      : net.connect({ path: address.path, allowHalfOpen });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  async #waitForEvent(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  write(bytes: Buffer | string): void {
    if (this.socket.destroyed) return;
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes.replace(/\s+/g, ''), 'hex') : bytes);
  }

  get available(): number {
    return this.#buffered;
  }

  #take(count: number): Buffer {
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      const head = this.#chunks[0] as Buffer;
      if (head.length <= needed) {
        parts.push(head);
        this.#chunks.shift();
        needed -= head.length;
      } else {
        parts.push(head.subarray(0, needed));
        this.#chunks[0] = head.subarray(needed);
        needed = 0;
      }
    }
    this.#buffered -= count;
    return parts.length === 1 ? Buffer.from(parts[0] as Buffer) : Buffer.concat(parts, count);
  }

  /** Resolves with exactly `count` bytes, or rejects on close/timeout. */
  async read(count: number, timeoutMs = READ_TIMEOUT_MS): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buffered < count) {
      if (this.ended) throw new Error(`Closed with ${this.#buffered}/${count} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out with ${this.#buffered}/${count} bytes`);
      await this.#waitForEvent(left);
    }
    return this.#take(count);
  }

  /** Every byte until the daemon closes the connection. */
  async readToEnd(timeoutMs = READ_TIMEOUT_MS): Promise<Buffer> {
    await this.closed(timeoutMs);
    return this.#take(this.#buffered);
  }

  /** Resolves when the daemon closes the connection. */
  async closed(timeoutMs = READ_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('Connection still open');
      await this.#waitForEvent(Math.min(left, 50));
    }
  }

  /** Runs the 5.0.1 handshake for `name`; returns the private group. */
  async handshake(name: string, membership = true): Promise<string> {
    this.write(encodeHello({ name, membership }));
    await this.read(6);
    this.write(encodeAuthChoice(['NULL']));
    return this.readAccept();
  }

  /** Reads a 5.0.1 accept (`01 05 00 01 P name`); throws with the code on a reject byte. */
  async readAccept(): Promise<string> {
    const code = (await this.read(1)).readInt8(0);
    if (code !== 1) throw new Error(`Rejected: ${code}`);
    const head = await this.read(4);
    return (await this.read(head[3] as number)).toString('latin1');
  }

  join(privateGroup: string, group: string): void {
    this.write(encodeMessage({ type: ServiceType.JOIN, sender: privateGroup, groups: [group], hint: hintFromMessType(0) }));
  }

  leave(privateGroup: string, group: string): void {
    this.write(encodeMessage({ type: ServiceType.LEAVE, sender: privateGroup, groups: [group], hint: hintFromMessType(0) }));
  }

  /** SP_disconnect: KILL naming the session's own private group. */
  kill(privateGroup: string): void {
    this.write(encodeMessage({ type: ServiceType.KILL, sender: privateGroup, groups: [privateGroup], hint: hintFromMessType(0) }));
  }

  send(privateGroup: string, service: number, groups: string[], data: string | Buffer, messType = 1): void {
    this.write(encodeMessage({ type: service, sender: privateGroup, groups, hint: hintFromMessType(messType), data: typeof data === 'string' ? Buffer.from(data) : data }));
  }

  /** Reads one daemon→client frame (no REJECT old_type support needed here). */
  async readFrame(timeoutMs = READ_TIMEOUT_MS): Promise<Buffer> {
    const header = await this.read(48, timeoutMs);
    const groups = header.readInt32LE(36);
    const length = header.readInt32LE(44);
    const body = await this.read(groups * 32 + length, timeoutMs);
    return Buffer.concat([header, body]);
  }

  /** Reads and decodes one daemon→client frame. */
  async readMessage(timeoutMs = READ_TIMEOUT_MS): Promise<Message> {
    return decodeMessage(await this.readFrame(timeoutMs), true);
  }

  /** Reads frames until one satisfies `wanted`, dropping the others; returns it. */
  async readMessageWhere(wanted: (message: Message) => boolean, timeoutMs = READ_TIMEOUT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.readMessage(Math.max(1, deadline - Date.now()));
      if (wanted(message)) return message;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
