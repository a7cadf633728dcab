/**
 * Shared set-up for the socket input tests: a RecordingIngest-backed context, configs with
 * test defaults, short temporary directories for socket files, and a poll helper. Waits are
 * generous bounds on how long a failing test hangs, never speed checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TcpInputConfig, UdpInputConfig, UnixDgramInputConfig, UnixInputConfig } from '@ringlog/config';
import { pino } from 'pino';
import type { InputContext, ShipperInput } from '../../src/inputs/shipper-input.ts';
import { RecordingIngest } from './recording-ingest.ts';

export const WAIT_MS = 8_000;
export const GROUP = 'access';

/** Polls `condition` until true; fails after `timeoutMs` with `what` and `detail()`. */
export async function waitUntil(condition: () => boolean, what: string, detail: () => string = () => '', timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Polls `read` until it returns the same value `polls` times in a row, and returns it: for
 * checking that an input has stopped reading. A stall of the machine can only make it return
 * early, which makes a broken input look paused, never a working one look broken.
 */
export async function waitUntilStable(read: () => number, what: string, polls = 5): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  let value = read();
  let same = 0;
  while (same < polls) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what} to settle (last ${value})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = read();
    same = next === value ? same + 1 : 0;
    value = next;
  }
  return value;
}

export interface Harness {
  readonly ingest: RecordingIngest;
  readonly context: InputContext;
}

export function createHarness(lineMaxBytes = 1024): Harness {
  const ingest = new RecordingIngest();
  return { ingest, context: { ingest, logger: pino({ level: 'silent' }), lineMaxBytes, stateDir: tmpdir() } };
}

/** A short directory for socket files (sun_path holds 107 bytes), removed by `cleanup`. */
export async function socketDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'rl-sock-'));
}

/** Closes inputs and removes directories; for afterEach. */
export class Cleanup {
  readonly #inputs: ShipperInput[] = [];
  readonly #dirs: string[] = [];

  input<T extends ShipperInput>(input: T): T {
    this.#inputs.push(input);
    return input;
  }

  dir(dir: string): string {
    this.#dirs.push(dir);
    return dir;
  }

  async run(): Promise<void> {
    for (const input of this.#inputs.splice(0)) await input.close();
    for (const dir of this.#dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

export function unixConfig(socketPath: string, overrides: Partial<UnixInputConfig> = {}): UnixInputConfig {
  return { type: 'unix', name: 'unix-0', group: GROUP, vhost_buckets: 0, path: socketPath, mode: '0660', max_connections: 100_000, idle_timeout_ms: 0, ...overrides };
}

export function unixDgramConfig(socketPath: string, overrides: Partial<UnixDgramInputConfig> = {}): UnixDgramInputConfig {
  return { type: 'unix_dgram', name: 'unix-dgram-0', group: GROUP, vhost_buckets: 0, path: socketPath, mode: '0660', ...overrides };
}

export function tcpConfig(overrides: Partial<TcpInputConfig> = {}): TcpInputConfig {
  return { type: 'tcp', name: 'tcp-0', group: GROUP, vhost_buckets: 0, listen: '127.0.0.1:0', framing: 'newline', max_connections: 10_000, idle_timeout_ms: 0, ...overrides };
}

export function udpConfig(overrides: Partial<UdpInputConfig> = {}): UdpInputConfig {
  return { type: 'syslog_udp', name: 'udp-0', group: GROUP, vhost_buckets: 0, listen: '127.0.0.1:0', ...overrides };
}

/** The port a started tcp/udp input bound, from describe() (`type:host:port`). */
export function portOf(input: ShipperInput): number {
  const text = input.describe();
  return Number(text.slice(text.lastIndexOf(':') + 1));
}

/** Lines of `group` as Buffers, bytes exactly as pushed. */
export function linesAsBytes(ingest: RecordingIngest, group = GROUP): Buffer[] {
  return ingest.of(group).map((line) => Buffer.from(line, 'latin1'));
}
