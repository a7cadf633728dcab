import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache, type FileCacheOptions } from '../src/file-cache.ts';
import { FileWriteError, UnsafePathError } from '../src/errors.ts';
import { openLogFile, type OpenLogFileHooks } from '../src/open-log-file.ts';
import type { FileEvent, FileOpenOptions, LogFile } from '../src/types.ts';
import { fileOptions, line, makeTempDir } from './file-test-helpers.ts';

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = makeTempDir('cache-failure'));
});
afterEach(() => cleanup());

/** A cache on a fake clock that records events; `open` defaults to the real one. */
function makeCache(overrides: Partial<FileCacheOptions> = {}) {
  const clock = { nowMs: 10_000 };
  const events: FileEvent[] = [];
  const cache = new FileCache({
    maxOpenFiles: 4,
    idleCloseMs: 0,
    maxPendingBytes: 1 << 20,
    fsync: 'never',
    now: () => clock.nowMs,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  const ofType = <T extends FileEvent['type']>(type: T) => events.filter((event): event is Extract<FileEvent, { type: T }> => event.type === type);
  return { cache, clock, events, ofType };
}

/** An `open` that fails for the paths in `failing` (while listed), else opens for real; logs attempts. */
function failingOpen(failing: Set<string>) {
  const attempts: string[] = [];
  const open = async (options: FileOpenOptions, hooks?: OpenLogFileHooks): Promise<LogFile> => {
    attempts.push(options.path);
    if (failing.has(options.path)) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${options.path}'`), { code: 'ENOSPC' });
    return openLogFile(options, hooks);
  };
  return { open, attempts };
}

function appendLines(target: { append(chunk: Buffer): void }, prefix: string, from: number, count: number): string[] {
  const written: string[] = [];
  for (let index = from; index < from + count; index += 1) {
    const text = line(prefix, index);
    written.push(text);
    target.append(Buffer.from(text));
  }
  return written;
}

describe('file cache - open failure', () => {
  it('file cache - an open failure keeps the lines, retries only after a doubling backoff, then writes them', async () => {
    const options = fileOptions(root, 'vhost/a.log');
    const failing = new Set([options.path]);
    const { open, attempts } = failingOpen(failing);
    const { cache, clock, ofType } = makeCache({ open, retryInitialMs: 500, retryMaxMs: 1500 });
    const target = cache.target(options);
    const expected = appendLines(target, 'a', 0, 10);
    await cache.flush();
    expect(ofType('open_failed')).toHaveLength(1);
    expect(target.pendingBytes).toBe(expected.join('').length);
    expected.push(...appendLines(target, 'a', 10, 5));
    await cache.flush(); // still backing off: no attempt
    clock.nowMs += 499;
    await cache.flush();
    expect(attempts).toHaveLength(1);
    clock.nowMs += 1;
    await cache.flush(); // retry 2 fails: next in 1000
    expect(attempts).toHaveLength(2);
    clock.nowMs += 999;
    await cache.flush();
    expect(attempts).toHaveLength(2);
    clock.nowMs += 1;
    await cache.flush(); // retry 3 fails: next in 1500 (capped, not 2000)
    expect(attempts).toHaveLength(3);
    clock.nowMs += 1500;
    failing.clear();
    await cache.flush();
    expect(attempts).toHaveLength(4);
    expect(cache.stats()).toMatchObject({ openFailures: 3, opens: 1, pendingBytes: 0, droppedLines: 0 });
    expect(ofType('open')).toHaveLength(1);
    // Healthy again: the next lines go straight out.
    expected.push(...appendLines(target, 'a', 15, 3));
    await cache.flush();
    await cache.close();
    expect(readFileSync(options.path, 'utf8')).toBe(expected.join(''));
  });

  it('file cache - a file planted where a directory belongs fails the open until it is removed', async () => {
    const options = fileOptions(root, 'blocked/x.log');
    writeFileSync(join(root, 'blocked'), 'not a directory');
    const { cache, clock, ofType } = makeCache();
    const target = cache.target(options);
    const expected = appendLines(target, 'x', 0, 3);
    await cache.flush();
    const [failure] = ofType('open_failed');
    expect(failure?.error).toBeInstanceOf(UnsafePathError);
    expect((failure?.error as UnsafePathError).reason).toBe('not_directory');
    rmSync(join(root, 'blocked'));
    clock.nowMs += 500;
    await cache.flush();
    await cache.close();
    expect(readFileSync(options.path, 'utf8')).toBe(expected.join(''));
  });

  it('file cache - a failing target never blocks a healthy one, even with one descriptor', async () => {
    const bad = fileOptions(root, 'bad.log');
    const good = fileOptions(root, 'good.log');
    const { open, attempts } = failingOpen(new Set([bad.path]));
    const { cache, clock } = makeCache({ open, maxOpenFiles: 1, retryInitialMs: 100, retryMaxMs: 400 });
    const badTarget = cache.target(bad);
    const goodTarget = cache.target(good);
    const expected: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      appendLines(badTarget, 'bad', round, 1);
      expected.push(...appendLines(goodTarget, 'good', round * 10, 10));
      await cache.flush();
      expect(goodTarget.pendingBytes).toBe(0);
      clock.nowMs += 100;
    }
    const badAttempts = attempts.filter((path) => path === bad.path).length;
    // Backoff 100, 200, 400, 400...: about 2000 / 400 retries, far fewer than 20 flushes.
    expect(badAttempts).toBeGreaterThanOrEqual(5);
    expect(badAttempts).toBeLessThanOrEqual(8);
    expect(readFileSync(good.path, 'utf8')).toBe(expected.join(''));
    expect(badTarget.pendingBytes).toBe(20 * line('bad', 0).length);
    await cache.close();
  });
});

describe('file cache - write failure', () => {
  it('file cache - a write that fails midway requeues only the unwritten bytes: no line lost or doubled', async () => {
    let failuresLeft = 2;
    const open = async (options: FileOpenOptions, hooks?: OpenLogFileHooks): Promise<LogFile> => {
      const file = await openLogFile(options, hooks);
      return {
        write: async (chunks) => {
          if (failuresLeft === 0) return file.write(chunks);
          failuresLeft -= 1;
          // Write a prefix that ends inside a line, then fail like a disk-full writev would.
          const all = Buffer.concat(chunks);
          const writtenBytes = Math.floor(all.length / 3) + 1;
          await file.write([all.subarray(0, writtenBytes)]);
          throw new FileWriteError(options.path, writtenBytes, { cause: Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }) });
        },
        sync: () => file.sync(),
        close: () => file.close(),
      };
    };
    const options = fileOptions(root, 'partial.log');
    const { cache, clock, ofType } = makeCache({ open });
    const target = cache.target(options);
    const expected = appendLines(target, 'p', 0, 30);
    await cache.flush();
    expect(ofType('write_failed')).toHaveLength(1);
    expect(ofType('close').map((event) => event.reason)).toEqual(['error']);
    expected.push(...appendLines(target, 'p', 30, 5));
    clock.nowMs += 500;
    await cache.flush();
    clock.nowMs += 1000;
    await cache.flush();
    expect(cache.stats()).toMatchObject({ writeFailures: 2, pendingBytes: 0 });
    await cache.close();
    expect(readFileSync(options.path, 'utf8')).toBe(expected.join(''));
    expect(cache.stats().writtenBytes).toBe(expected.join('').length);
  });

  it('file cache - an rfs error fails the write; the cache opens a new stream and rewrites it', async () => {
    const options = fileOptions(root, 'vhost/r.log', { size: '1K', compress: 'none' });
    const { cache, clock, ofType } = makeCache();
    const target = cache.target(options);
    appendLines(target, 'before', 0, 5);
    await cache.flush();
    // Pull the directory away: rfs's next rotation cannot rename the live file and the stream dies.
    rmSync(join(root, 'vhost'), { recursive: true });
    const expected = appendLines(target, 'during', 0, 100); // 1400 bytes > 1K: triggers a rotation
    await cache.flush();
    expect(ofType('write_failed')).toHaveLength(1);
    clock.nowMs += 500;
    await cache.flush();
    expect(cache.stats().pendingBytes).toBe(0);
    await cache.close();
    // The failed write counts as not written: it is all in the new files, exactly once.
    const rotated = ofType('rotated').map((event) => event.rotatedTo);
    const contents = [...rotated.map((name) => readFileSync(name, 'utf8')), readFileSync(options.path, 'utf8')];
    expect(contents.join('')).toBe(expected.join(''));
  });
});

