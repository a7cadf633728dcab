import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/file-cache.ts';
import { openLogFile, type OpenLogFileHooks } from '../src/open-log-file.ts';
import type { FileEvent, FileOpenOptions, LogFile } from '../src/types.ts';
import { fileOptions, line, makeTempDir, openDescriptorTargets, seededRandom } from './file-test-helpers.ts';

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = makeTempDir('reopen'));
});
afterEach(() => cleanup());

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

describe('file cache - reopen', () => {
  it('file cache - reopen releases a moved file at once and recreates the path', async () => {
    const events: FileEvent[] = [];
    const cache = new FileCache({ maxOpenFiles: 4, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'interval', onEvent: (event) => events.push(event) });
    const options = fileOptions(root, 'vhost/access.log');
    const target = cache.target(options);
    target.append(Buffer.from('one\n'));
    await cache.flush();
    renameSync(options.path, `${options.path}.1`);
    target.append(Buffer.from('two\n')); // queued before the reopen: goes to the new file
    expect(openDescriptorTargets()).toContain(`${options.path}.1`);
    await cache.reopen();
    expect(existsSync(options.path)).toBe(true);
    expect(statSync(options.path).size).toBe(0);
    expect(openDescriptorTargets()).not.toContain(`${options.path}.1`);
    expect(events.slice(1)).toEqual([
      { type: 'close', path: options.path, reason: 'reopen' },
      { type: 'open', path: options.path },
    ]);
    expect(cache.stats()).toMatchObject({ reopens: 1, opens: 2, openFiles: 1 });
    await cache.close();
    expect(readFileSync(`${options.path}.1`, 'utf8')).toBe('one\n');
    expect(readFileSync(options.path, 'utf8')).toBe('two\n');
  });

  it('file cache - a write queued behind one in flight when reopen() is called goes to the new file', async () => {
    // A file whose writes wait at a gate, so a write can be held in flight.
    let writeStarted: () => void = () => undefined;
    let releaseWrite: () => void = () => undefined;
    let gated = false;
    const open = async (options: FileOpenOptions, hooks?: OpenLogFileHooks): Promise<LogFile> => {
      const file = await openLogFile(options, hooks);
      return {
        write: async (chunks) => {
          if (gated) {
            writeStarted();
            await new Promise<void>((resolve) => {
              releaseWrite = resolve;
            });
          }
          return file.write(chunks);
        },
        sync: () => file.sync(),
        close: () => file.close(),
      };
    };
    const cache = new FileCache({ maxOpenFiles: 4, idleCloseMs: 0, maxPendingBytes: 1 << 20, fsync: 'never', open });
    const options = fileOptions(root, 'queued.log');
    const target = cache.target(options);
    target.append(Buffer.from('warm\n'));
    await cache.flush();
    gated = true;
    const started = new Promise<void>((resolve) => {
      writeStarted = resolve;
    });
    target.append(Buffer.from('one\n'));
    const first = cache.flush();
    await started; // 'one' is in flight now
    gated = false;
    target.append(Buffer.from('two\n'));
    const second = cache.flush(); // queued behind it
    renameSync(options.path, `${options.path}.1`);
    const reopened = cache.reopen(); // chained after both writes
    releaseWrite();
    await Promise.all([first, second, reopened]);
    await cache.close();
    expect(readFileSync(`${options.path}.1`, 'utf8')).toBe('warm\none\n');
    expect(readFileSync(options.path, 'utf8')).toBe('two\n');
  });

  it('file cache - mv + reopen at random points under traffic: every line exactly once, in order across files', async () => {
    const seed = Number(process.env.RINGLOG_TEST_SEED ?? 20240607);
    const random = seededRandom(seed);
    // One descriptor for two targets, so evictions interleave with the reopens.
    const cache = new FileCache({ maxOpenFiles: 1, idleCloseMs: 0, maxPendingBytes: 1 << 24, fsync: 'never' });
    const main = fileOptions(root, 'vhost/access.log');
    const side = fileOptions(root, 'vhost/side.log');
    const mainTarget = cache.target(main);
    const sideTarget = cache.target(side);
    const mainLines: string[] = [];
    const sideLines: string[] = [];
    const inFlight: Promise<void>[] = [];
    let moves = 0;
    for (let index = 0; index < 4000; ) {
      const batch = 1 + Math.floor(random() * 20);
      for (let count = 0; count < batch; count += 1, index += 1) {
        const text = line('m', index);
        mainLines.push(text);
        mainTarget.append(Buffer.from(text));
      }
      if (random() < 0.3) {
        const text = line('s', index);
        sideLines.push(text);
        sideTarget.append(Buffer.from(text));
      }
      const step = random();
      if (step < 0.5) await cache.flush();
      else if (step < 0.8) inFlight.push(cache.flush());
      else if (step < 0.9) {
        try {
          renameSync(main.path, `${main.path}.${String(moves + 1).padStart(4, '0')}`);
          moves += 1;
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw error; // not recreated yet: nothing to move
        }
        if (random() < 0.5) await cache.reopen();
        else inFlight.push(cache.reopen());
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await Promise.all(inFlight);
    await cache.close();
    expect(moves, `seed ${seed}`).toBeGreaterThan(20);
    const files = Array.from({ length: moves }, (_, move) => `${main.path}.${String(move + 1).padStart(4, '0')}`);
    const contents = [...files, main.path].map((path) => (existsSync(path) ? readFileSync(path, 'utf8') : ''));
    expect(contents.join(''), `seed ${seed}`).toBe(mainLines.join(''));
    expect(readFileSync(side.path, 'utf8')).toBe(sideLines.join(''));
    expect(cache.stats().reopens).toBeGreaterThan(0);
  });
});
