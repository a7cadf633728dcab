/**
 * A tiny single-daemon Spread for tests (exported through ./internal only). It speaks the
 * real handshake and frames with @ringlog/wire's encoders, keeps groups with members in
 * name order, delivers multicasts in arrival order (so every service behaves like AGREED on
 * one daemon), and sends the membership notifications of spec §6.5. It knows nothing of
 * rings, flow control or partitions; tests inject TRANSITION/NETWORK frames with sendRaw().
 *
 * Knobs for tests: `reject` (answer every hello with a reject code), `fragment` (write every
 * daemon→client byte separately, across event-loop turns), dropAll() (cut every connection
 * without a goodbye).
 */
import net from 'node:net';
import { unlinkSync } from 'node:fs';
import {
  CLIENT_FRAME_LIMITS,
  FrameDecoder,
  ResultCode,
  ServiceType,
  WireProtocolError,
  classifyClientMessage,
  encodeAccept,
  encodeAuthOffer,
  encodeMembershipBody,
  encodeMessage,
  encodeReject,
  hintFromMessType,
  parseAuthChoice,
  parseHello,
  privateGroupName,
  type ClientRequest,
  type GroupId,
  type Hello,
} from '@ringlog/wire';
import type { Endpoint } from './spread-name.ts';

export interface FakeDaemonOptions {
  /** Daemon name in private groups (default "localhost"). */
  readonly name?: string;
  /** Listen on TCP 127.0.0.1:0 (default) or a unix socket path. */
  readonly unixPath?: string;
  /** Fixed TCP port (default 0 = any). */
  readonly port?: number;
  /** Answer every hello with this reject code (e.g. -3). */
  readonly reject?: number;
  /** Write daemon→client bytes one at a time, across event-loop turns. */
  readonly fragment?: boolean;
  readonly authMethods?: readonly string[];
}

export interface FakeDaemon {
  readonly endpoint: Endpoint;
  /** "port@127.0.0.1" or "unix:/path". */
  readonly spreadName: string;
  /** Private groups of connected sessions. */
  sessions(): string[];
  members(group: string): string[];
  /** Client requests seen, in order (join/leave/kill/multicast). */
  readonly requests: { readonly from: string; readonly request: ClientRequest }[];
  sendRaw(privateGroup: string, frame: Buffer): void;
  /** Destroys every client connection without notice. */
  dropAll(): void;
  close(): Promise<void>;
}

const MARKER_HINT = hintFromMessType(0);

interface Connection {
  readonly socket: net.Socket;
  privateGroup: string | null;
  membership: boolean;
  out: Buffer[];
  flushScheduled: boolean;
  chain: Promise<void>;
}

class FakeDaemonImpl implements FakeDaemon {
  readonly requests: { readonly from: string; readonly request: ClientRequest }[] = [];
  readonly #server: net.Server;
  readonly #name: string;
  readonly #options: FakeDaemonOptions;
  readonly #byName = new Map<string, Connection>();
  readonly #connections = new Set<Connection>();
  readonly #groups = new Map<string, { members: string[]; index: number }>();
  #nextRandom = 1;
  endpoint: Endpoint = { kind: 'tcp', host: '127.0.0.1', port: 0 };
  spreadName = '';

