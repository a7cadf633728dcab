/**
 * A log file rotated by rotating-file-stream (rfs), by size and/or interval.
 *
 * rfs guarantees that the content of one `stream.write()` is never split across two files, so
 * each `write(chunks)` here is exactly one `stream.write()` of the concatenated chunks: that is
 * how "a line is never split across files" holds.
 *
 * rfs quirks this file accounts for (rotating-file-stream 3.2.10, dist/esm/index.js):
 * - With a filename generator, rfs does NOT add ".gz" to compressed rotated files (it only does
 *   for a string file name), so the generator adds it.
 * - The history file (used only with maxFiles/maxSize) is `path` + `history`; we put it beside the
 *   live file as a dot file so a listing of the vhost directory shows only logs.
 * - rfs opens files with flags "a" (following symlinks), so we lstat before creating the stream.
 * - After an 'error' the stream is destroyed and every later write fails; we reject writes with a
 *   `FileWriteError` so the cache closes this file and opens a new stream later.
 * - A write that triggers a rotation resolves only after the rotation, compression included.
 * - rfs exposes no descriptor, so `sync()` opens the path itself.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { createStream, type Options, type RotatingFileStream } from 'rotating-file-stream';
import { FileWriteError, UnsafePathError } from './errors.ts';
import type { LogFile, RotateOptions } from './types.ts';

const ROTATED_UNSYNCED_MAX = 16;

export interface RotatingFileHooks {
  /** Called with the absolute name of each rotated file (".gz" included when compressed). */
  readonly onRotated?: (rotatedTo: string) => void;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The live file keeps `name`; a rotated one is `<name>.<YYYYMMDD-HHMMSS>.<index>` (local time,
 * index zero-padded to 3 digits, rfs's limit being 999, so `ls` sorts them) plus ".gz" when
 * compressed.
 */
export function rotatedNameGenerator(name: string, compressed: boolean): (time: Date | number | null, index?: number) => string {
  const extension = compressed ? '.gz' : '';
  return (time, index) => {
    if (time === null) return name;
    const date = new Date(time);
    const day = `${date.getFullYear()}${pad(date.getMonth() + 1, 2)}${pad(date.getDate(), 2)}`;
    const second = `${pad(date.getHours(), 2)}${pad(date.getMinutes(), 2)}${pad(date.getSeconds(), 2)}`;
    return `${name}.${day}-${second}.${pad(index ?? 1, 3)}${extension}`;
  };
}

/** Name of rfs's history file for `path`: hidden, beside the live file. */
export function rotationHistoryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.rotation-history`);
}

async function refuseUnsafe(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) throw new UnsafePathError(path, 'symlink');
    if (!stats.isFile()) throw new UnsafePathError(path, 'not_regular_file');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function streamOptions(path: string, fileMode: number, rotate: RotateOptions): Options {
  const options: Options = { path: dirname(path) + sep, mode: fileMode };
  if (rotate.size !== undefined) options.size = rotate.size;
  if (rotate.interval !== undefined) options.interval = rotate.interval;
  if (rotate.compress === 'gzip') options.compress = 'gzip';
  if (rotate.maxFiles !== undefined) options.maxFiles = rotate.maxFiles;
  if (rotate.maxSize !== undefined) options.maxSize = rotate.maxSize;
  // rfs prepends `path`; it reads and writes the history only with maxFiles or maxSize.
  if (rotate.maxFiles !== undefined || rotate.maxSize !== undefined) options.history = basename(rotationHistoryPath(path));
  return options;
}

/** Opens a rotating file; resolves once rfs has opened the live file (after any initial rotation). */
export async function openRotatingFile(path: string, fileMode: number, rotate: RotateOptions, hooks: RotatingFileHooks = {}): Promise<LogFile> {
  await refuseUnsafe(path);
  const options = streamOptions(path, fileMode, rotate);
  if (options.history !== undefined) await refuseUnsafe(rotationHistoryPath(path));
  // rfs's `Generator` type says `time: number | Date`, but it calls the generator with null for
  // the live name.
  const generator = rotatedNameGenerator(basename(path), rotate.compress === 'gzip') as (time: number | Date, index?: number) => string;
  const stream = createStream(generator, options);
  const file = new RotatingFile(path, stream, hooks);
  await file.opened();
  return file;
}

class RotatingFile implements LogFile {
  readonly #path: string;
  readonly #stream: RotatingFileStream;
  #failure: Error | null = null;
  #unsynced = false;
  /** Rotated files written since the last sync; they are synced too. */
  #rotatedUnsynced: string[] = [];

  constructor(path: string, stream: RotatingFileStream, hooks: RotatingFileHooks) {
    this.#path = path;
    this.#stream = stream;
    // Always listening: an 'error' without a listener would crash the process.
    stream.on('error', (error) => {
      this.#failure ??= error;
    });
    stream.on('rotated', (rotatedTo) => {
      if (this.#unsynced) this.#rotatedUnsynced.push(rotatedTo);
      // Bounded for fsync 'never', where sync() is never called; by the time 16 rotations have
      // passed, the kernel has long written back the older ones.
      if (this.#rotatedUnsynced.length > ROTATED_UNSYNCED_MAX) this.#rotatedUnsynced.shift();
      hooks.onRotated?.(rotatedTo);
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onOpen = (): void => {
        this.#stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.#stream.off('open', onOpen);
        reject(error);
      };
      this.#stream.once('open', onOpen);
      this.#stream.once('error', onError);
    });
  }

  /** One `stream.write()` of all chunks; rejects with `FileWriteError` (0 bytes known written). */
  write(chunks: readonly Buffer[]): Promise<void> {
    if (this.#failure !== null || this.#stream.destroyed) {
      return Promise.reject(new FileWriteError(this.#path, 0, { cause: this.#failure ?? new Error('stream destroyed') }));
    }
    const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (buffer.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#unsynced = true;
      this.#stream.write(buffer, (error) => {
        if (error === null || error === undefined) {
          resolve();
          return;
        }
        this.#failure ??= error; // 'error' is emitted after this callback
        reject(new FileWriteError(this.#path, 0, { cause: error }));
      });
    });
  }

  /**
   * rfs holds the descriptor, so this opens the live file read-only and fdatasyncs that: on Linux
   * fsync/fdatasync flush the dirty pages of the inode, whichever descriptor wrote them. Files
   * rotated away since the last sync are synced too (a missing one, say removed by maxFiles, is
   * skipped).
   */
  async sync(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    const paths = [...this.#rotatedUnsynced, this.#path];
    this.#rotatedUnsynced = [];
    try {
      for (const path of paths) await syncPath(path);
    } catch (error) {
      this.#unsynced = true;
      throw error;
    }
  }

  /** Ends the stream and waits for rfs to close the file (a rotation in progress, compression included). */
  async close(): Promise<void> {
    const stream = this.#stream;
    const failureBefore = this.#failure;
    if (!stream.closed) {
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        // A destroyed stream (after an error) is already closing its file; just wait for it.
        if (!stream.destroyed && !stream.writableEnded) stream.end();
      });
    }
    if (this.#failure !== null && this.#failure !== failureBefore) throw this.#failure;
  }
}

async function syncPath(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
