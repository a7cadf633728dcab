import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/file-cache.ts';
import { fileOptions, line, makeTempDir, openDescriptorCount, seededRandom } from './file-test-helpers.ts';

// Most of this file's time is the kernel creating 10,000 files (2-6 s on a loaded 2-core box).

let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = makeTempDir('many'));
});
afterEach(() => cleanup());

describe('file cache - many targets', () => {
  it('file cache - 10,000 targets through 16 descriptors: every file has exactly its lines, in order', async () => {
    const targetCount = 10_000;
    const rounds = 4;
    const random = seededRandom(0x5eed);
    const events = new Map<string, number>();
    const baseline = openDescriptorCount();
    let descriptorsSeenMax = 0;
    let opensSeen = 0;
    const cache = new FileCache({
      maxOpenFiles: 16,
      idleCloseMs: 0,
      maxPendingBytes: 64 * 1024 * 1024,
      fsync: 'never',
      onEvent: (event) => {
        events.set(event.type, (events.get(event.type) ?? 0) + 1);
        if (event.type === 'open' && ++opensSeen % 250 === 0) descriptorsSeenMax = Math.max(descriptorsSeenMax, openDescriptorCount());
      },
    });
    const paths = Array.from({ length: targetCount }, (_, index) => `vhost-${index % 100}/site-${index}.log`);
    const expected = paths.map(() => [] as string[]);
    let sequence = 0;
    for (let round = 0; round < rounds; round += 1) {
      // Lines interleaved across targets, 1-3 per target per round, in a seeded order: every
      // target in the first round, a random 40% later (each open/write/close cycle costs ~100 us).
      const order = paths.map((_, index) => index).filter(() => round === 0 || random() < 0.4);
      order.sort(() => random() - 0.5);
      for (const index of order) {
        const target = cache.target(fileOptions(root, paths[index]!));
        const lines = 1 + Math.floor(random() * 3);
        for (let count = 0; count < lines; count += 1) {
          const text = line(`t${index}`, sequence++);
          expected[index]!.push(text);
          target.append(Buffer.from(text));
        }
      }
      await cache.flush();
      const stats = cache.stats();
      expect(stats.pendingBytes).toBe(0);
      expect(stats.openFiles).toBeLessThanOrEqual(16);
    }
    const stats = cache.stats();
    await cache.close();
    expect(stats.openFilesMax).toBeLessThanOrEqual(16);
    expect(stats.openFilesMax).toBeGreaterThan(1);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.targets).toBe(targetCount);
    expect(descriptorsSeenMax).toBeLessThanOrEqual(baseline + 16 + 4);
    expect(events.get('open_failed') ?? 0).toBe(0);
    expect(events.get('write_failed') ?? 0).toBe(0);
    for (let index = 0; index < targetCount; index += 1) {
      expect(readFileSync(join(root, paths[index]!), 'utf8')).toBe(expected[index]!.join(''));
    }
    expect(cache.stats().openFiles).toBe(0);
  });
});
