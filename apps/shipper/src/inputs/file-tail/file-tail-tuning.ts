/**
 * Internal knobs of the file input that the config does not expose (tests shorten the times),
 * with their defaults and units.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface FileTailTuning {
  /** Largest single read: a big backlog is read and pushed a chunk at a time. */
  readonly readChunkBytes: number;
  /** Open files are re-read this often even without a watcher event (missed events, rotated files). */
  readonly pollIntervalMs: number;
  /** Globs are expanded again this often (a directory created late, a missed `add`). */
  readonly rescanIntervalMs: number;
  /** A renamed or deleted file is closed once it has not grown for this long (late writers). */
  readonly rotatedGraceMs: number;
  /** Offsets of files not seen (open or on disk under a pattern) for this long are forgotten. */
  readonly forgetAfterMs: number;
  /** Opens a file for reading (a port: tests make it fail with EACCES, which root never gets). */
  readonly openFile: (path: string) => Promise<FileHandle>;
  readonly nowMs: () => number;
}

export const FILE_TAIL_TUNING_DEFAULTS: FileTailTuning = {
  readChunkBytes: 256 * 1024,
  pollIntervalMs: 1_000,
  rescanIntervalMs: 5_000,
  rotatedGraceMs: 30_000,
  forgetAfterMs: 24 * 60 * 60 * 1_000,
  openFile: (path) => open(path, 'r'),
  nowMs: () => Date.now(),
};
