/**
 * A child process for the crash test: a file input whose engine is a stand-in spool. Pushed
 * lines wait in an open batch for up to BATCH_DELAY_MS and are then appended to the spool file
 * (like the real engine: written to the kernel, so kill -9 cannot lose them); `flushToSpool()`
 * appends the open batch at once. The parent kills this process with SIGKILL.
 *
 * argv: <stateDir> <pattern> <spoolPath> <checkpointIntervalMs>
 */
import { appendFileSync } from 'node:fs';
import { InputStats, blockLines, type InputHandle, type InputRoute, type LineIngest, type PushOutcome } from '@ringlog/shipper';
import pino from 'pino';
import { createFileInput } from '../../src/inputs/file-tail/file-input.ts';

const BATCH_DELAY_MS = 10;

class SpoolFileIngest implements LineIngest {
  #batch: string[] = [];

  constructor(readonly spoolPath: string) {
    setInterval(() => this.flushToSpool(), BATCH_DELAY_MS);
  }

  registerInput(name: string, type: string, route: InputRoute): InputHandle {
    return { name, type, route, stats: new InputStats() };
  }

  push(input: InputHandle, lines: readonly Buffer[]): PushOutcome {
    for (const line of lines) this.#batch.push(line.toString('latin1'));
    input.stats.lines += lines.length;
    return { dropped: 0, paused: false };
  }

  pushBlock(input: InputHandle, block: Buffer): PushOutcome {
    return this.push(input, blockLines(block));
  }

  whenWritable(): Promise<void> {
    return Promise.resolve();
  }

  flushToSpool(): void {
    if (this.#batch.length === 0) return;
    appendFileSync(this.spoolPath, this.#batch.map((line) => `${line}\n`).join(''));
    this.#batch = [];
  }
}

const [stateDir, pattern, spoolPath, intervalText] = process.argv.slice(2);
if (stateDir === undefined || pattern === undefined || spoolPath === undefined || intervalText === undefined) throw new Error('usage: <stateDir> <pattern> <spoolPath> <checkpointIntervalMs>');
const input = createFileInput(
  { type: 'file', name: 'tail', group: 'web', vhost_buckets: 0, paths: [pattern], start_at: 'beginning', checkpoint_interval_ms: Number(intervalText) },
  { ingest: new SpoolFileIngest(spoolPath), logger: pino({ level: 'warn' }), lineMaxBytes: 65_536, stateDir },
  { pollIntervalMs: 20 },
);
await input.start();
process.stdout.write('ready\n');
