/**
 * The file input's pure parts: LF splitting with byte accounting (fed whole and one byte at a
 * time), fingerprint matching, the checkpoint format, and path patterns.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ShipperAppErrorCode } from '../src/errors.ts';
import { createFileInput } from '../src/inputs/file-tail/file-input.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../src/inputs/file-tail/checkpoint-format.ts';
import { fingerprintKey, fingerprintOf, headsOverlap } from '../src/inputs/file-tail/fingerprint.ts';
import { KnownFiles } from '../src/inputs/file-tail/known-files.ts';
import { LineSplitter } from '../src/inputs/file-tail/line-splitter.ts';
import { compilePathPattern } from '../src/inputs/file-tail/path-pattern.ts';
import { fileConfig, makeTempDir } from './support/file-tail-harness.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

function feed(splitter: LineSplitter, chunks: readonly Buffer[]): { lines: string[]; committedBytes: number; overlongLines: number } {
  const out = { lines: [] as string[], committedBytes: 0, overlongLines: 0 };
  for (const chunk of chunks) {
    const result = splitter.push(chunk);
    out.lines.push(...result.lines.map((line) => line.toString('latin1')));
    out.committedBytes += result.committedBytes;
    out.overlongLines += result.overlongLines;
  }
  return out;
}

function byByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.from([byte]));
}

describe('file tail - line splitter', () => {
  const text = Buffer.from('one\r\ntwo\n\nthree-is-longer-than-ten\nfour\npartial');

  for (const [name, chunks] of [
    ['whole', [text]],
    ['one byte at a time', byByte(text)],
  ] as const) {
    it(`file tail - splits on LF, drops CR before LF, skips empty lines, holds the partial line (${name})`, () => {
      const splitter = new LineSplitter(10);
      const out = feed(splitter, chunks);
      expect(out.lines).toEqual(['one', 'two', 'three-is-l', 'onger-than', '-ten', 'four']);
      expect(out.committedBytes).toBe(text.length - 'partial'.length);
      expect(out.overlongLines).toBe(1);
      expect(splitter.heldBytes).toBe('partial'.length);
    });
  }

  it('file tail - never holds more than lineMaxBytes of an endless line, and commits each piece', () => {
    const splitter = new LineSplitter(8);
    const out = feed(splitter, byByte(Buffer.from('a'.repeat(30))));
    expect(out.lines).toEqual(['aaaaaaaa', 'aaaaaaaa', 'aaaaaaaa']);
    expect(out.committedBytes).toBe(24);
    expect(out.overlongLines).toBe(1);
    expect(splitter.heldBytes).toBe(6);
    const rest = feed(splitter, [Buffer.from('bb\nc\n')]);
    expect(rest.lines).toEqual(['aaaaaabb', 'c']);
    expect(rest.overlongLines).toBe(0);
  });

  it('file tail - flush returns the held bytes as a last line; reset forgets them', () => {
    const splitter = new LineSplitter(100);
    feed(splitter, [Buffer.from('x\nhalf')]);
    const flushed = splitter.flush();
    expect(flushed.lines.map(String)).toEqual(['half']);
    expect(flushed.committedBytes).toBe(4);
    feed(splitter, [Buffer.from('gone')]);
    splitter.reset();
    expect(splitter.heldBytes).toBe(0);
  });

  it('file tail - held bytes are copies: reusing the read buffer does not change them', () => {
    const splitter = new LineSplitter(100);
    const buffer = Buffer.from('abc');
    splitter.push(buffer);
    buffer.write('XYZ');
    expect(splitter.push(Buffer.from('\n')).lines.map(String)).toEqual(['abc']);
  });
});

describe('file tail - fingerprints', () => {
  const big = Buffer.alloc(1024, 'k');
  const small = Buffer.from('first line\n');

  it('file tail - a complete head identifies content on any inode; a short head only with its inode', () => {
    const known = new KnownFiles();
    known.remember({ fingerprint: fingerprintOf('1', '10', big), offset: 5000, path: '/l/a.log', seenAtMs: 0 });
    known.remember({ fingerprint: fingerprintOf('1', '11', small), offset: 11, path: '/l/b.log', seenAtMs: 0 });
    expect(known.claim({ dev: '1', ino: '99', head: Buffer.from(small) })).toBeUndefined();
    expect(known.claim({ dev: '1', ino: '11', head: Buffer.from('first line\nmore') })?.offset).toBe(11);
    expect(known.claim({ dev: '2', ino: '77', head: big })?.offset).toBe(5000);
    expect(known.size).toBe(0);
  });

  it('file tail - the same inode wins over a copy with the same content', () => {
    const known = new KnownFiles();
    known.remember({ fingerprint: fingerprintOf('1', '10', big), offset: 5000, path: '/l/a.log', seenAtMs: 0 });
    expect(fingerprintKey(fingerprintOf('1', '10', big))).toBe(fingerprintKey(fingerprintOf('3', '30', big)));
    const copyFirst = known.claim({ dev: '1', ino: '10', head: big });
    expect(copyFirst?.fingerprint.ino).toBe('10');
  });

  it('file tail - a head kept from a truncation matches a copy by overlap, even a copy still being written', () => {
    const known = new KnownFiles();
    known.remember({ fingerprint: fingerprintOf('1', '10', small), offset: 11, path: '/l/a.log', seenAtMs: 0, copySourceHead: small });
    expect(known.claim({ dev: '1', ino: '50', head: Buffer.from('first') })?.offset).toBe(11);
    expect(headsOverlap(Buffer.from('first'), small)).toBe(true);
    expect(headsOverlap(Buffer.from('firsT'), small)).toBe(false);
    expect(headsOverlap(Buffer.alloc(0), small)).toBe(false);
  });

  it('file tail - forgets files not seen since a cutoff', () => {
    const known = new KnownFiles();
    known.remember({ fingerprint: fingerprintOf('1', '1', small), offset: 1, path: '/l/a', seenAtMs: 100 });
    known.remember({ fingerprint: fingerprintOf('1', '2', small), offset: 1, path: '/l/b', seenAtMs: 300 });
    expect(known.forgetSeenBefore(200)).toBe(1);
    expect(known.list().map((file) => file.path)).toEqual(['/l/b']);
  });
});

describe('file tail - checkpoint format', () => {
  const file = { fingerprint: fingerprintOf('2049', '123456789012345678', Buffer.from('head\n')), offset: 42, path: '/var/log/a.log', seenAtMs: 7 };

  it('file tail - round-trips, with inode numbers beyond 2^53 kept exact', () => {
    expect(decodeCheckpoint(encodeCheckpoint([file], 9))).toEqual({ savedAtMs: 9, files: [file] });
  });

  for (const [name, text] of [
    ['not JSON', '{"version":1,'],
    ['another version', '{"version":2,"files":{}}'],
    ['files not an object', '{"version":1,"files":[]}'],
    ['a negative offset', encodeCheckpoint([file], 9).replace('"offset": 42', '"offset": -1')],
    ['a key that is not the fingerprint', encodeCheckpoint([file], 9).replace('inode:2049', 'inode:2050')],
    ['a relative path', encodeCheckpoint([file], 9).replace('/var/log/a.log', 'a.log')],
  ] as const) {
    it(`file tail - rejects a checkpoint with ${name}`, () => {
      expect(() => decodeCheckpoint(text)).toThrow();
    });
  }
});

describe('file tail - path patterns', () => {
  it('file tail - a plain path watches its directory and matches only itself', () => {
    const pattern = compilePathPattern('/var/log/nginx/access.log');
    expect(pattern).toMatchObject({ baseDirectory: '/var/log/nginx', depth: 0 });
    expect(pattern.matches('/var/log/nginx/access.log')).toBe(true);
    expect(pattern.matches('/var/log/nginx/access.log.1')).toBe(false);
  });

  it('file tail - a glob watches its static parent as deep as it can match', () => {
    expect(compilePathPattern('/var/log/*/access.log')).toMatchObject({ baseDirectory: '/var/log', depth: 1 });
    expect(compilePathPattern('/srv/**/*.log')).toMatchObject({ baseDirectory: '/srv', depth: undefined });
    const pattern = compilePathPattern('/var/log/app-*.log');
    expect(pattern.matches('/var/log/app-1.log')).toBe(true);
    expect(pattern.matches('/var/log/sub/app-1.log')).toBe(false);
  });

  it('file tail - refuses a relative path', () => {
    expect(() => compilePathPattern('logs/*.log')).toThrow(/absolute/);
  });
});

describe('file tail - operator errors', () => {
  const context = (stateDir: string) => ({ ingest: new RecordingIngest(), logger: pino({ level: 'silent' }), lineMaxBytes: 1024, stateDir });

  it('file tail - a relative path or a zero checkpoint interval is refused when the input is built', () => {
    expect(() => createFileInput(fileConfig(['logs/*.log']), context('/tmp'))).toThrow(expect.objectContaining({ code: ShipperAppErrorCode.INPUT_CONFIG }));
    expect(() => createFileInput(fileConfig(['/var/log/x.log'], { checkpoint_interval_ms: 0 }), context('/tmp'))).toThrow(expect.objectContaining({ code: ShipperAppErrorCode.INPUT_CONFIG }));
  });

  it('file tail - a state directory that cannot hold checkpoints fails start() naming the input', async () => {
    const dir = await makeTempDir();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const input = createFileInput(fileConfig([join(dir, '*.log')]), context(join(dir, 'not-a-dir')));
    await expect(input.start()).rejects.toMatchObject({ code: ShipperAppErrorCode.INPUT_START, input: 'tail' });
    await input.close();
  });
});
