import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadSegmentKey, SegmentKeyError } from '../src/index.ts';
import { limits } from '../src/internal.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlog-segment-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** The SegmentKeyError `run` throws. */
function keyError(run: () => unknown): SegmentKeyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmentKeyError);
    return error as SegmentKeyError;
  }
  throw new Error('expected a SegmentKeyError, got a key');
}

describe('segment key - loading', () => {
  it('segment key - the file\'s bytes without the trailing newline, not base64-decoded', () => {
    const text = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=';
    const key = loadSegmentKey(write('base64.key', `${text}\n`));
    expect(key).toEqual(Buffer.from(text, 'latin1'));
    expect(key).toHaveLength(44);
  });

  it('segment key - trailing spaces, tabs and CRLF go; leading and inner white space stay', () => {
    expect(loadSegmentKey(write('crlf.key', '  0123456789 abcdef \t\r\n\r\n')).toString('latin1')).toBe('  0123456789 abcdef');
  });

  it('segment key - raw binary bytes are kept as they are', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => (index * 37 + 255) % 256));
    bytes[31] = 0x01; // not white space, so nothing is trimmed
    expect(loadSegmentKey(write('binary.key', bytes))).toEqual(bytes);
  });

  it('segment key - exactly 16 bytes is enough; 15 is not', () => {
    expect(limits.SEGMENT_KEY_BYTES_MIN).toBe(16);
    expect(loadSegmentKey(write('sixteen.key', `${'k'.repeat(16)}\n`))).toHaveLength(16);
    const path = write('fifteen.key', `${'k'.repeat(15)}\n   `);
    const error = keyError(() => loadSegmentKey(path));
    expect(error.message).toBe(`${path}: the segment key is 15 bytes; it must be at least 16 (make one with: head -c 32 /dev/urandom | base64 > ${path})`);
  });

  it('segment key - an empty file, or one of only white space, is refused as empty', () => {
    for (const [name, content] of [['empty.key', ''], ['blank.key', ' \n\t\r\n']] as const) {
      const path = write(name, content);
      expect(keyError(() => loadSegmentKey(path)).message).toBe(`${path}: the segment key file is empty`);
    }
  });

  it('segment key - a symlink to a key file is followed', () => {
    const target = write('target.key', 'a-long-enough-secret-key\n');
    const link = join(dir, 'link.key');
    symlinkSync(target, link);
    expect(loadSegmentKey(link).toString()).toBe('a-long-enough-secret-key');
  });
});

describe('segment key - hostile files', () => {
  it('segment key - a missing file names the path and keeps the cause', () => {
    const path = join(dir, 'missing.key');
    const error = keyError(() => loadSegmentKey(path));
    expect(error.message).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: cannot read the segment key file: ENOENT`));
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('segment key - a directory, a FIFO and a too-big file are refused without hanging', () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    expect(keyError(() => loadSegmentKey(directory)).message).toBe(`${directory}: the segment key file is not a regular file`);
    const fifo = join(dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    expect(keyError(() => loadSegmentKey(fifo)).message).toBe(`${fifo}: the segment key file is not a regular file`);
    const big = write('big.key', 'k'.repeat(limits.SEGMENT_KEY_FILE_BYTES_MAX + 1));
    expect(keyError(() => loadSegmentKey(big)).message).toBe(`${big}: 4097 bytes is more than a segment key file may hold (4096)`);
    expect(loadSegmentKey(write('max.key', 'k'.repeat(limits.SEGMENT_KEY_FILE_BYTES_MAX)))).toHaveLength(4096);
  });

  it('segment key - an unreadable file', () => {
    const path = write('unreadable.key', 'a-long-enough-secret-key');
    execFileSync('chmod', ['000', path]);
    // root reads any file; the refusal is then not observable.
    if (process.getuid?.() === 0) return;
    expect(keyError(() => loadSegmentKey(path)).message).toMatch(/cannot read the segment key file: EACCES/);
  });

  it('segment key - the error is a ConfigError with its code and the file', () => {
    const path = join(dir, 'missing.key');
    const error = keyError(() => loadSegmentKey(path));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('RL_CONFIG_BAD_SEGMENT_KEY');
    expect(error.file).toBe(path);
    expect(error.name).toBe('SegmentKeyError');
  });
});
