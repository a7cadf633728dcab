/**
 * A daemon on real sockets for behaviour tests: TCP on 127.0.0.1 port 0 plus a unix socket
 * in a fresh temp dir. Clients opened through the harness are destroyed before the daemon
 * closes, so a paused test client cannot hold the shutdown open.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Daemon, type DaemonDependencies, type DaemonOptions, type ListenAddress, startDaemon } from '@ringlog/daemon';
import { decodeMembershipBody, ENDIAN_MARKER, type MembershipBody, type Message } from '@ringlog/wire';
import pino, { type Logger } from 'pino';
import { RawClient } from './raw-client.ts';

/** Pinned daemon id and ring time, so group ids are known values. */
export const DAEMON_ID = 482711334;
export const RING_TIME_SECS = 1795305806;

export interface Connected {
  readonly client: RawClient;
  /** `#name#localhost` */
  readonly group: string;
}

export class Harness {
  readonly daemon: Daemon;
  readonly tcp: ListenAddress;
  readonly unix: ListenAddress;
  readonly #dir: string;
  readonly #clients = new Set<RawClient>();

  private constructor(daemon: Daemon, dir: string) {
    this.daemon = daemon;
    this.#dir = dir;
    this.tcp = daemon.addresses.find((a) => a.kind === 'tcp') as ListenAddress;
    this.unix = daemon.addresses.find((a) => a.kind === 'unix') as ListenAddress;
  }

  static async start(options: Partial<DaemonOptions> = {}, deps: DaemonDependencies = {}): Promise<Harness> {
    const dir = await mkdtemp(path.join(tmpdir(), 'ringlog-daemon-test-'));
    const daemon = await startDaemon(
      {
        name: 'localhost',
        virtualId: DAEMON_ID,
        listen: [
          { kind: 'tcp', host: '127.0.0.1', port: 0 },
          { kind: 'unix', path: path.join(dir, '4803') },
        ],
        ...options,
      },
      { nowMs: () => RING_TIME_SECS * 1000, ...deps },
    );
    return new Harness(daemon, dir);
  }

  /** A raw connection, not yet handshaken. */
  async open(transport: 'tcp' | 'unix' = 'tcp', options: { allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    const client = await RawClient.open(transport === 'tcp' ? this.tcp : this.unix, options);
    this.#clients.add(client);
    return client;
  }

  /** A 5.0.1 session named `name`. */
  async connect(name: string, options: { membership?: boolean; transport?: 'tcp' | 'unix' } = {}): Promise<Connected> {
    const client = await this.open(options.transport ?? 'tcp');
    const group = await client.handshake(name, options.membership ?? true);
    return { client, group };
  }

  /** A session that has joined `group` and read its own join notification. */
  async member(name: string, group: string): Promise<Connected> {
    const connected = await this.connect(name);
    connected.client.join(connected.group, group);
    await connected.client.readMessageWhere((m) => m.header.sender === group && isMembership(m));
    return connected;
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.destroy();
    this.#clients.clear();
    await this.daemon.close();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Polls `condition` until true; fails after `timeoutMs` naming `what`. Not a speed check. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function isMembership(message: Message): boolean {
  return (message.header.type & 0x3f00) !== 0;
}

/** The type as it was on the wire: endian marker included. */
export function wireType(message: Message): number {
  return (message.header.type | ENDIAN_MARKER) >>> 0;
}

export function membershipOf(message: Message): MembershipBody {
  return decodeMembershipBody(message.data);
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A pino logger writing JSON lines into memory, as pino's own tests assert on logs. */
export function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export const PINO_WARN = 40;
