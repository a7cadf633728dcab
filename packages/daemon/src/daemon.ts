/**
 * One ringlog daemon: listeners, sessions, and delivery over an ordering layer.
 *
 * Sessions never talk to each other. Each validated request goes to the ordering layer;
 * what the layer delivers, in its agreed order, is applied by Delivery, which writes frames
 * into the receivers' output queues. Queues flush once per event-loop turn, so one socket
 * write carries every frame a receiver got in that turn.
 *
 * A private name stays taken from the handshake until the session's disconnect has been
 * delivered, not just submitted. With a ring the disconnect is delivered later; a quick
 * reconnect under the same name meanwhile would have its join ignored as a repeat, then be
 * removed by the old disconnect. Such a reconnect is refused with REJECT_NOT_UNIQUE, as
 * Spread refuses a name still in use; the client retries.
 */
import type net from 'node:net';
import { encodeMessage, type Hello, isLegalGroupName, Limits, privateGroupName, ResultCode, type ClientRequest, type WireProtocolError } from '@ringlog/wire';
import pino, { type Logger } from 'pino';
import type { Admission } from './handshake-phase.ts';
import { Delivery, type DeliveryTarget, type LocalSessions } from './delivery.ts';
import { DaemonErrorCode, DaemonOptionsError, SessionEndReason } from './errors.ts';
import { readFileLimit } from './fd-limit.ts';
import { type BoundListener, bindListener, closeListener, describeAddress } from './listeners.ts';
import { type DaemonOptions, type ListenAddress, resolveDaemonOptions } from './options.ts';
import { LocalOrdering, type OrderingLayer } from './ordering.ts';
import type { OutputQueueLimits } from './output-queue.ts';
import { Session, type SessionHost } from './session.ts';
import { type DaemonCounters, DaemonTelemetry } from './telemetry.ts';

export interface DaemonDependencies {
  readonly logger?: Logger;
  readonly nowMs?: () => number;
  /** The ordering layer; a LocalOrdering (no peers) by default. */
  readonly ordering?: OrderingLayer;
  /** Randomness for invented private names. */
  readonly random?: () => number;
}

/** Descriptors the process needs besides sessions: listeners, logs, stdio, libuv internals. */
const DESCRIPTORS_RESERVED = 64;

/** A name admitted whose handshake has not finished. */
const HANDSHAKE = 'handshake';
/** A name whose session ended and whose disconnect the ordering layer has not delivered yet. */
const DISCONNECTING = 'disconnecting';
type NameHolder = Session | typeof HANDSHAKE | typeof DISCONNECTING;

export class Daemon implements SessionHost, LocalSessions {
  readonly options: DaemonOptions;
  readonly telemetry: DaemonTelemetry;
  readonly ordering: OrderingLayer;
  readonly delivery: Delivery;
  readonly daemonIndex: number;
  readonly queueLimits: OutputQueueLimits;
  readonly #listeners: BoundListener[] = [];
  /** Private group → its open session, or who else holds the name (see NameHolder). */
  readonly #names = new Map<string, NameHolder>();
  #disconnecting = 0;
  readonly #connections = new Set<Session>();
  readonly #dirty = new Set<Session>();
  readonly #nowMs: () => number;
  readonly #random: () => number;
  /** Open-file limit at start; connections near it mean the OS is refusing new clients. */
  readonly #fileLimit: number | null = readFileLimit()?.soft ?? null;
  #flushScheduled = false;
  #nextSessionId = 1;
  #closing = false;

