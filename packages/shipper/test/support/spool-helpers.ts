/** Helpers of the spool tests: temp dirs, small options, deterministic bodies and a seeded PRNG. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, type SpoolOptions, type SpoolRecord } from '../../src/spool/index.ts';

/** Temp dirs made by a test file; `removeTempDirs` in afterEach. */
const tempDirs: string[] = [];

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-spool-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The files of a spool dir as bytes (what a kill -9 leaves on disk: the kernel has every write). */
export function captureFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) files.set(entry.name, readFileSync(join(dir, entry.name)));
  return files;
}

/** A new temp dir holding `files` (faster than fs.cpSync, which dominates crash-heavy tests). */
export function restoreFiles(files: ReadonlyMap<string, Buffer>): string {
  const dir = makeTempDir();
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  return dir;
}

/** Small sizes so a few KiB of appends roll several segments. */
export function spoolOptions(dir: string, overrides: Partial<SpoolOptions> = {}): SpoolOptions {
  return { dir, segmentBytes: 1024, maxBytes: 1024 * 1024, memoryMaxBytes: 512, fsyncIntervalMs: 0, ...overrides };
}

/** A body of `lineCount` lines that encodes `tag`, so every record is distinguishable. */
export function makeBody(tag: number, lineCount = 3, lineBytes = 20): Buffer {
  const lines: string[] = [];
  for (let line = 0; line < lineCount; line += 1) lines.push(`r${tag}-l${line}-`.padEnd(lineBytes, 'x'));
  return Buffer.from(lines.join('\n'));
}

/** Reads everything from `offset` to the end, in calls of `maxBytes`. */
export function readAll(spool: Spool, offset = spool.ackedOffset, maxBytes = 4096): SpoolRecord[] {
  const records: SpoolRecord[] = [];
  let position = offset;
  for (;;) {
    const batch = spool.read(position, maxBytes);
    if (batch.length === 0) return records;
    records.push(...batch);
    position = (batch[batch.length - 1] as SpoolRecord).endOffset;
  }
}

export function bodies(records: readonly SpoolRecord[]): string[] {
  return records.map((record) => record.body.toString());
}

/** mulberry32: a tiny seeded PRNG, so a failing workload replays from its seed. */
export { mulberry32 } from '@ringlog/prng';
