/**
 * writeFileAtomic: replaces the content, leaves no temporary file behind, with or without
 * fsync, and a temporary file left by a crash does not get in the way.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/index.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ringlog-delivery-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('atomic-file - writeFileAtomic', () => {
  it('atomic-file - creates then replaces the content, leaving no .tmp', () => {
    const file = path.join(dir, 'offsets');
    writeFileAtomic(file, 'first version, rather long\n');
    expect(readFileSync(file, 'utf8')).toBe('first version, rather long\n');
    writeFileAtomic(file, 'short\n');
    expect(readFileSync(file, 'utf8')).toBe('short\n');
    expect(readdirSync(dir)).toEqual(['offsets']);
  });

  it('atomic-file - writes bytes, and empty content', () => {
    const file = path.join(dir, 'bytes');
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 13) & 0xff);
    writeFileAtomic(file, bytes);
    expect(readFileSync(file).equals(Buffer.from(bytes))).toBe(true);
    writeFileAtomic(file, new Uint8Array(0));
    expect(readFileSync(file).length).toBe(0);
    writeFileAtomic(file, '');
    expect(readFileSync(file).length).toBe(0);
    expect(readdirSync(dir)).toEqual(['bytes']);
  });

  it('atomic-file - works with fsync false', () => {
    const file = path.join(dir, 'no-sync');
    writeFileAtomic(file, 'one', { fsync: false });
    writeFileAtomic(file, 'two', { fsync: false });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('atomic-file - a .tmp left by a crash does not break the next write', () => {
    const file = path.join(dir, 'collector-state');
    writeFileAtomic(file, 'committed\n');
    writeFileSync(`${file}.tmp`, 'half-written garbage from before the crash, longer than the new content');
    expect(readFileSync(file, 'utf8')).toBe('committed\n');
    writeFileAtomic(file, 'next\n');
    expect(readFileSync(file, 'utf8')).toBe('next\n');
    expect(readdirSync(dir)).toEqual(['collector-state']);
  });

  it('atomic-file - a .tmp left beside a file never written still gives way', () => {
    const file = path.join(dir, 'fresh');
    writeFileSync(`${file}.tmp`, 'garbage');
    writeFileAtomic(file, 'new', { fsync: false });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['fresh']);
  });
});
