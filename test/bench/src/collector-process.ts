/** A ringlog-collector in its own process, configured for a benchmark, and its /status. */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forkTs, freePort, REPO_ROOT, stopChild } from './processes.ts';

export interface CollectorProcess {
  readonly child: ChildProcess;
  readonly adminUrl: string;
  readonly outDir: string;
  status(): Promise<CollectorStatusDocument>;
  stop(): Promise<void>;
}

/** The parts of /status a benchmark reads. */
export interface CollectorStatusDocument {
  readonly daemon: { readonly connected: boolean };
  readonly messageBytes: number;
  /** Times the collector lost its daemon session and reconnected. */
  readonly reconnects: number;
  readonly files: { readonly writtenBytes: number; readonly openFilesMax: number; readonly evictions: number };
  readonly logs: readonly { readonly lines: number; readonly vhosts: number }[];
}

export interface CollectorProcessOptions {
  readonly daemon: string;
  readonly workDir: string;
  readonly group: string;
  readonly maxOpenFiles: number;
  readonly maxVhosts: number;
}

export async function startCollectorProcess(options: CollectorProcessOptions): Promise<CollectorProcess> {
  const outDir = join(options.workDir, 'out');
  mkdirSync(outDir, { recursive: true });
  const adminPort = await freePort();
  const configPath = join(options.workDir, 'collector.yaml');
  writeFileSync(
    configPath,
    [
      'collector:',
      `  daemon: ${JSON.stringify(options.daemon)}`,
      '  name: bench',
      `  state_dir: ${JSON.stringify(join(options.workDir, 'collector-state'))}`,
      'admin:',
      `  listen: "127.0.0.1:${adminPort}"`,
      'log:',
      '  level: warn',
      'output:',
      `  max_open_files: ${options.maxOpenFiles}`,
      'logs:',
      '  - name: www',
      `    groups: [${options.group}]`,
      '    split:',
      `      root: ${JSON.stringify(outDir)}`,
      '      path: "{vhost}/access.log"',
      `      max_vhosts: ${options.maxVhosts}`,
      '',
    ].join('\n'),
  );
  const child = forkTs(`${REPO_ROOT}apps/collector/src/main.ts`, ['-c', configPath]);
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const process: CollectorProcess = {
    child,
    adminUrl,
    outDir,
    status: async () => (await (await fetch(`${adminUrl}/status`)).json()) as CollectorStatusDocument,
    stop: () => stopChild(child),
  };
  await waitConnected(process);
  return process;
}

async function waitConnected(collector: CollectorProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (collector.child.exitCode !== null) throw new Error(`the collector exited with ${collector.child.exitCode}`);
    try {
      if ((await collector.status()).daemon.connected) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the collector did not connect to the daemon in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
