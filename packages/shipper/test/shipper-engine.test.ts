import { mulberry32 } from '@ringlog/prng';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipperEngine, type ShipperEngineOptions } from '../src/shipper-engine.ts';
import { routeGroup, vhostBucket } from '../src/vhost-route.ts';
import { MemorySpoolWriter } from './support/memory-spool-writer.ts';

const engines: ShipperEngine[] = [];

function engine(options: Partial<ShipperEngineOptions> = {}, spool = new MemorySpoolWriter()): { engine: ShipperEngine; spool: MemorySpoolWriter } {
  const created = new ShipperEngine(
    { lineMaxBytes: 1000, overlong: 'split', batchMaxBytes: 1024, batchMaxDelayMs: 5, spoolMaxBytes: 1 << 20, onFull: 'drop_newest', ...options },
    spool,
  );
  engines.push(created);
  return { engine: created, spool };
}

const lines = (...texts: string[]): Buffer[] => texts.map((text) => Buffer.from(text, 'latin1'));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

afterEach(() => {
  for (const created of engines.splice(0)) created.close();
});

describe('ShipperEngine batching', () => {
  it('batching - closes a batch when the next line would not fit, keeping order', () => {
    const { engine: e, spool } = engine({ batchMaxBytes: 1024 });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    const sent = Array.from({ length: 100 }, (_, i) => `line-${i}-${'x'.repeat(40)}`);
    e.push(input, lines(...sent));
    e.flushToSpool();
    expect(spool.linesOf('www')).toEqual(sent);
    expect(spool.batches.every((b) => b.bytes <= 1024)).toBe(true);
    expect(spool.batches.length).toBeGreaterThan(4);
    expect(input.stats.lines).toBe(100);
  });

  it('batching - a batch waits at most batchMaxDelayMs before it is spooled', async () => {
    const { engine: e, spool } = engine({ batchMaxDelayMs: 1 });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    e.push(input, lines('one', 'two'));
    expect(spool.batches).toHaveLength(0);
    await until(() => spool.batches.length === 1);
    expect(spool.batches[0]?.lines).toEqual(['one', 'two']);
  });

  it('batching - empty lines are skipped and bytes pass through untouched', () => {
    const { engine: e, spool } = engine();
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x41]);
    e.push(input, [Buffer.alloc(0), binary, Buffer.from('é', 'utf8')]);
    e.flushToSpool();
    expect(spool.linesOf('www')).toEqual([binary.toString('latin1'), Buffer.from('é', 'utf8').toString('latin1')]);
  });

  it('batching - a route given to push overrides the input route (pipe and Spread writers)', () => {
    const { engine: e, spool } = engine();
    const input = e.registerInput('p', 'pipe', { group: 'www', vhostBuckets: 0 });
    e.push(input, lines('a'), { group: 'api', vhostBuckets: 0 });
    e.push(input, lines('b'));
    e.flushToSpool();
    expect(spool.linesOf('api')).toEqual(['a']);
    expect(spool.linesOf('www')).toEqual(['b']);
  });

  it('batching - random lines over many groups arrive whole, once, in per-group order', () => {
    const random = mulberry32(7);
    const { engine: e, spool } = engine({ batchMaxBytes: 2048, lineMaxBytes: 4000 });
    const input = e.registerInput('a', 'unix', { group: 'g', vhostBuckets: 0 });
    const expected = new Map<string, string[]>();
    for (let round = 0; round < 300; round++) {
      const group = `g${Math.floor(random() * 5)}`;
      const batch = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => `${round}-${i}-${'y'.repeat(Math.floor(random() * 300))}`);
      e.push(input, lines(...batch), { group, vhostBuckets: 0 });
      expected.set(group, [...(expected.get(group) ?? []), ...batch]);
      if (random() < 0.1) e.flushToSpool();
    }
    e.flushToSpool();
    for (const [group, sent] of expected) expect(spool.linesOf(group)).toEqual(sent);
  });
});