describe('file cache - pending limit', () => {
  it('file cache - over maxPendingBytes, the oldest chunks of failing targets are dropped, never a healthy one', async () => {
    const bad = fileOptions(root, 'bad.log');
    const good = fileOptions(root, 'good.log');
    const { open } = failingOpen(new Set([bad.path]));
    const { cache, ofType } = makeCache({ open, maxPendingBytes: 1000 });
    const badTarget = cache.target(bad);
    appendLines(badTarget, 'bad', 0, 10); // 10 x 11 bytes
    await cache.flush(); // bad is failing now
    badTarget.append(Buffer.from('m1\nm2\nm3\n')); // one chunk, three lines
    appendLines(badTarget, 'bad', 10, 91); // 110 + 9 + 1001 bytes = 1120 > 1000: the oldest 120+ go
    const dropped = ofType('dropped');
    expect(dropped.length).toBeGreaterThan(0);
    expect(cache.stats().pendingBytes).toBeLessThanOrEqual(1000);
    const droppedLines = dropped.reduce((sum, event) => sum + event.lines, 0);
    expect(cache.stats().droppedLines).toBe(droppedLines);
    expect(droppedLines).toBe(10 + 3 + 1); // the 10 first lines, the 3-line chunk, one more line
    expect(dropped.reduce((sum, event) => sum + event.bytes, 0)).toBe(110 + 9 + 11);
    // A healthy target pushes the total over the limit: only the failing target pays.
    const goodTarget = cache.target(good);
    const expected = appendLines(goodTarget, 'good', 0, 200);
    expect(goodTarget.pendingBytes).toBe(2400);
    expect(badTarget.pendingBytes).toBe(0);
    await cache.flush();
    expect(readFileSync(good.path, 'utf8')).toBe(expected.join(''));
    // With no failing target left to drop from, healthy data is kept whatever the total.
    appendLines(goodTarget, 'good', 200, 200);
    expect(goodTarget.pendingBytes).toBe(2400);
    await cache.close();
    expect(ofType('dropped').every((event) => event.path === bad.path)).toBe(true);
  });

  it('file cache - close() tries failing targets once more, then reports what is lost', async () => {
    const bad = fileOptions(root, 'gone/bad.log');
    mkdirSync(join(root, 'gone'));
    const failing = new Set([bad.path]);
    const { open, attempts } = failingOpen(failing);
    const { cache, ofType } = makeCache({ open });
    const badTarget = cache.target(bad);
    appendLines(badTarget, 'bad', 0, 4);
    await cache.flush();
    await cache.close();
    expect(attempts).toHaveLength(2); // the flush, then close() despite the backoff
    expect(ofType('dropped')).toEqual([{ type: 'dropped', path: bad.path, lines: 4, bytes: 44 }]);
    expect(cache.stats().pendingBytes).toBe(0);
  });
});
