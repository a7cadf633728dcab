/**
 * `pnpm bench collector`: lines/s of ~200-byte access lines split into per-vhost files.
 *   ringlog     flooding sender → ringlogd process → ringlog-collector process → files
 *   engine only the collector's engine in this process, fed the same batches: no daemon, no
 *               sockets (the floor the full path is measured against)
 *   rsyslog / syslog-ng  the same lines over TCP into their fastest honest per-vhost config
 * for 50 vhosts and for 100,000 vhosts with max_open_files 256. Every row checks that every
 * line arrived exactly once in its vhost's file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAccessLines, splitIntoBatches } from './access-lines.ts';
import { startCollectorProcess } from './collector-process.ts';
import { engineOnly } from './engine-only.ts';
import { freePort, startDaemonProcess } from './processes.ts';
import { printTable, round, type Row, writeJson } from './report.ts';
import { floodBatches } from './split-sender.ts';
import { runRsyslog, runSyslogNg } from './syslog-comparators.ts';
import { verifySplitTree } from './verify-split-tree.ts';

/** Message body size the sender batches lines into (a shipper's batch). */
const BATCH_BYTES = 64 * 1024;
const POLL_MS = 20;
/**
 * Bytes the sender may be ahead of what the collector has read: well under the daemon's
 * per-session queue (1,000 messages of 64 KiB, ~65 MB), so the collector's session is never dropped.
 */
const WINDOW_BYTES = Number(process.env['RINGLOG_BENCH_WINDOW_BYTES'] ?? 32 * 1024 * 1024);
const WINDOW_POLL_MS = 5;

interface Case {
  readonly vhosts: number;
  readonly maxOpenFiles: number;
}

export const COLLECTOR_BENCH_SYSTEMS = ['engine', 'ringlog', 'rsyslog', 'syslog-ng'] as const;
export type CollectorBenchSystem = (typeof COLLECTOR_BENCH_SYSTEMS)[number];

export interface CollectorBenchOptions {
  readonly lines: number;
  readonly cases?: readonly Case[];
  /** Which rows to run (default all). */
  readonly systems?: readonly CollectorBenchSystem[];
  /** Vhost counts to run (default 50 and 100,000). */
  readonly vhosts?: readonly number[];
}

async function ringlogRow(lines: Buffer, lineCount: number, perVhost: ReadonlyMap<string, number>, expected: number, testCase: Case, workDir: string): Promise<Row> {
  const port = await freePort();
  const socket = join(workDir, 'ringlogd.sock');
  const daemon = await startDaemonProcess(port, socket);
  const collector = await startCollectorProcess({ daemon: `unix:${socket}`, workDir, group: 'www', maxOpenFiles: testCase.maxOpenFiles, maxVhosts: Math.max(100_000, testCase.vhosts) });
  try {
    const window = async (sentBytes: number): Promise<void> => {
      while (sentBytes - receivedBytes > WINDOW_BYTES) {
        receivedBytes = (await collector.status()).messageBytes;
        if (sentBytes - receivedBytes > WINDOW_BYTES) await new Promise((resolve) => setTimeout(resolve, WINDOW_POLL_MS));
      }
    };
    let receivedBytes = 0;
    const { startedAtMs, session } = await floodBatches(`unix:${socket}`, 'www', splitIntoBatches(lines, BATCH_BYTES), window);
    let status = await collector.status();
    while (status.files.writtenBytes < expected) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      status = await collector.status();
    }
    const seconds = (performance.now() - startedAtMs) / 1000;
    await session.disconnect();
    await collector.stop();
    const verified = await verifySplitTree(collector.outDir, perVhost);
    return {
      system: 'ringlog (sender → ringlogd → collector)',
      vhosts: testCase.vhosts,
      lines: lineCount,
      lines_per_sec: Math.round(lineCount / seconds),
      mb_per_sec: round(expected / seconds / 1e6),
      seconds: round(seconds, 2),
      open_files_max: status.files.openFilesMax,
      verified: verified.ok ? `${verified.lines} lines, ${verified.files} files` : `FAILED: ${verified.problem}`,
    };
  } finally {
    await collector.stop();
    await daemon.stop();
  }
}

function comparatorRow(name: string, result: Awaited<ReturnType<typeof runRsyslog>>, testCase: Case, lineCount: number, expected: number): Row {
  if ('skipped' in result) return { system: name, vhosts: testCase.vhosts, lines: lineCount, lines_per_sec: 'skipped', verified: result.skipped };
  return {
    system: `${name} (TCP → per-vhost dynafile)`,
    vhosts: testCase.vhosts,
    lines: lineCount,
    lines_per_sec: Math.round(result.linesPerSecond),
    mb_per_sec: round(expected / result.seconds / 1e6),
    seconds: round(result.seconds, 2),
    open_files_max: '-',
    verified: result.lineCountVerified === lineCount ? `${result.lineCountVerified} lines, ${result.filesWritten} files` : `FAILED: ${result.lineCountVerified} lines`,
  };
}

export async function collectorBench(options: CollectorBenchOptions): Promise<void> {
  const cases = (options.vhosts ?? [50, 100_000]).map((vhosts) => ({ vhosts, maxOpenFiles: vhosts > 1000 ? 256 : 1024 }));
  const systems = new Set(options.systems ?? COLLECTOR_BENCH_SYSTEMS);
  const rows: Row[] = [];
  for (const testCase of cases) {
    const generated = generateAccessLines({ count: options.lines, vhosts: testCase.vhosts, seed: 42 });
    const expected = generated.expectedBytes;
    const run = async <T>(label: string, body: (workDir: string) => Promise<T>): Promise<T> => {
      const workDir = mkdtempSync(join(tmpdir(), `ringlog-bench-${label}-`));
      try {
        return await body(workDir);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    };
    if (systems.has('engine')) rows.push(await run('engine', (workDir) => engineOnly(generated.buffer, options.lines, generated.perVhost, expected, testCase, workDir, BATCH_BYTES)));
    if (systems.has('ringlog')) rows.push(await run('ringlog', (workDir) => ringlogRow(generated.buffer, options.lines, generated.perVhost, expected, testCase, workDir)));
    const comparatorOptions = (workDir: string) => ({ lines: generated.buffer, lineCount: options.lines, expectedBytes: expected, vhosts: testCase.vhosts, workDir });
    if (systems.has('rsyslog')) rows.push(comparatorRow('rsyslog', await run('rsyslog', (workDir) => runRsyslog(comparatorOptions(workDir))), testCase, options.lines, expected));
    if (systems.has('syslog-ng')) rows.push(comparatorRow('syslog-ng', await run('syslog-ng', (workDir) => runSyslogNg(comparatorOptions(workDir))), testCase, options.lines, expected));
  }
  printTable(`collector: ~200-byte access lines split per vhost (${options.lines} lines per row)`, rows);
  writeJson('collector', { lines: options.lines, rows });
}
