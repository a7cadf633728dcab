/**
 * The ring's UDP adapter: sends ring packets to daemons of the segment as authenticated
 * datagrams (packet-envelope.ts) and hands authenticated, fresh, well-formed packets from
 * configured peers to `onPacket`. It also answers status requests from monitors, and exports
 * `requestRingStatus`, the monitor's side of that exchange.
 *
 * Theory of operation. Every datagram is sealed with the segment key, this run's incarnation
 * and a counter that grows with every datagram the socket sends. A received datagram passes, in
 * order: size limit, MAC (openEnvelope), sender is a configured peer, source address is that
 * peer's configured address, replay window, packet decode. Failing any step drops it and
 * increments `counters.dropped[reason]`; nothing a peer or an attacker sends makes the socket
 * handler throw. Errors thrown by `onPacket` itself are not caught: they are the state
 * machine's broken invariants and must crash the daemon, not vanish here.
 *
 * Modes. `unicast` sends one datagram per destination. `broadcast` and `multicast` send packets
 * for several destinations as one datagram to `groupAddress` (a token or anything for a single
 * peer still goes unicast). The group datagram comes back to its sender too; it is ignored by
 * sender name (`counters.selfEchoes`). A packet addressed to this daemon never touches the
 * socket: it is encoded, then decoded and delivered on a later turn of the event loop
 * (`setImmediate`), so the receiver never aliases the caller's objects or payload buffers.
 *
 * Status requests come from monitors, which are not peers: any sender name is answered if the
 * MAC verifies. They pass a replay window of their own (a captured request replayed with a
 * spoofed source must not make us reflect replies at a victim) and a rate limit.
 *
 * Broadcast and multicast bind with SO_REUSEADDR so several daemons on one host can share the
 * group port; for broadcast on Linux bind 0.0.0.0, a socket bound to a unicast address does not
 * receive broadcasts. The sender's incarnation must grow across restarts: a restarted daemon
 * that reused its incarnation would have its low counters dropped as duplicates or stale.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { RingErrorCode, RingPacketError, RingTransportError } from './errors.ts';
import { decodeRingPacket, encodeRingPacket, NAME_MAX_BYTES } from './packet-codec.ts';
import {
  decodeStatusReply,
  decodeStatusRequest,
  encodeStatusReply,
  encodeStatusRequest,
  ENVELOPE_MIN_BYTES,
  type Envelope,
  EnvelopeType,
  openEnvelope,
  sealEnvelope,
} from './packet-envelope.ts';
import type { DaemonName, RingPacket } from './packets.ts';
import { ReplayWindow } from './replay-window.ts';

export interface UdpEndpoint {
  readonly address: string;
  readonly port: number;
}

export const TransportMode = { UNICAST: 'unicast', BROADCAST: 'broadcast', MULTICAST: 'multicast' } as const;
export type TransportMode = (typeof TransportMode)[keyof typeof TransportMode];

export const DROP_REASONS = ['auth', 'malformed', 'truncated', 'unknown_sender', 'wrong_address', 'duplicate', 'stale', 'oversize', 'rate_limited'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Largest UDP payload over IPv4. */
export const UDP4_PAYLOAD_MAX_BYTES = 65_507;

export const UDP_TRANSPORT_DEFAULTS = {
  /** Largest datagram sent or accepted, in bytes. */
  maxDatagramBytes: 65_000,
  /** Status replies answered per second (token bucket of the same depth): bounds reflection. */
  statusRepliesPerSecond: 50,
} as const;

export interface UdpRingTransportOptions {
  readonly selfName: DaemonName;
  /** This run of the daemon; must be larger than any earlier run's. */
  readonly incarnation: number;
  /** The segment key (HMAC-SHA256). */
  readonly key: Buffer;
  readonly bind: UdpEndpoint;
  /** Every other daemon of the segment (this one may be listed too; it is never sent to over the socket). */
  readonly peers: ReadonlyMap<DaemonName, UdpEndpoint>;
  readonly mode: TransportMode;
  /** Where broadcast or multicast datagrams go; required in those modes. */
  readonly groupAddress?: UdpEndpoint;
  /** Local interface address for multicast membership and outgoing multicast. */
  readonly multicastInterface?: string;
  readonly maxDatagramBytes?: number;
  /**
   * SO_RCVBUF and SO_SNDBUF in bytes; the OS default when absent. A token visit's burst of data
   * packets must fit in the receivers' buffer, or UDP drops the excess. Linux caps the values at
   * net.core.rmem_max / wmem_max and reports double what was asked.
   */
  readonly receiveBufferBytes?: number;
  readonly sendBufferBytes?: number;
  readonly statusRepliesPerSecond?: number;
  onPacket(from: DaemonName, packet: RingPacket): void;
  /** Called for each authenticated status request; call `reply` at most once (later calls do nothing). */
  onStatusRequest?(reply: (json: string) => void, from: UdpEndpoint): void;
  /** Socket errors after bind (they are counted either way). */
  onError?(error: Error): void;
  /** Clock in milliseconds, for the status rate limit; Date.now by default. */
  now?: () => number;
}