describe('ShipperEngine routes and limits', () => {
  it('vhost buckets - the first token picks the bucket, case-insensitively and stably', () => {
    const route = { group: 'www', vhostBuckets: 4 };
    expect(routeGroup(route, Buffer.from('Example.COM GET /'))).toBe(routeGroup(route, Buffer.from('example.com POST /x')));
    expect(vhostBucket(Buffer.from('example.com'), 4)).toBe(vhostBucket(Buffer.from('EXAMPLE.com\tx'), 4));
    const buckets = new Set(Array.from({ length: 200 }, (_, i) => routeGroup(route, Buffer.from(`host${i}.test - -`))));
    expect([...buckets].sort()).toEqual(['www-0', 'www-1', 'www-2', 'www-3']);
    // FNV-1a 32 is fixed (published vectors: "a" → 0xe40c292c, "foobar" → 0xbf9cf968), so a
    // vhost's bucket does not change between releases.
    expect(vhostBucket(Buffer.from('a'), 2 ** 32 - 1)).toBe(0xe40c292c % (2 ** 32 - 1));
    expect(vhostBucket(Buffer.from('FOOBAR rest'), 2 ** 32 - 1)).toBe(0xbf9cf968 % (2 ** 32 - 1));
  });

  it('overlong - split keeps every byte in pieces of the limit; counted', () => {
    const { engine: e, spool } = engine({ lineMaxBytes: 10, overlong: 'split' });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    e.push(input, lines('0123456789abcdefghijXYZ'));
    e.flushToSpool();
    expect(spool.linesOf('www')).toEqual(['0123456789', 'abcdefghij', 'XYZ']);
    expect(input.stats.errors.overlong).toBe(1);
  });

  it('overlong - truncate keeps the head and counts the cut', () => {
    const { engine: e, spool } = engine({ lineMaxBytes: 10, overlong: 'truncate' });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    e.push(input, lines('0123456789abcdefghij', 'short'));
    e.flushToSpool();
    expect(spool.linesOf('www')).toEqual(['0123456789', 'short']);
    expect(input.stats.drops.truncated).toBe(1);
  });

  it('overlong - lines never exceed what one batch holds, whatever lines.max_bytes says', () => {
    const { engine: e, spool } = engine({ lineMaxBytes: 1 << 20, batchMaxBytes: 1024 });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    e.push(input, [Buffer.alloc(5000, 0x61)]);
    e.flushToSpool();
    expect(e.lineMaxBytes).toBe(1023);
    expect(spool.linesOf('www').join('')).toBe('a'.repeat(5000));
  });
});

