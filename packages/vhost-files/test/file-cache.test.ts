import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/file-cache.ts';
import { FileCacheClosedError } from '../src/errors.ts';
import { openLogFile, type OpenLogFileHooks } from '../src/open-log-file.ts';
import type { FileEvent, FileOpenOptions, LogFile } from '../src/types.ts';
import { fileOptions, line, makeTempDir, seededRandom } from './file-test-helpers.ts';

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = makeTempDir('cache'));
});
afterEach(() => cleanup());

/** Counts the calls on every file the cache opens, and can slow closes down. */
function instrumentedOpen(options: { closeDelayMs?: number } = {}) {
  const counts = { writes: 0, syncs: 0, closes: 0, open: 0, openMax: 0 };
  const open = async (fileOptions: FileOpenOptions, hooks?: OpenLogFileHooks): Promise<LogFile> => {
    const file = await openLogFile(fileOptions, hooks);
    counts.open += 1;
    counts.openMax = Math.max(counts.openMax, counts.open);
    return {
      write: (chunks) => {
        counts.writes += 1;
        return file.write(chunks);
      },
      sync: () => {
        counts.syncs += 1;
        return file.sync();
      },
      close: async () => {
        if (options.closeDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.closeDelayMs));
        await file.close();
        counts.closes += 1;
        counts.open -= 1;
      },
    };
  };
  return { open, counts };
}

describe('file cache - eviction', () => {
  it('file cache - a target evicted while new data arrives keeps every line in order', async () => {
    const { open, counts } = instrumentedOpen({ closeDelayMs: 3 });
    const cache = new FileCache({ maxOpenFiles: 1, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'never', open });
    const names = ['a.log', 'b.log', 'c.log'];
    const targets = names.map((name) => cache.target(fileOptions(root, name)));
    const expected = names.map(() => [] as string[]);
    const random = seededRandom(42);
    const flushes: Promise<void>[] = [];
    for (let step = 0; step < 600; step += 1) {
      const which = Math.floor(random() * names.length);
      const text = line(names[which]!, step);
      expected[which]!.push(text);
      targets[which]!.append(Buffer.from(text));
      // Flush without waiting, sometimes yielding, so appends land while files are closing.
      if (random() < 0.5) flushes.push(cache.flush());
      if (random() < 0.2) await new Promise((resolve) => setTimeout(resolve, random() * 4));
    }
    await Promise.all(flushes);
    await cache.flush();
    const stats = cache.stats();
    await cache.close();
    expect(stats.evictions).toBeGreaterThan(10);
    expect(stats.openFilesMax).toBe(1);
    expect(counts.openMax).toBe(1);
    names.forEach((name, index) => expect(readFileSync(join(root, name), 'utf8')).toBe(expected[index]!.join('')));
  });
});

describe('file cache - lifecycle', () => {
  it('file cache - closes idle files with an injected clock, then forgets closed empty targets', async () => {
    let nowMs = 1_000;
    const events: FileEvent[] = [];
    const cache = new FileCache({ maxOpenFiles: 8, idleCloseMs: 10_000, maxPendingBytes: 1 << 20, fsync: 'never', now: () => nowMs, onEvent: (event) => events.push(event) });
    const a = cache.target(fileOptions(root, 'a.log'));
    const b = cache.target(fileOptions(root, 'b.log'));
    a.append(Buffer.from('a1\n'));
    b.append(Buffer.from('b1\n'));
    await cache.flush();
    nowMs += 9_999;
    await cache.closeIdle();
    expect(cache.stats().openFiles).toBe(2);
    b.append(Buffer.from('b2\n'));
    await cache.flush();
    nowMs += 1;
    await cache.closeIdle();
    expect(events.filter((event) => event.type === 'close')).toEqual([{ type: 'close', path: join(root, 'a.log'), reason: 'idle' }]);
    expect(cache.stats()).toMatchObject({ openFiles: 1, idleCloses: 1, targets: 1 }); // a.log forgotten
    // A forgotten target still works through the reference the caller kept.
    a.append(Buffer.from('a2\n'));
    expect(cache.stats().targets).toBe(2);
    await cache.flush();
    expect(cache.target(fileOptions(root, 'a.log'))).toBe(a);
    nowMs += 10_000;
    await cache.closeIdle();
    expect(cache.stats()).toMatchObject({ openFiles: 0, idleCloses: 3, targets: 0 });
    await cache.close();
    expect(readFileSync(join(root, 'a.log'), 'utf8')).toBe('a1\na2\n');
    expect(readFileSync(join(root, 'b.log'), 'utf8')).toBe('b1\nb2\n');
  });

  it('file cache - fsync always syncs after every write', async () => {
    const { open, counts } = instrumentedOpen();
    const cache = new FileCache({ maxOpenFiles: 4, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'always', open });
    const target = cache.target(fileOptions(root, 'always.log'));
    for (let index = 0; index < 5; index += 1) {
      target.append(Buffer.from(line('x', index)));
      await cache.flush();
    }
    expect(counts.writes).toBe(5);
    expect(counts.syncs).toBe(5);
    await cache.close();
    expect(readFileSync(join(root, 'always.log'), 'utf8').split('\n')).toHaveLength(6);
  });

  it('file cache - fsync interval syncs only what was written since the last sync, and before an eviction', async () => {
    const { open, counts } = instrumentedOpen();
    const cache = new FileCache({ maxOpenFiles: 2, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'interval', open });
    const a = cache.target(fileOptions(root, 'a.log'));
    const b = cache.target(fileOptions(root, 'b.log'));
    a.append(Buffer.from('a\n'));
    b.append(Buffer.from('b\n'));
    await cache.flush();
    expect(counts.syncs).toBe(0);
    await cache.sync();
    expect(counts.syncs).toBe(2);
    await cache.sync();
    expect(counts.syncs).toBe(2);
    a.append(Buffer.from('a\n'));
    await cache.flush();
    await cache.sync();
    expect(counts.syncs).toBe(3);
    // An eviction of an unsynced file syncs it first.
    a.append(Buffer.from('a\n'));
    b.append(Buffer.from('b\n'));
    await cache.flush();
    cache.target(fileOptions(root, 'c.log')).append(Buffer.from('c\n'));
    await cache.flush();
    expect(cache.stats().evictions).toBe(1);
    expect(counts.syncs).toBe(4);
    await cache.close();
    expect(counts.syncs).toBe(6); // the two files still open, at shutdown
  });

  it('file cache - append after close throws, close is idempotent', async () => {
    const cache = new FileCache({ maxOpenFiles: 2, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'never' });
    const target = cache.target(fileOptions(root, 'x.log'));
    target.append(Buffer.from('kept\n'));
    const closing = cache.close();
    expect(() => target.append(Buffer.from('late\n'))).toThrow(FileCacheClosedError);
    await closing;
    await cache.close();
    expect(readFileSync(join(root, 'x.log'), 'utf8')).toBe('kept\n');
    expect(cache.stats().openFiles).toBe(0);
  });

  it('file cache - pendingBytes counts queued and in-flight bytes', async () => {
    const cache = new FileCache({ maxOpenFiles: 2, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'never' });
    const target = cache.target(fileOptions(root, 'p.log'));
    target.append(Buffer.from('12345\n'));
    target.append(Buffer.from('6789\n'));
    expect(target.pendingBytes).toBe(11);
    const flushed = cache.flush();
    expect(cache.stats().pendingBytes).toBe(11);
    await flushed;
    expect(target.pendingBytes).toBe(0);
    expect(cache.stats()).toMatchObject({ pendingBytes: 0, writtenBytes: 11, opens: 1 });
    await cache.close();
  });
});
