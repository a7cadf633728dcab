/**
 * Many more vhosts than descriptors: 10,000 vhosts through 32 descriptors, lines interleaved
 * across vhosts over several bodies and flushes (some delivered while a flush is writing). The
 * LRU must evict and reopen without losing or reordering a line, and never hold more than
 * `max_open_files` descriptors.
 *
 * Cost: each vhost file is created once and reopened once per flush round. The files are flat
 * (`{vhost}.log`) and on tmpfs when there is one: creating 10,000 files in per-vhost directories
 * on this box's ext4 takes ~12 s through the engine, flat on tmpfs ~1.5 s.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastTempDir, mulberry32, sleep, splitConfig, startEngine } from './support/engine-harness.ts';

const VHOSTS = 10_000;
const MAX_OPEN_FILES = 32;
const BODIES = 6;
const READS_AT_ONCE = 16;

let base: string;

beforeAll(async () => {
  base = await fastTempDir('ringlog-many-vhosts-');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function vhostName(index: number): string {
  return `v${String(index).padStart(5, '0')}.example.com`;
}

/** 0..count-1 in an order fixed by `seed` (Fisher-Yates). */
function shuffled(count: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return order;
}

/** Every vhost file whose content differs from its expected lines, read a few at a time. */
async function wrongFiles(root: string): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < VHOSTS) {
      const vhost = next++;
      const expected = Array.from({ length: BODIES }, (_, bodyIndex) => `body=${bodyIndex} vhost=${vhost}\n`).join('');
      const actual = await readFile(join(root, `${vhostName(vhost)}.log`), 'latin1');
      if (actual !== expected) wrong.push(`${vhostName(vhost)}: ${JSON.stringify(actual)}`);
    }
  };
  await Promise.all(Array.from({ length: READS_AT_ONCE }, reader));
  return wrong;
}

describe('collector engine - many vhosts', () => {
  it(`many vhosts - ${VHOSTS} vhosts through ${MAX_OPEN_FILES} descriptors keep every line, in order`, async () => {
    const root = join(base, 'root');
    const output = [`max_open_files: ${MAX_OPEN_FILES}`, 'idle_close_ms: 0', 'fsync: never'];
    const { engine, counters } = startEngine(splitConfig(root, { path: '{vhost}.log', output }));
    try {
      const flushes: Promise<void>[] = [];
      for (let bodyIndex = 0; bodyIndex < BODIES; bodyIndex++) {
        // Every body has one line per vhost, in its own order, so consecutive lines hit different files.
        const order = shuffled(VHOSTS, 1000 + bodyIndex);
        const text = order.map((vhost) => `${vhostName(vhost)} body=${bodyIndex} vhost=${vhost}\n`).join('');
        engine.deliver(['www'], Buffer.from(text));
        // Round 1 creates every file; round 2 reopens them all, while bodies 4 and 5 arrive.
        if (bodyIndex === 1) await engine.flush();
        if (bodyIndex === 3) {
          flushes.push(engine.flush());
          await sleep(20);
        }
      }
      await Promise.all(flushes);
      await engine.flush();
      const stats = engine.fileStats();
      expect(stats.openFilesMax).toBeLessThanOrEqual(MAX_OPEN_FILES);
      expect(stats.evictions).toBeGreaterThan(0);
      // Only the last MAX_OPEN_FILES files of round 1 were still open for round 2.
      expect(stats.opens).toBeGreaterThanOrEqual(VHOSTS * 2 - MAX_OPEN_FILES);
      expect(stats.openFailures).toBe(0);
      expect(stats.droppedLines).toBe(0);
      expect(stats.pendingBytes).toBe(0);
      expect(counters().vhosts).toBe(VHOSTS);
      expect(counters().lines).toBe(VHOSTS * BODIES);
    } finally {
      await engine.close();
    }
    expect((await readdir(root)).length).toBe(VHOSTS);
    expect((await wrongFiles(root)).slice(0, 5)).toEqual([]);
  });
});
