import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/file-cache.ts';
import { openRotatingFile, rotatedNameGenerator, rotationHistoryPath } from '../src/rotating-file.ts';
import type { FileEvent, RotateOptions } from '../src/types.ts';
import { fileOptions, line, makeTempDir, seededRandom } from './file-test-helpers.ts';

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = makeTempDir('rotate'));
});
afterEach(() => cleanup());

/** Rotated files of `name` in `dir`, oldest first (names sort by time, then zero-padded index). */
function rotatedFiles(dir: string, name: string): string[] {
  return readdirSync(dir)
    .filter((entry) => entry.startsWith(`${name}.`))
    .sort();
}

function readLog(path: string): string {
  const data = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
}

/** Writes numbered lines through a cache in many small flushes; returns what was written. */
async function writeUnderTraffic(rotate: RotateOptions, lineCount: number, seed: number) {
  const events: FileEvent[] = [];
  const cache = new FileCache({ maxOpenFiles: 4, idleCloseMs: 0, maxPendingBytes: 1 << 24, fsync: 'never', onEvent: (event) => events.push(event) });
  const options = fileOptions(root, 'vhost/access.log', rotate);
  const target = cache.target(options);
  const random = seededRandom(seed);
  const expected: string[] = [];
  let index = 0;
  while (index < lineCount) {
    const batch = 1 + Math.floor(random() * 40);
    for (let count = 0; count < batch && index < lineCount; count += 1) {
      // Variable-length lines, so rotation points fall anywhere inside a batch.
      const text = line(`L${'x'.repeat(Math.floor(random() * 60))}`, index++);
      expected.push(text);
      target.append(Buffer.from(text));
    }
    await cache.flush();
  }
  const stats = cache.stats();
  await cache.close(); // waits for rfs, compression of the last rotation included
  return { events, expected, stats, dir: join(root, 'vhost') };
}

function checkFiles(dir: string, compressed: boolean, expected: readonly string[], rotations: number): void {
  const rotated = rotatedFiles(dir, 'access.log');
  expect(rotated.length).toBe(rotations);
  expect(rotations).toBeGreaterThan(5);
  for (const name of rotated) {
    expect(name).toMatch(compressed ? /^access\.log\.\d{8}-\d{6}\.\d{3}\.gz$/ : /^access\.log\.\d{8}-\d{6}\.\d{3}$/);
  }
  const contents = [...rotated.map((name) => readLog(join(dir, name))), readLog(join(dir, 'access.log'))];
  for (const content of contents.slice(0, -1)) {
    expect(content.length).toBeGreaterThan(0);
    expect(content.endsWith('\n')).toBe(true); // no line split across files
  }
  expect(contents.join('')).toBe(expected.join(''));
}

describe('rotating file', () => {
  it('rotating file - size rotation under continuous traffic keeps every line exactly once, none split', async () => {
    const { events, expected, stats, dir } = await writeUnderTraffic({ size: '4K', compress: 'none' }, 4000, 7);
    const rotatedEvents = events.filter((event) => event.type === 'rotated');
    expect(stats.rotations).toBe(rotatedEvents.length);
    checkFiles(dir, false, expected, rotatedEvents.length);
    expect(readdirSync(dir).some((name) => name.includes('rotation-history'))).toBe(false); // no maxFiles: no history
  });

  it('rotating file - gzip rotation under continuous traffic keeps every line exactly once, none split', async () => {
    const { events, expected, dir } = await writeUnderTraffic({ size: '4K', compress: 'gzip' }, 4000, 8);
    const rotatedEvents = events.filter((event): event is Extract<FileEvent, { type: 'rotated' }> => event.type === 'rotated');
    for (const event of rotatedEvents) expect(event.rotatedTo.endsWith('.gz')).toBe(true);
    checkFiles(dir, true, expected, rotatedEvents.length);
  });

  it('rotating file - maxFiles keeps a hidden history beside the live file and prunes old files', async () => {
    const { dir } = await writeUnderTraffic({ size: '2K', compress: 'none', maxFiles: 3 }, 1500, 9);
    const history = rotationHistoryPath(join(dir, 'access.log'));
    expect(history).toBe(join(dir, '.access.log.rotation-history'));
    expect(existsSync(history)).toBe(true);
    expect(rotatedFiles(dir, 'access.log').length).toBe(3);
    const listed = readFileSync(history, 'utf8').split('\n').filter((entry) => entry !== '');
    expect(listed.map((entry) => entry.slice(dir.length + 1)).sort()).toEqual(rotatedFiles(dir, 'access.log'));
  });

  it('rotating file - one write larger than the size is never split; a live file past the size rotates at open', async () => {
    const path = join(root, 'big.log');
    const rotated: string[] = [];
    const onRotated = (name: string): void => {
      rotated.push(name);
    };
    const first = await openRotatingFile(path, 0o640, { size: '1K', compress: 'none' }, { onRotated });
    await first.write([Buffer.from('x'.repeat(1500)), Buffer.from('\n')]); // one stream write of 1501 bytes
    await first.sync();
    await first.close();
    expect(rotated).toHaveLength(1);
    expect(statSync(rotated[0]!).size).toBe(1501);
    expect(statSync(rotated[0]!).mode & 0o777).toBe(0o640);
    expect(statSync(path).size).toBe(0);
    writeFileSync(path, 'y'.repeat(2000) + '\n');
    const second = await openRotatingFile(path, 0o640, { size: '1K', compress: 'none' }, { onRotated });
    expect(rotated).toHaveLength(2); // rotated before the open resolved
    await second.close();
    expect(readFileSync(rotated[1]!, 'utf8')).toBe('y'.repeat(2000) + '\n');
  });

  it('rotating file - interval rotation under traffic keeps every line exactly once', async () => {
    const rotated: string[] = [];
    const path = join(root, 'timed.log');
    const file = await openRotatingFile(path, 0o640, { interval: '1s', compress: 'none' }, { onRotated: (name) => rotated.push(name) });
    const expected: string[] = [];
    const started = Date.now();
    for (let index = 0; rotated.length === 0 || Date.now() - started < 1100; index += 1) {
      const text = line('timed', index);
      expected.push(text);
      await file.write([Buffer.from(text)]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (Date.now() - started > 5000) throw new Error('no interval rotation within 5 s');
    }
    await file.close();
    expect(rotated.length).toBeGreaterThanOrEqual(1);
    const contents = [...rotated.map((name) => readFileSync(name, 'utf8')), readFileSync(path, 'utf8')];
    expect(contents.join('')).toBe(expected.join(''));
  });

  it('rotating file - rotated names keep the live name, then time and a padded index', () => {
    const generate = rotatedNameGenerator('site.log', true);
    expect(generate(null)).toBe('site.log');
    expect(generate(new Date(2024, 0, 2, 3, 4, 5), 7)).toBe('site.log.20240102-030405.007.gz');
    expect(rotatedNameGenerator('site.log', false)(new Date(2024, 11, 31, 23, 59, 59), 12)).toBe('site.log.20241231-235959.012');
  });
});
