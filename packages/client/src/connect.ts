/**
 * connect(): open a socket to a Spread daemon, run the handshake (spec §6.2) whatever the
 * fragmentation, and hand the socket to a SpreadSession. TCP sockets get TCP_NODELAY and
 * SO_KEEPALIVE, as libspread sets them. One timer bounds connect + handshake.
 */
import net from 'node:net';
import { Limits, ResultCode } from '@ringlog/wire';
import { ClientHandshake, type HandshakeStep } from './client-handshake.ts';
import { ClientErrorCode, ClientUsageError, SpreadConnectError } from './errors.ts';
import { DEFAULT_FRAME_WRITER_OPTIONS } from './frame-writer.ts';
import { SpreadSession, type SessionOptions } from './session.ts';
import { formatEndpoint, parseSpreadName, type Endpoint } from './spread-name.ts';

export interface ConnectOptions {
  /** A spread name ("4803", "4803@host", "tcp:host:port", "unix:/path") or an endpoint. */
  readonly endpoint: string | Endpoint;
  /** Private name, up to 10 characters (longer is truncated, as libspread does); "" (default) lets the daemon invent one. */
  readonly name?: string;
  /** Receive membership notifications (default true). */
  readonly membership?: boolean;
  /** 0 or 1; stored by the daemon, never used (default 0). */
  readonly priority?: number;
  /** Bound on connect + handshake (default 5000 ms, SP_connect_timeout in spuser). */
  readonly connectTimeoutMs?: number;
  /** Authentication methods the client may choose (default ['NULL']). */
  readonly authMethods?: readonly string[];
  /** Largest data + 32·groups per multicast (default 144 000, libspread's check). */
  readonly bodyMaxBytes?: number;
  /** Events the async iterator holds before reading pauses (default 4096). */
  readonly receiveQueueMax?: number;
  /** Socket write high-water mark in bytes (default 256 KiB). */
  readonly socketHighWaterBytes?: number;
}

interface ResolvedConnectOptions {
  readonly endpoint: Endpoint;
  readonly name: string;
  readonly membership: boolean;
  readonly priority: number;
  readonly connectTimeoutMs: number;
  readonly authMethods: readonly string[];
  readonly socketHighWaterBytes: number;
  readonly session: SessionOptions;
}

function illegalOption(message: string): ClientUsageError {
  return new ClientUsageError(ClientErrorCode.ILLEGAL_OPTION, ResultCode.ILLEGAL_SESSION, message);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw illegalOption(`${what} must be a positive integer, got ${value}`);
  return value;
}

export function resolveConnectOptions(options: ConnectOptions): ResolvedConnectOptions {
  const endpoint = typeof options.endpoint === 'string' ? parseSpreadName(options.endpoint) : options.endpoint;
  const priority = options.priority ?? 0;
  if (priority !== 0 && priority !== 1) throw illegalOption(`priority must be 0 or 1, got ${priority}`);
  const authMethods = options.authMethods ?? ['NULL'];
  if (authMethods.length === 0) throw illegalOption('authMethods must name at least one method');
  const receiveQueueMax = positiveInteger(options.receiveQueueMax ?? 4096, 'receiveQueueMax');
  if (receiveQueueMax < 2) throw illegalOption('receiveQueueMax must be at least 2');
  return {
    endpoint,
    name: (options.name ?? '').slice(0, Limits.PRIVATE_NAME_MAX_CHARS),
    membership: options.membership ?? true,
    priority,
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs'),
    authMethods,
    socketHighWaterBytes: positiveInteger(options.socketHighWaterBytes ?? 256 * 1024, 'socketHighWaterBytes'),
    session: {
      bodyMaxBytes: positiveInteger(options.bodyMaxBytes ?? Limits.LIBRARY_BODY_MAX_BYTES, 'bodyMaxBytes'),
      receiveQueueMax,
      writer: DEFAULT_FRAME_WRITER_OPTIONS,
      closeTimeoutMs: 2000,
    },
  };
}

function openSocket(endpoint: Endpoint, writableHighWaterMark: number): net.Socket {
  // net.connect passes stream options through to the Duplex; @types/node omits them.
  const stream = { writableHighWaterMark } as object;
  if (endpoint.kind === 'unix') return net.connect({ ...stream, path: endpoint.path });
  return net.connect({ ...stream, host: endpoint.host, port: endpoint.port, noDelay: true, keepAlive: true });
}

function rejectedError(step: Extract<HandshakeStep, { status: 'rejected' }>, where: string): SpreadConnectError {
  const code = step.authUnavailable ? ClientErrorCode.AUTH_UNAVAILABLE : ClientErrorCode.CONNECT_REJECTED;
  return new SpreadConnectError(code, step.spreadCode, `${where}: ${step.reason}`);
}

/** Opens a Spread session. Rejects with SpreadConnectError (spreadCode = libspread's result code). */
export async function connect(options: ConnectOptions): Promise<SpreadSession> {
  return dial(resolveConnectOptions(options));
}

function dial(options: ResolvedConnectOptions): Promise<SpreadSession> {
  const where = formatEndpoint(options.endpoint);
  return new Promise((resolve, reject) => {
    const socket = openSocket(options.endpoint, options.socketHighWaterBytes);
    const handshake = new ClientHandshake(options);
    let connected = false;
    let settled = false;
    const timer = setTimeout(() => {
      fail(new SpreadConnectError(ClientErrorCode.CONNECT_TIMEOUT, ResultCode.ILLEGAL_TIME, `${where}: no session after ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
    const detach = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect).off('data', onData).off('error', onError).off('close', onClose);
    };
    const fail = (error: SpreadConnectError): void => {
      if (settled) return;
      settled = true;
      detach();
      socket.on('error', () => undefined);
      socket.destroy();
      reject(error);
    };
    function onConnect(): void {
      connected = true;
      socket.write(handshake.hello());
    }
    function onData(chunk: Buffer): void {
      const step = handshake.push(chunk);
      if (step.status === 'rejected') return fail(rejectedError(step, where));
      if (step.send !== null) socket.write(step.send);
      if (step.status !== 'accepted') return;
      settled = true;
      detach();
      resolve(new SpreadSession({ socket, accept: step.accept, endpoint: options.endpoint, rest: step.rest, options: options.session }));
    }
    function onError(error: Error): void {
      if (connected) {
        fail(new SpreadConnectError(ClientErrorCode.HANDSHAKE_CLOSED, ResultCode.CONNECTION_CLOSED, `${where}: connection failed during the handshake`, { cause: error }));
      } else {
        fail(new SpreadConnectError(ClientErrorCode.COULD_NOT_CONNECT, ResultCode.COULD_NOT_CONNECT, `${where}: ${error.message}`, { cause: error }));
      }
    }
    function onClose(): void {
      fail(new SpreadConnectError(ClientErrorCode.HANDSHAKE_CLOSED, ResultCode.CONNECTION_CLOSED, `${where}: daemon closed the connection during the handshake`));
    }
    socket.on('connect', onConnect).on('data', onData).on('error', onError).on('close', onClose);
  });
}
