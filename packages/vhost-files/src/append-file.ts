/**
 * A plain append-only log file: one descriptor opened O_APPEND, written with `writev` straight
 * from the caller's chunk array (no concatenation), looping on short writes.
 */
import { constants, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FileWriteError, UnsafePathError } from './errors.ts';
import type { LogFile } from './types.ts';

/** More queued chunks than this are copied into one buffer before writing. */
const COALESCE_CHUNKS_MIN = 8;

/** Linux IOV_MAX: the most buffers one writev(2) takes. */
const BUFFERS_PER_WRITE_MAX = 1024;

// O_CLOEXEC is not in `fs.constants`; libuv adds it to every open(2) on Linux by itself.
// O_NONBLOCK makes opening a planted FIFO fail (ENXIO) instead of blocking a libuv thread; it has
// no effect on regular files.
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_FLAGS = OPEN_FLAGS | constants.O_CREAT | constants.O_EXCL;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * Opens (creating with `fileMode` if missing) an append-only file, refusing a symlink or anything
 * but a regular file. A file we create gets `fileMode` exactly (fchmod, so the umask does not
 * apply); an existing file keeps its mode.
 */
export async function openAppendFile(path: string, fileMode: number): Promise<LogFile> {
  const { handle, created } = await openHandle(path, fileMode);
  // A file we just created with O_EXCL is ours; an existing one could be a FIFO with a reader or
  // a device node, which O_NONBLOCK alone does not refuse.
  if (!created) {
    try {
      if (!(await handle.stat()).isFile()) throw new UnsafePathError(path, 'not_regular_file');
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return new AppendFile(path, handle);
}

/** The part of a FileHandle an append file uses; a fake one tests short writes. */
export type AppendHandle = Pick<FileHandle, 'writev' | 'datasync' | 'close'>;

/** An append file over an already open handle (for tests of the short-write loop). */
export function appendFileOverHandle(path: string, handle: AppendHandle): LogFile {
  return new AppendFile(path, handle);
}

async function openHandle(path: string, fileMode: number): Promise<{ handle: FileHandle; created: boolean }> {
  // Try the common case (the file exists) first; create exclusively only on ENOENT, so we know
  // when we created it. Bounded: the file would have to vanish and reappear on every attempt.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return { handle: await open(path, OPEN_FLAGS), created: false };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP') throw new UnsafePathError(path, 'symlink', { cause: error });
      if (code === 'ENXIO') throw new UnsafePathError(path, 'not_regular_file', { cause: error });
      if (code !== 'ENOENT') throw error;
    }
    try {
      const handle = await open(path, CREATE_FLAGS, fileMode);
      try {
        await handle.chmod(fileMode);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return { handle, created: true };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP') throw new UnsafePathError(path, 'symlink', { cause: error });
      if (code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${path} keeps appearing and disappearing`);
}

class AppendFile implements LogFile {
  readonly #path: string;
  readonly #handle: AppendHandle;
  #unsynced = false;

  constructor(path: string, handle: AppendHandle) {
    this.#path = path;
    this.#handle = handle;
  }

  /** Throws `FileWriteError` whose `writtenBytes` counts what reached the file before the failure. */
  async write(queued: readonly Buffer[]): Promise<void> {
    // Node's writev binding costs about 1 µs per buffer: at 300k lines/s, one buffer per line was
    // 20% of the collector's CPU (V8 profile of `pnpm bench collector`). One memcpy is far cheaper.
    const chunks = queued.length > COALESCE_CHUNKS_MIN ? [Buffer.concat(queued)] : queued;
    let index = 0; // first chunk not fully written
    let offset = 0; // bytes of chunks[index] already written
    let writtenBytes = 0;
    while (index < chunks.length) {
      const end = Math.min(chunks.length, index + BUFFERS_PER_WRITE_MAX);
      const batch = index === 0 && offset === 0 && end === chunks.length ? chunks : chunks.slice(index, end);
      if (offset > 0) (batch as Buffer[])[0] = chunks[index]!.subarray(offset);
      let bytesWritten: number;
      try {
        bytesWritten = await this.#writev(batch);
      } catch (error) {
        throw new FileWriteError(this.#path, writtenBytes, { cause: error });
      }
      if (bytesWritten > 0) this.#unsynced = true;
      writtenBytes += bytesWritten;
      // Advance past what was written; a short write leaves us inside a chunk.
      let left = bytesWritten;
      while (index < end) {
        const remaining = chunks[index]!.length - offset;
        if (left < remaining) break;
        left -= remaining;
        index += 1;
        offset = 0;
      }
      if (index < end) {
        if (bytesWritten === 0) throw new FileWriteError(this.#path, writtenBytes, { cause: new Error('writev wrote 0 bytes') });
        offset += left;
      }
    }
  }

  /**
   * Appends synchronously when the handle has a descriptor: a page-cache write of a batch costs
   * about 9 µs here, while a thread-pool round trip costs about 70 µs of latency and more CPU
   * (measured with 10 KB writev calls on this machine). A disk that stalls then stalls the event
   * loop, which also stops reading from the daemon: the same backpressure, found sooner.
   */
  async #writev(batch: readonly Buffer[]): Promise<number> {
    const fd = (this.#handle as { fd?: unknown }).fd;
    if (typeof fd === 'number' && fd >= 0) return writevSync(fd, batch);
    return (await this.#handle.writev(batch as Buffer[])).bytesWritten;
  }

  async sync(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    try {
      await this.#handle.datasync();
    } catch (error) {
      this.#unsynced = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