  constructor(options: DaemonOptions, deps: DaemonDependencies = {}) {
    validateOptions(options);
    this.options = options;
    this.#nowMs = deps.nowMs ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.telemetry = new DaemonTelemetry(deps.logger ?? pino({ level: 'silent' }));
    this.ordering = deps.ordering ?? new LocalOrdering(options.name, options.virtualId, this.#nowMs());
    this.daemonIndex = Math.max(0, this.ordering.view.daemons.indexOf(options.name));
    this.delivery = new Delivery(this, () => this.ordering.view);
    this.ordering.onDeliver(this.delivery.apply);
    this.ordering.onGroupState?.(this.delivery);
    this.queueLimits = {
      maxMessages: options.sessionQueueMaxMessages,
      maxBytes: options.sessionQueueMaxBytes,
      policy: options.sessionQueueFullPolicy,
      socketHighWaterBytes: options.socketHighWaterBytes,
    };
  }

  get handshakeTimeoutMs(): number {
    return this.options.handshakeTimeoutMs;
  }

  get authMethods(): readonly string[] {
    return this.options.authMethods;
  }

  get addresses(): readonly ListenAddress[] {
    return this.#listeners.map((l) => l.address);
  }

  get counters(): DaemonCounters {
    return this.telemetry.counters;
  }

  /** Connections held, in handshake or open. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  get sessionCount(): number {
    let open = 0;
    for (const holder of this.#names.values()) if (holder instanceof Session) open++;
    return open;
  }

  async listen(): Promise<void> {
    for (const address of this.options.listen) {
      const listener = await bindListener(address, this.#onConnection);
      listener.server.on('error', (error: NodeJS.ErrnoException) => {
        this.telemetry.acceptFailed(error, this.#nowMs(), readFileLimit()?.soft ?? null);
      });
      this.#listeners.push(listener);
      this.telemetry.listening(describeAddress(listener.address));
    }
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const listeners = this.#listeners.splice(0);
    for (const session of [...this.#connections]) session.end(SessionEndReason.DAEMON_SHUTDOWN);
    await Promise.all(listeners.map(closeListener));
    this.ordering.close();
  }

  find(privateGroup: string): DeliveryTarget | undefined {
    const holder = this.#names.get(privateGroup);
    return holder instanceof Session ? holder : undefined;
  }

  disconnected(privateGroup: string): void {
    if (this.#names.get(privateGroup) !== DISCONNECTING) return;
    this.#names.delete(privateGroup);
    this.#disconnecting--;
  }

  readonly #onConnection = (socket: net.Socket): void => {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const remote = socket.remoteAddress === undefined ? 'unix' : `${socket.remoteAddress}:${socket.remotePort}`;
    const session = new Session(this.#nextSessionId++, socket, remote, this);
    this.#connections.add(session);
    if (this.#fileLimit !== null && this.#connections.size >= this.#fileLimit - DESCRIPTORS_RESERVED) {
      this.telemetry.fileLimitReached(this.#connections.size, this.#fileLimit, this.#nowMs());
    }
  };

  admit(hello: Hello): Admission {
    // A name still waiting for its disconnect's delivery is no longer a session.
    if (this.options.maxSessions > 0 && this.#names.size - this.#disconnecting >= this.options.maxSessions) {
      return { rejectCode: ResultCode.REJECT_QUOTA, reason: `max_sessions ${this.options.maxSessions} reached` };
    }
    const privateGroup = hello.name.length === 0 ? this.#inventName() : privateGroupName(hello.name, this.options.name);
    const holder = this.#names.get(privateGroup);
    if (holder === DISCONNECTING) {
      return { rejectCode: ResultCode.REJECT_NOT_UNIQUE, reason: `${privateGroup} is still disconnecting` };
    }
    if (holder !== undefined) {
      return { rejectCode: ResultCode.REJECT_NOT_UNIQUE, reason: `${privateGroup} is already connected` };
    }
    this.#names.set(privateGroup, HANDSHAKE);
    return { privateGroup };
  }

  release(privateGroup: string): void {
    if (this.#names.get(privateGroup) === HANDSHAKE) this.#names.delete(privateGroup);
  }

  /** Spread's `r<0..9998>-<fd>`, kept within the 10-character private name limit. */
  #inventName(): string {
    for (;;) {
      const name = `r${Math.floor(this.#random() * 9999)}-${this.#nextSessionId % 10_000}`.slice(0, Limits.PRIVATE_NAME_MAX_CHARS);
      const group = privateGroupName(name, this.options.name);
      if (!this.#names.has(group)) return group;
    }
  }

  onOpen(session: Session, hello: Hello): void {
    const privateGroup = session.privateGroup as string;
    this.#names.set(privateGroup, session);
    this.telemetry.sessionAccepted(privateGroup, session.remote, `${hello.major}.${hello.minor}.${hello.patch}`);
  }

  onRequest(session: Session, request: ClientRequest): void {
    const member = session.privateGroup as string;
    this.telemetry.counters.messagesReceived++;
    switch (request.kind) {
      case 'multicast': {
        const frame = encodeMessage({
          type: request.service | (request.selfDiscard ? 0x40 : 0),
          sender: member,
          groups: request.groups,
          hint: request.hint,
          data: request.data,
        });
        this.telemetry.counters.bytesReceived += request.data.length;
        this.ordering.submit({ kind: 'multicast', sender: member, service: request.service, selfDiscard: request.selfDiscard, groups: request.groups, frame });
        return;
      }
      case 'join':
      case 'leave':
        this.ordering.submit({ kind: request.kind, member, group: request.group });
        return;
      case 'kill':
        session.end(SessionEndReason.CLIENT_KILL);
    }
  }

  onRejected(session: Session, code: number, reason: string): void {
    this.#connections.delete(session);
    this.telemetry.sessionRejected(rejectReason(code), code, session.remote, reason);
  }

  onProtocolError(session: Session, error: WireProtocolError): void {
    this.telemetry.protocolViolation(session.privateGroup ?? session.remote, error.code, error.message);
  }

  onEnd(session: Session, reason: SessionEndReason): void {
    this.#connections.delete(session);
    this.#dirty.delete(session);
    const privateGroup = session.privateGroup;
    this.telemetry.sessionEnded(privateGroup ?? session.remote, reason);
    if (privateGroup === null || this.#names.get(privateGroup) !== session) return;
    if (this.#closing) {
      this.#names.delete(privateGroup);
      return;
    }
    // Set before submitting: a layer that delivers at once frees the name inside submit().
    this.#names.set(privateGroup, DISCONNECTING);
    this.#disconnecting++;
    this.ordering.submit({ kind: 'disconnect', member: privateGroup });
  }

  onQueueOverflow(session: Session, messages: number, bytes: number): void {
    this.telemetry.slowReaderDisconnected(session.privateGroup ?? session.remote, messages, bytes);
    session.destroy(SessionEndReason.SLOW_READER);
  }

  onQueueDropped(session: Session, count: number): void {
    this.telemetry.queueDropped(session.privateGroup ?? session.remote, count);
  }

  scheduleFlush(session: Session): void {
    this.#dirty.add(session);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    // A flush can deliver more (a slow reader's overflow ends it, and its disconnect notifies
    // the others): those sessions go into a fresh set with their own flush, not the one cleared here.
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const session of dirty) session.output.flush();
    this.telemetry.counters.messagesDelivered = this.delivery.delivered;
  };
}

function rejectReason(code: number): string {
  switch (code) {
    case ResultCode.REJECT_QUOTA: return 'quota';
    case ResultCode.REJECT_ILLEGAL_NAME: return 'illegal_name';
    case ResultCode.REJECT_NOT_UNIQUE: return 'not_unique';
    case ResultCode.REJECT_VERSION: return 'version';
    case ResultCode.REJECT_AUTH: return 'auth';
    default: return 'incomplete_hello';
  }
}

function validateOptions(options: DaemonOptions): void {
  const problems: string[] = [];
  if (options.name.length === 0 || options.name.length > Limits.DAEMON_NAME_MAX_CHARS || !isLegalGroupName(options.name) || options.name.includes('#')) {
    problems.push(`daemon name ${JSON.stringify(options.name)} must be 1..19 characters in '$'..'~' without '#'`);
  }
  if (options.authMethods.some((m) => m !== 'NULL')) problems.push('only the NULL auth method is implemented');
  if (options.sessionQueueMaxMessages < 1) problems.push('sessionQueueMaxMessages must be at least 1');
  if (problems.length > 0) throw new DaemonOptionsError(DaemonErrorCode.BAD_OPTIONS, problems.join('; '));
}

/** Starts a daemon with `options` (defaults for anything missing) and binds its listeners. */
export async function startDaemon(options: Partial<DaemonOptions> = {}, deps: DaemonDependencies = {}): Promise<Daemon> {
  const daemon = new Daemon(resolveDaemonOptions(options), deps);
  try {
    await daemon.listen();
  } catch (error) {
    await daemon.close();
    throw error;
  }
  return daemon;
}
