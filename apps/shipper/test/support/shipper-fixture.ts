/** Process-level fixtures for the shipper: a shipper with its config, writers, a group receiver. */
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type SpreadSession } from '@ringlog/client';
import { ChildFixture, ChildTracker, waitUntil } from '../../../daemon/test/support/processes.ts';

export const SHIPPER_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export class ShipperTracker extends ChildTracker {
  shipper(args: readonly string[]): ChildFixture {
    return this.track(new ChildFixture(SHIPPER_MAIN, args, ['--import', 'tsx']));
  }
}

export interface ShipperYamlOptions {
  readonly endpoint: string;
  readonly stateDir: string;
  readonly inputs: readonly string[];
  /** Top-level YAML lines after `admin` (e.g. a `batch:` section). */
  readonly extra?: readonly string[];
  /** More keys of the `shipper:` section, e.g. `embedded_config: …`. */
  readonly shipperKeys?: readonly string[];
}

export async function writeShipperYaml(dir: string, options: ShipperYamlOptions): Promise<string> {
  const file = join(dir, 'shipper.yaml');
  const lines = [
    'shipper:',
    `  daemon: ${JSON.stringify(options.endpoint)}`,
    `  state_dir: ${JSON.stringify(options.stateDir)}`,
    '  reconnect_initial_delay_ms: 20',
    '  reconnect_max_delay_ms: 100',
    ...(options.shipperKeys ?? []).map((line) => `  ${line}`),
    'admin:',
    '  listen: "127.0.0.1:0"',
    // These tests receive with plain Spread sessions, as spreadlogd would: no collector
    // acknowledges, so batches are plain and forgotten once ordered (the chaos test and the
    // stack's tests cover acknowledged delivery with real collectors).
    'upstream:',
    '  delivery: ordered',
    ...(options.extra ?? []),
    'inputs:',
    ...options.inputs.map((input) => `  - ${input}`),
    '',
  ];
  await writeFile(file, lines.join('\n'));
  return file;
}

export interface ShipperStatusDocument {
  readonly upstream: { readonly state: string; readonly connects: number; readonly unconfirmedBytes: number; readonly resentBytes: number };
  readonly spool: { readonly pendingBytes: number; readonly pendingRecords: number };
  readonly queue: { readonly openBytes: number; readonly paused: boolean };
  readonly inputs: readonly { readonly name: string; readonly at: string; readonly lines: number; readonly connections: number }[];
}

export async function shipperStatus(adminUrl: string): Promise<ShipperStatusDocument> {
  return (await (await fetch(`${adminUrl}/status`)).json()) as ShipperStatusDocument;
}

/** Waits for "ringlog-shipper started"; returns the admin URL and where each input listens. */
export async function shipperReady(shipper: ChildFixture): Promise<{ adminUrl: string; inputs: string[] }> {
  const started = await shipper.waitForLog('ringlog-shipper started');
  return { adminUrl: String(started['admin']), inputs: started['inputs'] as string[] };
}

/** Waits until everything the shipper spooled is confirmed by the daemon. */
export async function shipperDrained(adminUrl: string, shipper: ChildFixture): Promise<void> {
  await waitUntil(
    async () => {
      const status = await shipperStatus(adminUrl);
      return status.upstream.state === 'connected' && status.spool.pendingBytes === 0 && status.queue.openBytes === 0;
    },
    'shipper drained',
    () => shipper.describe(),
  );
}

/** A group member recording every line it receives, in order. */
export async function groupReceiver(endpoint: string, group = 'www', name = 'rx'): Promise<{ session: SpreadSession; lines: string[] }> {
  const session = await connect({ endpoint, name, membership: true });
  const lines: string[] = [];
  let joined = false;
  session.onEvent((event) => {
    if (event.type === 'membership' && event.group === group) joined = true;
    if (event.type === 'message') for (const line of event.data.toString('latin1').split('\n')) if (line !== '') lines.push(line);
  });
  session.join(group);
  await waitUntil(() => joined, `${name} joined ${group}`);
  return { session, lines };
}

/** `writers` unix-socket connections each writing `count` lines `w<writer>-<seq> ...`; resolves when all are written. */
export async function writeUnixLines(path: string, writers: number, first: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const socket = net.createConnection(path);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const lines = Array.from({ length: count }, (_, i) => `${accessLine(writer, first + i)}\n`).join('');
      await new Promise<void>((resolve) => socket.end(lines, resolve));
    }),
  );
}

export function accessLine(writer: number, seq: number): string {
  return `w${writer}.example.com 192.0.2.${writer % 250} - - [22/Nov/2026:10:00:00 +0000] "GET /item/${seq} HTTP/1.1" 200 512 "-" "bench" w${writer}-${seq}`;
}

/** Per writer: the sequence numbers in arrival order. */
export function sequencesByWriter(lines: readonly string[]): Map<number, number[]> {
  const byWriter = new Map<number, number[]>();
  for (const line of lines) {
    const match = / w(\d+)-(\d+)$/.exec(line);
    if (match === null) throw new Error(`unexpected line ${JSON.stringify(line)}`);
    const writer = Number(match[1]);
    let list = byWriter.get(writer);
    if (list === undefined) byWriter.set(writer, (list = []));
    list.push(Number(match[2]));
  }
  return byWriter;
}

export function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