describe('ShipperEngine when the spool is full or failing', () => {
  it('drop_newest - lines beyond the cap are dropped and counted on their input', () => {
    const { engine: e, spool } = engine({ spoolMaxBytes: 100, batchMaxBytes: 1024 });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    const outcome = e.push(input, lines(...Array.from({ length: 20 }, (_, i) => `line-${String(i).padStart(4, '0')}`)));
    e.flushToSpool();
    const kept = spool.linesOf('www');
    expect(kept.length).toBeLessThan(20);
    expect(outcome.dropped).toBe(20 - kept.length);
    expect(input.stats.drops.spool_full).toBe(20 - kept.length);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `line-${String(i).padStart(4, '0')}`));
  });

  it('block - takes what was read, pauses inputs, and resumes once the spool shrinks', async () => {
    const spool = new MemorySpoolWriter();
    const { engine: e } = engine({ spoolMaxBytes: 100, onFull: 'block' }, spool);
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    const outcome = e.push(input, lines(...Array.from({ length: 20 }, (_, i) => `line-${i}`)));
    expect(outcome).toEqual({ dropped: 0, paused: true });
    let resumed = false;
    void e.whenWritable().then(() => (resumed = true));
    e.flushToSpool();
    expect(spool.linesOf('www')).toHaveLength(20);
    e.spoolShrank();
    await Promise.resolve();
    expect(resumed).toBe(false);
    spool.pendingBytes = 0;
    e.spoolShrank();
    await until(() => resumed);
    expect(e.paused).toBe(false);
  });

  it('spool failure - batches are kept in order and retried, not dropped', async () => {
    const spool = new MemorySpoolWriter();
    const { engine: e } = engine({}, spool);
    const errors: string[] = [];
    e.onSpoolError((error) => errors.push(error.message));
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    spool.failWith = new Error('ENOSPC: no space left on device');
    e.push(input, lines('a', 'b'));
    e.flushToSpool();
    e.push(input, lines('c'));
    e.flushToSpool();
    expect(e.unspooledBatches).toBe(2);
    expect(errors[0]).toMatch(/ENOSPC/);
    spool.failWith = null;
    await until(() => e.unspooledBatches === 0);
    expect(spool.linesOf('www')).toEqual(['a', 'b', 'c']);
    expect(e.stats.spoolWriteErrors).toBeGreaterThan(0);
  });

  it('close - spools open batches; later pushes are counted as dropped while closing', () => {
    const { engine: e, spool } = engine();
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    e.push(input, lines('kept'));
    e.close();
    expect(spool.linesOf('www')).toEqual(['kept']);
    expect(e.push(input, lines('late'))).toEqual({ dropped: 1, paused: false });
    expect(input.stats.drops.closing).toBe(1);
  });

  it('registerInput - refuses a duplicate name', () => {
    const { engine: e } = engine();
    e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    expect(() => e.registerInput('a', 'tcp', { group: 'www', vhostBuckets: 0 })).toThrow(/already registered/);
  });
});

describe('ShipperEngine blocks (the stream inputs fast path)', () => {
  const block = (lines: string[]): Buffer => Buffer.from(lines.map((line) => `${line}\n`).join(''), 'latin1');

  it('pushBlock - cuts blocks at line boundaries into full batches; same lines, same order, same counts', () => {
    const random = mulberry32(11);
    const { engine: e, spool } = engine({ batchMaxBytes: 1024, lineMaxBytes: 1023, spoolMaxBytes: 64 << 20 });
    const input = e.registerInput('a', 'unix', { group: 'www', vhostBuckets: 0 });
    const errors: string[] = [];
    e.onSpoolError((error) => errors.push(error.message));
    const sent: string[] = [];
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => `${round}-${i}-${'z'.repeat(Math.floor(random() * 900))}`);
      sent.push(...lines);
      e.pushBlock(input, block(lines), lines.length);
      if (random() < 0.2) {
        e.push(input, [Buffer.from(lines[0] as string, 'latin1')]);
        sent.push(lines[0] as string);
      }
    }
    e.flushToSpool();
    expect(errors).toEqual([]);
    expect(spool.linesOf('www')).toEqual(sent);
    expect(spool.batches.every((b) => b.bytes <= 1024)).toBe(true);
    expect(input.stats.lines).toBe(sent.length);
    expect(input.stats.bytes).toBe(sent.reduce((sum, line) => sum + line.length, 0));
  });

  it('pushBlock - vhost buckets and a nearly full spool take the line-by-line path', () => {
    const { engine: e, spool } = engine({ spoolMaxBytes: 60 });
    const bucketed = e.registerInput('b', 'unix', { group: 'www', vhostBuckets: 2 });
    e.pushBlock(bucketed, block(['a.test x', 'b.test y']), 2);
    const plain = e.registerInput('p', 'unix', { group: 'www', vhostBuckets: 0 });
    const outcome = e.pushBlock(plain, block(Array.from({ length: 10 }, (_, i) => `line-${i}`)), 10);
    e.flushToSpool();
    expect([...spool.linesOf('www-0'), ...spool.linesOf('www-1')].sort()).toEqual(['a.test x', 'b.test y']);
    expect(outcome.dropped).toBeGreaterThan(0);
    expect(plain.stats.drops.spool_full).toBe(outcome.dropped);
  });
});
