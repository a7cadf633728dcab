/**
 * Fixtures for pipe input and helper tests: a pipe input over a RecordingIngest on a socket
 * in a fresh temporary directory, a raw client for hostile writers, and a poll-until helper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipeInputConfig } from '@ringlog/config';
import pino from 'pino';
import { createPipeInput } from '../../src/inputs/pipe-input.ts';
import type { ShipperInput } from '../../src/inputs/shipper-input.ts';
import { RecordingIngest } from './recording-ingest.ts';

export const silentLogger = pino({ level: 'silent' });

/** A temporary directory, removed by the returned cleanup. */
export function temporaryDirectory(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function pipeConfig(path: string, overrides: Partial<PipeInputConfig> = {}): PipeInputConfig {
  return { type: 'pipe', name: 'pipe-0', group: 'default', vhost_buckets: 0, path, mode: '0660', max_connections: 16, idle_timeout_ms: 0, ...overrides };
}

/** A started pipe input; `ingest` may be shared across restarts to model one spool. */
export async function startPipeInput(path: string, ingest = new RecordingIngest(), overrides: Partial<PipeInputConfig> = {}): Promise<{ input: ShipperInput; ingest: RecordingIngest }> {
  const input = createPipeInput(pipeConfig(path, overrides), { ingest, logger: silentLogger, lineMaxBytes: 64 * 1024, stateDir: path });
  await input.start();
  return { input, ingest };
}

/** Polls until `condition` holds; fails after `timeoutMs` with `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw socket client that records what the shipper answers and when it closes. */
export class RawPipeClient {
  readonly socket: Socket;
  replies = '';
  closed = false;
  readonly #connected: Promise<void>;

  constructor(path: string) {
    this.socket = connect(path);
    this.socket.on('data', (chunk: Buffer) => (this.replies += chunk.toString('latin1')));
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.#connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  connected(): Promise<void> {
    return this.#connected;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** The last ACK value received, or -1. */
  get lastAck(): number {
    const acks = [...this.replies.matchAll(/ACK ([0-9]+)\n/g)];
    return acks.length === 0 ? -1 : Number(acks.at(-1)?.[1]);
  }
}