  constructor(options: FakeDaemonOptions) {
    this.#options = options;
    this.#name = options.name ?? 'localhost';
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  async listen(): Promise<void> {
    const path = this.#options.unixPath;
    if (path !== undefined) {
      try {
        unlinkSync(path);
      } catch {
        // nothing to remove
      }
    }
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      if (path !== undefined) this.#server.listen(path, resolve);
      else this.#server.listen(this.#options.port ?? 0, '127.0.0.1', resolve);
    });
    if (path !== undefined) {
      this.endpoint = { kind: 'unix', path };
      this.spreadName = `unix:${path}`;
    } else {
      const address = this.#server.address() as net.AddressInfo;
      this.endpoint = { kind: 'tcp', host: '127.0.0.1', port: address.port };
      this.spreadName = `${address.port}@127.0.0.1`;
    }
  }

  sessions(): string[] {
    return [...this.#byName.keys()];
  }

  members(group: string): string[] {
    return [...(this.#groups.get(group)?.members ?? [])];
  }

  sendRaw(privateGroup: string, frame: Buffer): void {
    const connection = this.#byName.get(privateGroup);
    if (connection !== undefined) this.#write(connection, frame);
  }

  dropAll(): void {
    for (const connection of this.#connections) connection.socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection: Connection = { socket, privateGroup: null, membership: false, out: [], flushScheduled: false, chain: Promise.resolve() };
    this.#connections.add(connection);
    socket.on('error', () => undefined);
    socket.on('close', () => this.#onClose(connection));
    let buffer = Buffer.alloc(0);
    let phase: 'hello' | 'choice' | 'open' = 'hello';
    let hello: Hello | null = null;
    const decoder = new FrameDecoder({ onFrame: (message) => this.#onRequest(connection, classifyClientMessage(message, connection.privateGroup ?? '')) }, CLIENT_FRAME_LIMITS);
    socket.on('data', (chunk: Buffer) => {
      if (phase === 'open') {
        if (decoder.push(chunk) !== null) socket.destroy();
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      if (phase === 'hello') {
        const parsed = parseHello(buffer);
        if (parsed.status === 'incomplete') return;
        if (parsed.status === 'reject') return this.#refuse(connection, parsed.code);
        hello = parsed.value;
        buffer = buffer.subarray(parsed.bytesUsed);
        const refusal = this.#options.reject ?? (this.#byName.has(privateGroupName(hello.name, this.#name)) ? ResultCode.REJECT_NOT_UNIQUE : null);
        if (refusal !== null) return this.#refuse(connection, refusal);
        this.#write(connection, encodeAuthOffer(this.#options.authMethods ?? ['NULL']));
        phase = 'choice';
      }
      const choice = parseAuthChoice(buffer);
      if (choice.status !== 'ok' || hello === null) return;
      buffer = buffer.subarray(choice.bytesUsed);
      this.#open(connection, hello);
      phase = 'open';
      if (buffer.length > 0 && decoder.push(buffer) !== null) socket.destroy();
    });
  }

  #refuse(connection: Connection, code: number): void {
    if (this.#options.fragment !== true) {
      connection.socket.end(encodeReject(code));
      return;
    }
    this.#write(connection, encodeReject(code));
    void connection.chain.then(() => connection.socket.end());
  }

  #open(connection: Connection, hello: Hello): void {
    const user = hello.name.length > 0 ? hello.name : `r${this.#nextRandom++}-${this.#connections.size}`;
    const privateGroup = privateGroupName(user, this.#name);
    connection.privateGroup = privateGroup;
    connection.membership = hello.membership;
    this.#byName.set(privateGroup, connection);
    this.#write(connection, encodeAccept(hello.version, privateGroup));
  }

  #onRequest(connection: Connection, request: ClientRequest | WireProtocolError): void {
    const from = connection.privateGroup as string;
    if (request instanceof WireProtocolError) {
      connection.socket.destroy();
      return;
    }
    this.requests.push({ from, request });
    if (request.kind === 'join') this.#join(from, request.group);
    else if (request.kind === 'leave') this.#leave(from, request.group, true);
    else if (request.kind === 'kill') connection.socket.end();
    else this.#multicast(from, request);
  }

  #multicast(from: string, request: Extract<ClientRequest, { kind: 'multicast' }>): void {
    const type = request.service | (request.selfDiscard ? ServiceType.SELF_DISCARD : 0);
    const frame = encodeMessage({ type, sender: from, groups: request.groups, hint: request.hint, data: request.data });
    const targets = new Set<string>();
    for (const group of request.groups) {
      if (this.#byName.has(group)) targets.add(group);
      for (const member of this.#groups.get(group)?.members ?? []) targets.add(member);
    }
    if (request.selfDiscard) targets.delete(from);
    for (const target of targets) {
      const connection = this.#byName.get(target);
      if (connection !== undefined) this.#write(connection, frame);
    }
  }

  #join(member: string, group: string): void {
    const state = this.#groups.get(group) ?? { members: [], index: 0 };
    this.#groups.set(group, state);
    if (state.members.includes(member)) return;
    state.members.push(member);
    state.members.sort();
    this.#notify(group, state, ServiceType.CAUSED_BY_JOIN, member);
  }

  #leave(member: string, group: string, voluntary: boolean): void {
    const state = this.#groups.get(group);
    if (state === undefined || !state.members.includes(member)) return;
    state.members = state.members.filter((name) => name !== member);
    if (voluntary) {
      const leaver = this.#byName.get(member);
      if (leaver !== undefined) this.#write(leaver, encodeMessage({ type: ServiceType.CAUSED_BY_LEAVE, sender: group, groups: [], hint: MARKER_HINT }));
    }
    this.#notify(group, state, voluntary ? ServiceType.CAUSED_BY_LEAVE : ServiceType.CAUSED_BY_DISCONNECT, member);
    if (state.members.length === 0) this.#groups.delete(group);
  }

  #notify(group: string, state: { members: string[]; index: number }, cause: number, changed: string): void {
    state.index++;
    const groupId: GroupId = { procId: 0x7f000001, time: 1_700_000_000, index: state.index };
    const data = encodeMembershipBody({ groupId, vsSets: [[changed]], localVsSetOffset: 0 });
    const frame = encodeMessage({ type: ServiceType.REG_MEMB | cause, sender: group, groups: state.members, hint: MARKER_HINT, data });
    for (const member of state.members) {
      const connection = this.#byName.get(member);
      if (connection?.membership === true) this.#write(connection, frame);
    }
  }

  #onClose(connection: Connection): void {
    this.#connections.delete(connection);
    const name = connection.privateGroup;
    if (name === null || this.#byName.get(name) !== connection) return;
    this.#byName.delete(name);
    for (const [group, state] of [...this.#groups]) if (state.members.includes(name)) this.#leave(name, group, false);
  }

  #write(connection: Connection, bytes: Buffer): void {
    if (this.#options.fragment === true) {
      connection.chain = connection.chain.then(() => writeBytewise(connection.socket, bytes));
      return;
    }
    connection.out.push(bytes);
    if (connection.flushScheduled) return;
    connection.flushScheduled = true;
    setImmediate(() => {
      connection.flushScheduled = false;
      const out = connection.out;
      connection.out = [];
      if (!connection.socket.destroyed) connection.socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
    });
  }
}

async function writeBytewise(socket: net.Socket, bytes: Buffer): Promise<void> {
  for (let i = 0; i < bytes.length && !socket.destroyed; i++) {
    socket.write(bytes.subarray(i, i + 1));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function startFakeDaemon(options: FakeDaemonOptions = {}): Promise<FakeDaemon> {
  const daemon = new FakeDaemonImpl(options);
  await daemon.listen();
  return daemon;
}