export interface UdpRingTransportCounters {
  /** Datagrams handed to the socket, and their bytes (loopback deliveries are not included). */
  packetsSent: number;
  bytesSent: number;
  /** Every datagram that arrived, dropped ones included, and their bytes. */
  packetsReceived: number;
  bytesReceived: number;
  /** Packets passed to onPacket from the socket. */
  packetsDelivered: number;
  /** Packets this daemon addressed to itself, passed to onPacket without the socket. */
  loopbackDelivered: number;
  /** Own broadcast or multicast datagrams that came back and were ignored. */
  selfEchoes: number;
  /** Authenticated status requests passed to onStatusRequest, and replies sent. */
  statusRequests: number;
  statusReplies: number;
  /** socket.send callbacks that reported an error (unreachable network and the like). */
  sendErrors: number;
  /** 'error' events of the socket after bind. */
  socketErrors: number;
  readonly dropped: Record<DropReason, number>;
}

type TransportState = 'new' | 'starting' | 'open' | 'closed';

export class UdpRingTransport {
  readonly counters: UdpRingTransportCounters = newCounters();
  readonly #options: UdpRingTransportOptions;
  readonly #maxDatagramBytes: number;
  readonly #now: () => number;
  #peers: ReadonlyMap<DaemonName, UdpEndpoint>;
  #socket: Socket | null = null;
  #state: TransportState = 'new';
  /** The envelope counter of the next datagram. */
  #counter = 0;
  readonly #replay = new ReplayWindow();
  /** Monitors are not peers: their requests get a window of their own, so they cannot evict peers. */
  readonly #statusReplay = new ReplayWindow();
  readonly #statusBucket: TokenBucket;

  constructor(options: UdpRingTransportOptions) {
    checkOptions(options);
    this.#options = options;
    this.#maxDatagramBytes = options.maxDatagramBytes ?? UDP_TRANSPORT_DEFAULTS.maxDatagramBytes;
    this.#now = options.now ?? Date.now;
    this.#peers = new Map(options.peers);
    const perSecond = options.statusRepliesPerSecond ?? UDP_TRANSPORT_DEFAULTS.statusRepliesPerSecond;
    this.#statusBucket = new TokenBucket(perSecond, this.#now());
  }

