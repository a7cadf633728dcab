/**
 * A ringlog-shipper in its own process (apps/shipper's main, as an operator runs it) with one
 * unix input, configured for a benchmark; its /status; its CPU time and descriptors from /proc.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forkTs, freePort, REPO_ROOT, stopChild } from './processes.ts';

export { cpuSeconds } from './processes.ts';

/** The parts of the shipper's /status a benchmark reads. */
export interface ShipperStatusDocument {
  readonly upstream: { readonly state: string; readonly connects: number; readonly disconnects: number; readonly unconfirmedBytes: number; readonly sentLines: number };
  readonly spool: { readonly pendingBytes: number; readonly pendingRecords: number; readonly appendedLines: number; readonly diskReads: number; readonly diskReadBytes: number; readonly cacheHits: number };
  readonly queue: { readonly openBytes: number; readonly paused: boolean };
  readonly engine: { readonly lines: number; readonly droppedLines: number };
  readonly inputs: readonly {
    readonly name: string;
    readonly lines: number;
    readonly connections: number;
    readonly connectionsTotal: number;
    readonly errors: Readonly<Record<string, number>>;
    readonly drops: Readonly<Record<string, number>>;
  }[];
}

export interface ShipperProcessOptions {
  readonly workDir: string;
  /** Spread name of the daemon, e.g. unix:/tmp/x/d.sock (it need not exist yet). */
  readonly daemon: string;
  /** The unix input's socket path. */
  readonly inputPath: string;
  readonly batchMaxBytes?: number;
  /** The unix input's max_connections (default: the shipper's, 100,000). */
  readonly maxConnections?: number;
}

export interface ShipperProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly adminUrl: string;
  readonly logFile: string;
  status(): Promise<ShipperStatusDocument>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

function shipperYaml(options: ShipperProcessOptions, adminPort: number, logFile: string): string {
  const input = [`type: unix`, `path: ${JSON.stringify(options.inputPath)}`, 'group: www'];
  if (options.maxConnections !== undefined) input.push(`max_connections: ${options.maxConnections}`);
  return [
    'shipper:',
    `  daemon: ${JSON.stringify(options.daemon)}`,
    `  state_dir: ${JSON.stringify(join(options.workDir, 'state'))}`,
    'admin:',
    `  listen: "127.0.0.1:${adminPort}"`,
    'log:',
    '  level: warn',
    `  file: ${JSON.stringify(logFile)}`,
    'batch:',
    `  max_bytes: ${options.batchMaxBytes ?? 65_536}`,
    'inputs:',
    `  - { ${input.join(', ')} }`,
    '',
  ].join('\n');
}

export async function startShipperProcess(options: ShipperProcessOptions): Promise<ShipperProcess> {
  const adminPort = await freePort();
  const logFile = join(options.workDir, 'shipper.log');
  const configPath = join(options.workDir, 'shipper.yaml');
  writeFileSync(configPath, shipperYaml(options, adminPort, logFile));
  const child = forkTs(`${REPO_ROOT}apps/shipper/src/main.ts`, ['-c', configPath]);
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const shipper: ShipperProcess = {
    child,
    pid: child.pid as number,
    adminUrl,
    logFile,
    status: async () => (await (await fetch(`${adminUrl}/status`)).json()) as ShipperStatusDocument,
    stop: () => stopChild(child),
  };
  await waitAnswering(shipper);
  return shipper;
}

async function waitAnswering(shipper: ShipperProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (shipper.child.exitCode !== null) throw new Error(`the shipper exited with ${shipper.child.exitCode}; see ${shipper.logFile}`);
    try {
      await shipper.status();
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the shipper did not answer /status in time; see ${shipper.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Descriptors a process has open. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The last lines of the shipper's log, for failure messages. */
export function logTail(shipper: ShipperProcess, lines = 5): string {
  if (!existsSync(shipper.logFile)) return '(no log)';
  return readFileSync(shipper.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
