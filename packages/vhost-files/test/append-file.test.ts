import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileOverHandle, openAppendFile, type AppendHandle } from '../src/append-file.ts';
import { FileWriteError, UnsafePathError } from '../src/errors.ts';
import { line, makeTempDir } from './file-test-helpers.ts';

let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('append'));
});
afterEach(() => cleanup());

describe('append file', () => {
  it('append file - writes more than IOV_MAX chunks in order, across calls', async () => {
    const path = join(dir, 'a.log');
    const file = await openAppendFile(path, 0o640);
    const first = Array.from({ length: 3000 }, (_, index) => Buffer.from(line('a', index)));
    await file.write(first);
    await file.write([Buffer.from(line('a', 3000)), Buffer.alloc(0), Buffer.from(line('a', 3001))]);
    await file.write([]);
    await file.sync();
    await file.sync(); // nothing written since: a no-op
    await file.close();
    const expected = Array.from({ length: 3002 }, (_, index) => line('a', index)).join('');
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('append file - appends to an existing file and keeps its mode', async () => {
    const path = join(dir, 'existing.log');
    writeFileSync(path, 'old\n', { mode: 0o600 });
    const file = await openAppendFile(path, 0o644);
    await file.write([Buffer.from('new\n')]);
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('old\nnew\n');
    expect(statSync(path).mode & 0o7777).toBe(0o600);
  });

  it('append file - a created file gets fileMode exactly, whatever the umask', async () => {
    const previous = process.umask(0o077);
    try {
      const file = await openAppendFile(join(dir, 'mode.log'), 0o644);
      await file.close();
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dir, 'mode.log')).mode & 0o7777).toBe(0o644);
  });

  it('append file - a planted FIFO is refused without blocking', async () => {
    const path = join(dir, 'fifo.log');
    execFileSync('mkfifo', [path]);
    const error = await openAppendFile(path, 0o640).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).reason).toBe('not_regular_file');
  });

  it('append file - a directory is refused', async () => {
    await expect(openAppendFile(dir, 0o640)).rejects.toThrow();
  });
});

/** A handle that writes at most `bytesPerCall` bytes per writev and fails on call `failAtCall`. */
function shortWriteHandle(bytesPerCall: number, failAtCall = Number.POSITIVE_INFINITY): AppendHandle & { data: Buffer[]; batchSizes: number[]; syncs: number } {
  let calls = 0;
  const handle = {
    data: [] as Buffer[],
    batchSizes: [] as number[],
    syncs: 0,
    writev: async <T extends readonly NodeJS.ArrayBufferView[]>(buffers: T) => {
      calls += 1;
      handle.batchSizes.push(buffers.length);
      if (calls === failAtCall) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
      let left = bytesPerCall;
      let bytesWritten = 0;
      for (const view of buffers) {
        const buffer = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
        const take = Math.min(left, buffer.length);
        handle.data.push(Buffer.from(buffer.subarray(0, take)));
        left -= take;
        bytesWritten += take;
        if (left === 0) break;
      }
      return { bytesWritten, buffers };
    },
    datasync: async () => {
      handle.syncs += 1;
    },
    close: async () => undefined,
  };
  return handle;
}

describe('append file - short writes', () => {
  it('append file - loops on short writes until every byte is written, at most 1024 buffers per call', async () => {
    const handle = shortWriteHandle(1000);
    const file = appendFileOverHandle('/fake.log', handle);
    const chunks = Array.from({ length: 2500 }, (_, index) => Buffer.from(line('s', index)));
    await file.write(chunks);
    expect(Buffer.concat(handle.data).toString()).toBe(chunks.map(String).join(''));
    expect(Math.max(...handle.batchSizes)).toBeLessThanOrEqual(1024);
    await file.sync();
    await file.sync();
    expect(handle.syncs).toBe(1);
  });

  it('append file - a failure reports how many bytes reached the file', async () => {
    const handle = shortWriteHandle(25, 3);
    const file = appendFileOverHandle('/fake.log', handle);
    const chunks = Array.from({ length: 10 }, (_, index) => Buffer.from(line('f', index)));
    const error = await file.write(chunks).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileWriteError);
    expect((error as FileWriteError).writtenBytes).toBe(50);
    expect((error as FileWriteError).code).toBe('RL_VHOST_FILES_WRITE_FAILED');
    expect(Buffer.concat(handle.data).length).toBe(50);
  });
});