  /** Binds the socket and joins the group; rejects with RL_RING_BIND if that fails. */
  async start(): Promise<void> {
    if (this.#state !== 'new') throw stateError(`start() called in state ${this.#state}`);
    this.#state = 'starting';
    const socket = createSocket({ type: 'udp4', reuseAddr: this.#options.mode !== TransportMode.UNICAST });
    this.#socket = socket;
    try {
      await bindSocket(socket, this.#options.bind);
      this.#configureSocket(socket);
    } catch (error) {
      this.#state = 'closed';
      this.#socket = null;
      closeQuietly(socket);
      throw new RingTransportError(RingErrorCode.BIND, `Cannot bind ring socket ${endpointText(this.#options.bind)}: ${errorText(error)}`, { cause: error });
    }
    // close() may have run while bind was pending; TS does not see that across the await.
    if ((this.#state as TransportState) !== 'starting') {
      closeQuietly(socket);
      throw stateError('close() was called while start() was binding');
    }
    socket.on('message', (bytes, rinfo) => this.#onDatagram(bytes, rinfo));
    socket.on('error', (error) => {
      this.counters.socketErrors++;
      this.#options.onError?.(error);
    });
    this.#state = 'open';
  }

  /** The bound address and port (the port is the real one after binding port 0). */
  address(): UdpEndpoint {
    if (this.#socket === null || this.#state !== 'open') throw stateError('address() called before start() resolved');
    const { address, port } = this.#socket.address();
    return { address, port };
  }

  /** Replaces the configured peers (after a configuration reload). */
  setPeers(peers: ReadonlyMap<DaemonName, UdpEndpoint>): void {
    this.#peers = new Map(peers);
  }

  /**
   * Sends `packet` to one daemon (itself included). Throws RL_RING_UNKNOWN_PEER,
   * RL_RING_ENCODE_INVALID or RL_RING_PACKET_OVERSIZE; network failures are only counted.
   */
  sendTo(name: DaemonName, packet: RingPacket): void {
    this.sendToMany([name], packet);
  }

  /**
   * Sends `packet` to each named daemon: one datagram each in unicast mode; in broadcast or
   * multicast mode one group datagram when two or more other daemons are named (a single one
   * gets a unicast datagram). Every name is checked before anything is sent.
   */
  sendToMany(names: readonly DaemonName[], packet: RingPacket): void {
    if (!this.#checkOpen('send')) return;
    const self = this.#options.selfName;
    const others = [...new Set(names)].filter((name) => name !== self);
    const targets = others.map((name) => this.#peerEndpoint(name));
    const body = encodeRingPacket(packet);
    this.#checkSize(body);
    if (names.includes(self)) this.#loopback(body);
    const group = this.#options.groupAddress;
    if (this.#options.mode !== TransportMode.UNICAST && group !== undefined && targets.length > 1) {
      this.#send(EnvelopeType.RING_PACKET, body, group);
      return;
    }
    this.#sendEach(EnvelopeType.RING_PACKET, body, targets);
  }

  /**
   * Sends a node's output with `first` served first: every packet for it, in order, then the
   * rest, in order. Each packet is sealed once. A token holder's successor so gets its data and
   * the token before the others get their data, and can pass the token on while they are still
   * reading: the daemons' work overlaps instead of adding up. Each destination still receives
   * its packets in the order they were output. Unicast mode only; otherwise as sendToMany.
   */
  sendBatch(sends: readonly { readonly to: readonly DaemonName[]; readonly packet: RingPacket }[], first: DaemonName | null): void {
    if (this.#options.mode !== TransportMode.UNICAST || first === null || sends.length < 2) {
      for (const send of sends) this.sendToMany(send.to, send.packet);
      return;
    }
    if (!this.#checkOpen('send')) return;
    const self = this.#options.selfName;
    const sealed = sends.map((send) => {
      const body = encodeRingPacket(send.packet);
      this.#checkSize(body);
      if (send.to.includes(self)) this.#loopback(body);
      return this.#seal(EnvelopeType.RING_PACKET, body);
    });
    const firstEndpoint = this.#peers.get(first);
    sends.forEach((send, index) => {
      if (firstEndpoint !== undefined && send.to.includes(first)) this.#sendSealed(sealed[index]!, firstEndpoint);
    });
    sends.forEach((send, index) => {
      for (const name of new Set(send.to)) if (name !== self && name !== first) this.#sendSealed(sealed[index]!, this.#peerEndpoint(name));
    });
  }

  /** Closes the socket; packets addressed to self and not yet delivered are dropped. Idempotent. */
  async close(): Promise<void> {
    const socket = this.#socket;
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    this.#socket = null;
    // While start() is binding, start() closes the socket itself once bind returns.
    if (socket === null || !wasOpen) return;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #configureSocket(socket: Socket): void {
    const { mode, groupAddress, multicastInterface, receiveBufferBytes, sendBufferBytes } = this.#options;
    if (receiveBufferBytes !== undefined) socket.setRecvBufferSize(receiveBufferBytes);
    if (sendBufferBytes !== undefined) socket.setSendBufferSize(sendBufferBytes);
    if (mode === TransportMode.BROADCAST) socket.setBroadcast(true);
    if (mode !== TransportMode.MULTICAST || groupAddress === undefined) return;
    if (multicastInterface !== undefined) socket.setMulticastInterface(multicastInterface);
    socket.addMembership(groupAddress.address, multicastInterface);
    // Other daemons on this host must hear the group too; our own echo is ignored by name.
    socket.setMulticastLoopback(true);
  }

  #peerEndpoint(name: DaemonName): UdpEndpoint {
    const peer = this.#peers.get(name);
    if (peer === undefined) throw new RingTransportError(RingErrorCode.UNKNOWN_PEER, `Daemon "${name}" is not a configured peer`);
    return peer;
  }

  /**
   * False after close(): sends then do nothing, so a timer that fires during shutdown does not
   * crash the daemon. Sending before start() resolved is a bug and throws.
   */
  #checkOpen(operation: string): boolean {
    if (this.#state === 'closed') return false;
    if (this.#state !== 'open') throw stateError(`${operation} called in state ${this.#state}`);
    return true;
  }

  #checkSize(body: Uint8Array): void {
    const size = sealedSize(this.#options.selfName, body.length);
    if (size > this.#maxDatagramBytes) {
      throw new RingPacketError(RingErrorCode.PACKET_OVERSIZE, `Ring datagram of ${size} bytes exceeds maxDatagramBytes ${this.#maxDatagramBytes}`);
    }
  }

  #send(type: EnvelopeType, body: Uint8Array, target: UdpEndpoint): void {
    this.#sendEach(type, body, [target]);
  }

  /**
   * Seals once and sends the same datagram to every target: the counter only has to be unique
   * per sender (each receiver's replay window sees it once), and the MAC is the costly part.
   */
  #sendEach(type: EnvelopeType, body: Uint8Array, targets: readonly UdpEndpoint[]): void {
    if (this.#socket === null || targets.length === 0) return;
    const datagram = this.#seal(type, body);
    for (const target of targets) this.#sendSealed(datagram, target);
  }

  #seal(type: EnvelopeType, body: Uint8Array): Buffer {
    const { selfName: sender, incarnation, key } = this.#options;
    return sealEnvelope({ type, sender, incarnation, counter: this.#counter++, body }, key);
  }

  #sendSealed(datagram: Buffer, target: UdpEndpoint): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.counters.packetsSent++;
    this.counters.bytesSent += datagram.length;
    socket.send(datagram, target.port, target.address, this.#onSent);
  }

  readonly #onSent = (error: Error | null): void => {
    if (error) this.counters.sendErrors++;
  };

  #loopback(body: Buffer): void {
    setImmediate(() => {
      if (this.#state !== 'open') return;
      this.counters.loopbackDelivered++;
      this.#options.onPacket(this.#options.selfName, decodeRingPacket(body));
    });
  }

  #onDatagram(bytes: Buffer, rinfo: RemoteInfo): void {
    this.counters.packetsReceived++;
    this.counters.bytesReceived += bytes.length;
    if (this.#state !== 'open') return;
    if (bytes.length > this.#maxDatagramBytes) return this.#drop('oversize');
    let envelope: Envelope;
    try {
      envelope = openEnvelope(bytes, this.#options.key);
    } catch (error) {
      return this.#drop(dropReasonOf(error));
    }
    if (envelope.type === EnvelopeType.RING_PACKET) this.#acceptRingPacket(envelope, rinfo);
    else if (envelope.type === EnvelopeType.STATUS_REQUEST) this.#answerStatus(envelope, rinfo);
    else this.#drop('malformed');
  }

  #acceptRingPacket(envelope: Envelope, rinfo: RemoteInfo): void {
    const sender = envelope.sender;
    if (sender === this.#options.selfName) {
      this.counters.selfEchoes++;
      return;
    }
    const peer = this.#peers.get(sender);
    if (peer === undefined) return this.#drop('unknown_sender');
    if (peer.address !== rinfo.address) return this.#drop('wrong_address');
    const verdict = this.#replay.check(sender, envelope.incarnation, envelope.counter);
    if (verdict !== 'fresh') return this.#drop(verdict);
    let packet: RingPacket;
    try {
      packet = decodeRingPacket(envelope.body);
    } catch {
      return this.#drop('malformed');
    }
    this.counters.packetsDelivered++;
    this.#options.onPacket(sender, packet);
  }

  #answerStatus(envelope: Envelope, rinfo: RemoteInfo): void {
    let nonce: number;
    try {
      nonce = decodeStatusRequest(envelope.body);
    } catch {
      return this.#drop('malformed');
    }
    const verdict = this.#statusReplay.check(envelope.sender, envelope.incarnation, envelope.counter);
    if (verdict !== 'fresh') return this.#drop(verdict);
    const handler = this.#options.onStatusRequest;
    if (handler === undefined) return;
    if (!this.#statusBucket.take(this.#now())) return this.#drop('rate_limited');
    this.counters.statusRequests++;
    const from: UdpEndpoint = { address: rinfo.address, port: rinfo.port };
    let replied = false;
    handler((json) => {
      if (replied || this.#state !== 'open') return;
      replied = true;
      // Status replies may exceed maxDatagramBytes: the JSON cap keeps them within one UDP datagram.
      this.#send(EnvelopeType.STATUS_REPLY, encodeStatusReply(nonce, json), from);
      this.counters.statusReplies++;
    }, from);
  }

  #drop(reason: DropReason): void {
    this.counters.dropped[reason]++;
  }
}

/** The outcome for one target of `requestRingStatus`: `json` on a reply, else `error`. */
export interface RingStatusResult {
  readonly target: UdpEndpoint;
  readonly json?: string;
  readonly error?: string;
}

export interface RingStatusRequestOptions {
  readonly key: Buffer;
  readonly targets: readonly UdpEndpoint[];
  readonly timeoutMs: number;
  /** The name the requests carry; a random `monitor-…` name by default, so concurrent monitors do not collide in replay windows. */
  readonly sender?: DaemonName;
}

/**
 * Asks each target daemon for its status JSON over an ephemeral UDP socket: one sealed request
 * with a random nonce per target, then collects authenticated replies by nonce until all answered
 * or `timeoutMs` passed. Results are in `targets` order; never rejects for a target's failure.
 */
export async function requestRingStatus(options: RingStatusRequestOptions): Promise<RingStatusResult[]> {
  checkStatusRequestOptions(options);
  const socket = createSocket({ type: 'udp4' });
  try {
    await bindSocket(socket, { address: '0.0.0.0', port: 0 });
  } catch (error) {
    closeQuietly(socket);
    throw new RingTransportError(RingErrorCode.BIND, `Cannot bind a status request socket: ${errorText(error)}`, { cause: error });
  }
  try {
    return await collectStatus(socket, options);
  } finally {
    closeQuietly(socket);
  }
}

/** Closes a socket that may never have bound; dgram throws if it was already closed. */
function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // Already closed: nothing left to release.
  }
}

function collectStatus(socket: Socket, options: RingStatusRequestOptions): Promise<RingStatusResult[]> {
  const { key, targets, timeoutMs } = options;
  const results: (RingStatusResult | undefined)[] = targets.map(() => undefined);
  const byNonce = new Map<number, number>();
  for (let index = 0; index < targets.length; index++) byNonce.set(uniqueNonce(byNonce), index);
  return new Promise((resolve) => {
    let pending = targets.length;
    const settle = (index: number, result: RingStatusResult): void => {
      if (results[index] !== undefined) return;
      results[index] = result;
      pending--;
      if (pending === 0) finish();
    };
    const finish = (): void => {
      clearTimeout(timer);
      socket.removeAllListeners('message');
      resolve(targets.map((target, index) => results[index] ?? { target, error: `no reply within ${timeoutMs} ms` }));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('error', () => undefined);
    socket.on('message', (bytes) => {
      const reply = openStatusReply(bytes, key);
      const index = reply === null ? undefined : byNonce.get(reply.nonce);
      if (reply !== null && index !== undefined) settle(index, { target: targets[index] as UdpEndpoint, json: reply.json });
    });
    if (pending === 0) return finish();
    sendStatusRequests(socket, options, byNonce, (index, error) => settle(index, { target: targets[index] as UdpEndpoint, error }));
  });
}

function sendStatusRequests(
  socket: Socket,
  options: RingStatusRequestOptions,
  byNonce: ReadonlyMap<number, number>,
  onError: (index: number, error: string) => void,
): void {
  const sender = options.sender ?? `monitor-${randomBytes(6).toString('hex')}`;
  const incarnation = Date.now();
  let counter = 0;
  for (const [nonce, index] of byNonce) {
    const target = options.targets[index] as UdpEndpoint;
    const datagram = sealEnvelope({ type: EnvelopeType.STATUS_REQUEST, sender, incarnation, counter: counter++, body: encodeStatusRequest(nonce) }, options.key);
    socket.send(datagram, target.port, target.address, (error) => {
      if (error) onError(index, `send failed: ${error.message}`);
    });
  }
}

/** An authenticated status reply, or null for anything else (other datagrams are ignored). */
function openStatusReply(bytes: Buffer, key: Buffer): { nonce: number; json: string } | null {
  try {
    const envelope = openEnvelope(bytes, key);
    if (envelope.type !== EnvelopeType.STATUS_REPLY) return null;
    return decodeStatusReply(envelope.body);
  } catch {
    return null;
  }
}

function uniqueNonce(taken: ReadonlyMap<number, number>): number {
  for (;;) {
    const nonce = randomBytes(4).readUInt32BE(0);
    if (!taken.has(nonce)) return nonce;
  }
}

/** Counts at most `perSecond` events per second, allowing bursts of as many. */
class TokenBucket {
  readonly #perSecond: number;
  #tokens: number;
  #lastMs: number;

  constructor(perSecond: number, nowMs: number) {
    this.#perSecond = perSecond;
    this.#tokens = perSecond;
    this.#lastMs = nowMs;
  }

  take(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.#lastMs);
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.#perSecond, this.#tokens + (elapsedMs * this.#perSecond) / 1000);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

function bindSocket(socket: Socket, bind: UdpEndpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind({ address: bind.address, port: bind.port }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function sealedSize(sender: DaemonName, bodyBytes: number): number {
  return ENVELOPE_MIN_BYTES - 1 + Buffer.byteLength(sender, 'utf8') + bodyBytes;
}

function dropReasonOf(error: unknown): DropReason {
  if (!(error instanceof RingPacketError)) return 'malformed';
  if (error.code === RingErrorCode.AUTH) return 'auth';
  if (error.code === RingErrorCode.PACKET_TRUNCATED) return 'truncated';
  return 'malformed';
}

function newCounters(): UdpRingTransportCounters {
  const dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
  return {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    packetsDelivered: 0,
    loopbackDelivered: 0,
    selfEchoes: 0,
    statusRequests: 0,
    statusReplies: 0,
    sendErrors: 0,
    socketErrors: 0,
    dropped,
  };
}

function checkOptions(options: UdpRingTransportOptions): void {
  const nameBytes = Buffer.byteLength(options.selfName, 'utf8');
  if (nameBytes === 0 || nameBytes > NAME_MAX_BYTES) throw badOption(`selfName "${options.selfName}" is ${nameBytes} bytes, not 1..${NAME_MAX_BYTES}`);
  if (!Number.isSafeInteger(options.incarnation) || options.incarnation < 0) throw badOption(`incarnation ${options.incarnation} is not a safe integer >= 0`);
  if (!Buffer.isBuffer(options.key) || options.key.length === 0) throw badOption('key must be a non-empty Buffer');
  if (options.mode !== TransportMode.UNICAST && options.groupAddress === undefined) throw badOption(`mode ${options.mode} needs groupAddress`);
  if (!Object.values(TransportMode).includes(options.mode)) throw badOption(`mode ${String(options.mode)} is not unicast, broadcast or multicast`);
  const max = options.maxDatagramBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < ENVELOPE_MIN_BYTES || max > UDP4_PAYLOAD_MAX_BYTES)) {
    throw badOption(`maxDatagramBytes ${max} is not in ${ENVELOPE_MIN_BYTES}..${UDP4_PAYLOAD_MAX_BYTES}`);
  }
  for (const [field, bytes] of [['receiveBufferBytes', options.receiveBufferBytes], ['sendBufferBytes', options.sendBufferBytes]] as const) {
    if (bytes !== undefined && (!Number.isSafeInteger(bytes) || bytes < 1)) throw badOption(`${field} ${bytes} is not a positive integer`);
  }
  const rate = options.statusRepliesPerSecond;
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) throw badOption(`statusRepliesPerSecond ${rate} is not a positive number`);
}

function checkStatusRequestOptions(options: RingStatusRequestOptions): void {
  if (!Buffer.isBuffer(options.key) || options.key.length === 0) throw badOption('key must be a non-empty Buffer');
  if (!Number.isSafeInteger(options.timeoutMs) || options.timeoutMs < 1) throw badOption(`timeoutMs ${options.timeoutMs} is not a positive integer`);
}

function badOption(message: string): RingTransportError {
  return new RingTransportError(RingErrorCode.BAD_OPTION, `Bad ring transport option: ${message}`);
}

function stateError(message: string): RingTransportError {
  return new RingTransportError(RingErrorCode.TRANSPORT_STATE, `Ring transport: ${message}`);
}

function endpointText(endpoint: UdpEndpoint): string {
  return `${endpoint.address}:${endpoint.port}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
