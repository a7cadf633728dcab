/**
 * A spread input on real sockets (TCP 127.0.0.1 port 0) feeding a RecordingIngest, plus a
 * byte-level peer for hostile and captured traffic, and a reader for the Spread 5.0.1 wire
 * captures in shared/spec. Waits poll a condition with a deadline that only bounds how long a
 * failing test hangs; nothing here asserts on speed.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { SpreadInputConfig } from '@ringlog/config';
import type { InputHandle, InputRoute, PushOutcome } from '@ringlog/shipper';
import pino from 'pino';
import { createSpreadInput, type SpreadInput, type SpreadInputTuning } from '../../src/inputs/spread-input.ts';
import { RecordingIngest } from './recording-ingest.ts';

export const CAPTURES_PATH = '/work/shared/spec/spread-5.0.1-captures.txt';

/** Also records the route of every push, to check group rewrite and vhost buckets. */
export class RouteRecordingIngest extends RecordingIngest {
  readonly routes: (InputRoute | undefined)[] = [];

  override push(input: InputHandle, lines: readonly Buffer[], route?: InputRoute): PushOutcome {
    this.routes.push(route);
    return super.push(input, lines, route);
  }
}

export interface Running {
  readonly input: SpreadInput;
  readonly ingest: RouteRecordingIngest;
  /** A spread name for `connect()`: `tcp:127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly address: { readonly host: string; readonly port: number };
}

export function spreadConfig(overrides: Partial<SpreadInputConfig> = {}): SpreadInputConfig {
  return { type: 'spread', name: 'spread-0', group: '', vhost_buckets: 0, listen: '127.0.0.1:0', max_connections: 0, ...overrides };
}

export function silentContext(ingest: RecordingIngest): Parameters<typeof createSpreadInput>[1] {
  return { ingest, logger: pino({ level: 'silent' }), lineMaxBytes: 64 * 1024, stateDir: '/nonexistent' };
}

export async function startSpreadInput(overrides: Partial<SpreadInputConfig> = {}, tuning: SpreadInputTuning = {}): Promise<Running> {
  const ingest = new RouteRecordingIngest();
  const input = createSpreadInput(spreadConfig(overrides), silentContext(ingest), tuning);
  await input.start();
  const tcp = input.addresses.find((a) => a.kind === 'tcp');
  if (tcp?.kind !== 'tcp') throw new Error('spread input has no TCP listener');
  return { input, ingest, endpoint: `tcp:${tcp.host}:${tcp.port}`, address: { host: tcp.host, port: tcp.port } };
}

/** Polls `condition` until true; fails after `timeoutMs` naming `what`. Not a speed check. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A raw connection: writes any bytes, reads exact counts, sees the close. */
export class RawPeer {
  readonly socket: net.Socket;
  #received: Buffer[] = [];
  #bytes = 0;
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#bytes += chunk.length;
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async open(address: { host: string; port: number }): Promise<RawPeer> {
    const socket = net.connect({ host: address.host, port: address.port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Exactly `count` bytes, waiting for them. */
  async read(count: number): Promise<Buffer> {
    await waitFor(() => this.#bytes >= count || this.closed, `${count} bytes from the input`);
    if (this.#bytes < count) throw new Error(`Closed after ${this.#bytes}/${count} bytes`);
    const all = Buffer.concat(this.#received, this.#bytes);
    this.#received = [all.subarray(count)];
    this.#bytes -= count;
    return Buffer.from(all.subarray(0, count));
  }

  async whenClosed(): Promise<void> {
    await waitFor(() => this.closed, 'the input to close the connection');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface CaptureRecord {
  readonly direction: 'C->D' | 'D->C';
  /** The decoder's one-line meaning, e.g. `MESSAGE type=0x800000a0 [SAFE|...`. */
  readonly summary: string;
  readonly bytes: Buffer;
}

const RECORD_LINE = /^\[conn (\d+)\] \S+ (C->D|D->C) (\d+) bytes: (.*)$/;
const HEX_LINE = /^ {4}[0-9a-f]{4} {2}((?:[0-9a-f]{2} )+)/;

/** The decoded records of one connection of section 1 (single daemon) of the captures, in order. */
export function captureRecords(conn: number): CaptureRecord[] {
  const text = readFileSync(CAPTURES_PATH, 'latin1');
  // Later sections reuse connection numbers for other daemons; section 1 ends where section 2 starts.
  const lines = text.slice(0, text.indexOf('\n# 2. ')).split('\n');
  const records: CaptureRecord[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = RECORD_LINE.exec(lines[index] as string);
    if (match === null || Number(match[1]) !== conn) continue;
    const hex: string[] = [];
    for (let next = index + 1; next < lines.length && !(lines[next] as string).startsWith('['); next++) {
      const dump = HEX_LINE.exec(lines[next] as string);
      if (dump !== null) hex.push((dump[1] as string).replace(/ /g, ''));
    }
    const bytes = Buffer.from(hex.join(''), 'hex');
    if (bytes.length !== Number(match[3])) throw new Error(`capture conn ${conn}: record says ${match[3]} bytes, dump holds ${bytes.length}`);
    records.push({ direction: match[2] as 'C->D' | 'D->C', summary: match[4] as string, bytes });
  }
  return records;
}
