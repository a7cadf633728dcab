/**
 * Helpers for the file input tests: temp directories, an input wired to a RecordingIngest and
 * an in-memory log, writers that produce numbered lines (`<tag>-<seq>`), and the line-exact
 * accounting check (every written line pushed exactly once). Waits are generous bounds on how
 * long a failing test hangs, never speed checks.
 */
import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileInputConfig } from '@ringlog/config';
import pino from 'pino';
import { expect } from 'vitest';
import { createFileInput, type FileInput, type FileTailTuning } from '../../src/inputs/file-tail/file-input.ts';
import { RecordingIngest } from './recording-ingest.ts';

export const GROUP = 'web';
export const WAIT_MS = 10_000;

/** Short timings so rotations and polls happen within a test; never relied on for correctness. */
export const TEST_TUNING: Partial<FileTailTuning> = {
  pollIntervalMs: 40,
  rescanIntervalMs: 150,
  rotatedGraceMs: 400,
};

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, detail: () => string = () => '', timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${detail()}`);
    await sleep(15);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ringlog-file-tail-'));
}

export function fileConfig(paths: readonly string[], overrides: Partial<FileInputConfig> = {}): FileInputConfig {
  return { type: 'file', name: 'tail', group: GROUP, vhost_buckets: 0, paths, start_at: 'beginning', checkpoint_interval_ms: 50, ...overrides };
}

/** One test's world: a state directory and the inputs started on it (closed by `cleanup`). */
export class TailWorld {
  readonly logs: LogLine[] = [];
  readonly #inputs: FileInput[] = [];
  readonly #dirs: string[] = [];

  constructor(
    readonly dir: string,
    readonly stateDir: string,
  ) {}

  static async create(): Promise<TailWorld> {
    const dir = await makeTempDir();
    const world = new TailWorld(dir, join(dir, 'state'));
    world.#dirs.push(dir);
    return world;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Builds and starts an input; `ingest` lets a restart keep (or not) the lines of the last one. */
  async start(config: FileInputConfig, options: { ingest?: RecordingIngest; lineMaxBytes?: number; tuning?: Partial<FileTailTuning> } = {}): Promise<{ input: FileInput; ingest: RecordingIngest }> {
    const ingest = options.ingest ?? new RecordingIngest();
    // A restart keeps the lines pushed so far (they are in the spool) but registers the input anew.
    ingest.inputs.delete(config.name);
    const logger = pino({ level: 'debug' }, { write: (line: string) => void this.logs.push(JSON.parse(line) as LogLine) });
    const context = { ingest, logger, lineMaxBytes: options.lineMaxBytes ?? 65_536, stateDir: this.stateDir };
    const input = createFileInput(config, context, { ...TEST_TUNING, ...options.tuning });
    this.#inputs.push(input);
    await input.start();
    return { input, ingest };
  }

  async cleanup(): Promise<void> {
    for (const input of this.#inputs) await input.close();
    for (const dir of this.#dirs) await rm(dir, { recursive: true, force: true });
  }

  async checkpoint(input: FileInput): Promise<CheckpointDocument> {
    return JSON.parse(await readFile(input.checkpointPath, 'utf8')) as CheckpointDocument;
  }
}

export interface CheckpointDocument {
  readonly version: number;
  readonly files: Record<string, { readonly offset: number; readonly path: string; readonly ino: string }>;
}

/**
 * Writes numbered lines `<tag>-<seq>` (padded so that lines are long enough for complete
 * fingerprints soon) and remembers them all. `appendLines` opens the file per write (O_APPEND,
 * as copytruncate-friendly writers do); `open()` keeps a descriptor like a web server.
 */
export class LineWriter {
  readonly written: string[] = [];
  #seq = 0;
  #fd: number | undefined;

  constructor(
    readonly path: string,
    readonly tag: string,
  ) {}

  nextLines(count: number): string[] {
    const lines: string[] = [];
    for (let index = 0; index < count; index++) lines.push(`${this.tag}-${String(++this.#seq).padStart(5, '0')} ${'x'.repeat(24)}`);
    this.written.push(...lines);
    return lines;
  }

  appendLines(count: number): string[] {
    const lines = this.nextLines(count);
    appendFileSync(this.path, lines.map((line) => `${line}\n`).join(''));
    return lines;
  }

  /** Keeps a descriptor open on the current file (it follows the inode through a rename). */
  open(): void {
    this.#fd = openSync(this.path, 'a');
  }

  writeThroughDescriptor(count: number): string[] {
    if (this.#fd === undefined) throw new Error('writer not open');
    const lines = this.nextLines(count);
    writeSync(this.#fd, lines.map((line) => `${line}\n`).join(''));
    return lines;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Every expected line was pushed exactly once, and nothing else was. */
export function expectExactlyOnce(pushed: readonly string[], expected: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const line of pushed) counts.set(line, (counts.get(line) ?? 0) + 1);
  const missing = expected.filter((line) => !counts.has(line));
  const duplicated = [...counts].filter(([, count]) => count > 1).map(([line]) => line);
  const expectedSet = new Set(expected);
  const unexpected = [...counts.keys()].filter((line) => !expectedSet.has(line));
  expect({ missing, duplicated, unexpected }).toEqual({ missing: [], duplicated: [], unexpected: [] });
  expect(pushed.length).toBe(expected.length);
}

/** Waits until `count` lines were pushed to the group, with the pushed lines shown on failure. */
export async function waitForLines(ingest: RecordingIngest, count: number, what = `${count} lines`): Promise<void> {
  await waitUntil(
    () => ingest.of(GROUP).length >= count,
    what,
    () => `pushed ${ingest.of(GROUP).length}: ${ingest.of(GROUP).slice(-5).join(' | ')}`,
  );
}
