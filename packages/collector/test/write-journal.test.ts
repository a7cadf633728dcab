/**
 * The write journal on real files in a temp dir: what open, prepare and commit put in
 * written.json; how a re-open after a crash between prepare and commit cuts the files of the
 * unfinished flush back (and which it leaves alone); that a damaged journal stops the collector
 * with JournalError, never another error, whatever bytes it holds. Randomized cases print their
 * seed; rerun one with RINGLOG_TEST_SEED.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeId } from '@ringlog/delivery';
import { baseSeed, caseSeedFrom, createPrng, flipBits, type Prng } from '@ringlog/prng';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorErrorCode, JournalError } from '../src/errors.ts';
import { JOURNAL_FILE, WriteJournal, type JournalRecovery } from '../src/write-journal.ts';
import { tempDir } from './support/engine-harness.ts';

const SHIPPER_A: NodeId = '0123456789abcdef0123456789abcdef';
const SHIPPER_B: NodeId = 'fedcba9876543210fedcba9876543210';
const BASE_SEED = baseSeed(0x0e41_7a1e);

let base: string;
let stateDir: string;
let root: string;
let journalFile: string;

beforeEach(async () => {
  base = await tempDir('ringlog-journal-');
  stateDir = join(base, 'state');
  root = join(base, 'root');
  journalFile = join(stateDir, JOURNAL_FILE);
  mkdirSync(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function open(roots: readonly string[] = [root]): { journal: WriteJournal; recovery: JournalRecovery } {
  return WriteJournal.open({ dir: stateDir, fsync: false, roots });
}

interface StoredJournal {
  version: number;
  written: Record<string, number>;
  pending: Record<string, number>;
}

function stored(): StoredJournal {
  return JSON.parse(readFileSync(journalFile, 'utf8')) as StoredJournal;
}

function writeJournalText(text: string | Buffer): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(journalFile, text);
}

describe('write journal - open, prepare, commit', () => {
  it('open on an empty (even missing) dir creates it 0700 with an empty written.json', () => {
    const { journal, recovery } = open();
    expect(journal.file).toBe(journalFile);
    expect(stored()).toEqual({ version: 1, written: {}, order: 0, pending: {} });
    expect(journal.writes).toBe(1);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(recovery).toEqual({ written: new Map(), orderLength: 0, truncated: [], skipped: [] });
    expect(existsSync(`${journalFile}.tmp`)).toBe(false);
  });

  it('re-opening a clean journal returns its offsets and does not rewrite it', () => {
    open().journal.commit(
      new Map([
        [SHIPPER_A, 10],
        [SHIPPER_B, 0],
      ]),
    );
    const before = readFileSync(journalFile, 'utf8');
    const { journal, recovery } = open();
    expect(journal.writes).toBe(0);
    expect(readFileSync(journalFile, 'utf8')).toBe(before);
    expect(recovery.written).toEqual(
      new Map([
        [SHIPPER_A, 10],
        [SHIPPER_B, 0],
      ]),
    );
    expect(recovery.truncated).toEqual([]);
    expect(recovery.skipped).toEqual([]);
  });

  it('prepare records pre-sizes (absent files as -1) once per path until the commit; commit clears them and stores offsets', () => {
    const a = join(root, 'a.example.com', 'access.log');
    const b = join(root, 'b.example.com', 'access.log');
    const c = join(root, 'c.log');
    mkdirSync(join(root, 'a.example.com'));
    writeFileSync(a, 'hello');
    const { journal } = open();
    expect(journal.writes).toBe(1);

    journal.prepare([a, b]);
    expect(journal.writes).toBe(2);
    expect(stored().pending).toEqual({ [a]: 5, [b]: -1 });

    // The flush writes; a later flush before any commit adds only new paths, with their size now.
    appendFileSync(a, ' world\n');
    writeFileSync(c, '0123456789');
    journal.prepare([a, c]);
    expect(journal.writes).toBe(3);
    expect(stored().pending).toEqual({ [a]: 5, [b]: -1, [c]: 10 });

    // Nothing new: no write at all.
    journal.prepare([c, a, b]);
    journal.prepare([]);
    expect(journal.writes).toBe(3);

    journal.commit(new Map([[SHIPPER_A, 1234]]));
    expect(journal.writes).toBe(4);
    expect(stored()).toEqual({ version: 1, written: { [SHIPPER_A]: 1234 }, order: 0, pending: {} });

    // After the commit the sizes are recorded afresh.
    journal.prepare([a]);
    expect(stored().pending).toEqual({ [a]: 12 });
    journal.commit(
      new Map([
        [SHIPPER_A, 2000],
        [SHIPPER_B, 7],
      ]),
    );
    expect(stored()).toEqual({ version: 1, written: { [SHIPPER_A]: 2000, [SHIPPER_B]: 7 }, order: 0, pending: {} });
    expect(journal.writes).toBe(6);
  });

  it('prepare leaves out paths it cannot look at (ENOTDIR, ENAMETOOLONG), instead of failing the whole flush', () => {
    const plain = join(root, 'plain');
    writeFileSync(plain, 'a file, not a directory\n');
    const underAFile = join(plain, 'access.log');
    const tooLong = join(root, `${'x'.repeat(253)}.log`);
    const fine = join(root, 'fine.log');
    const { journal } = open();
    expect(() => journal.prepare([underAFile, tooLong, fine])).not.toThrow();
    expect(stored().pending).toEqual({ [fine]: -1 });
    // Looked at again by the next prepare, once it can be.
    rmSync(plain);
    mkdirSync(plain);
    writeFileSync(underAFile, 'now\n');
    journal.prepare([underAFile, tooLong]);
    expect(stored().pending).toEqual({ [fine]: -1, [underAFile]: 4 });
  });

  it('a prepare that could not be saved is not remembered: the next prepare records and saves it', () => {
    const a = join(root, 'a.log');
    writeFileSync(a, 'abc\n');
    const { journal } = open();
    // A directory where the temporary file goes makes the save fail.
    mkdirSync(`${journalFile}.tmp`);
    expect(() => journal.prepare([a])).toThrow();
    expect(stored().pending).toEqual({});
    rmSync(`${journalFile}.tmp`, { recursive: true });
    const writes = journal.writes;
    journal.prepare([a]);
    expect(journal.writes).toBe(writes + 1);
    expect(stored().pending).toEqual({ [a]: 4 });
  });
});

describe('write journal - recovery after a crash between prepare and commit', () => {
  it('cuts each pending file back to its recorded size (an absent one to 0) and records the repair', () => {
    const a = join(root, 'a.example.com', 'access.log');
    const b = join(root, 'b.example.com', 'access.log');
    const gone = join(root, 'gone.example.com', 'access.log');
    const dotted = join(root, '..dotted.log'); // a name starting with "..", still inside the root
    for (const dir of ['a.example.com', 'b.example.com']) mkdirSync(join(root, dir));
    writeFileSync(a, 'line 1\nline 2\n');
    writeFileSync(dotted, 'x\n');
    const first = open().journal;
    first.commit(new Map([[SHIPPER_A, 100]]));
    first.prepare([a, b, gone, dotted]);
    // The flush writes, then the collector dies before the commit.
    appendFileSync(a, 'line 3\nline 4\n');
    writeFileSync(b, 'new 1\n');
    appendFileSync(dotted, 'y\n');

    const { journal, recovery } = open();
    expect(readFileSync(a, 'latin1')).toBe('line 1\nline 2\n');
    expect(readFileSync(b, 'latin1')).toBe('');
    expect(readFileSync(dotted, 'latin1')).toBe('x\n');
    expect(existsSync(gone)).toBe(false);
    expect(recovery.written).toEqual(new Map([[SHIPPER_A, 100]]));
    expect(recovery.truncated).toHaveLength(3);
    expect(recovery.truncated).toContainEqual({ path: a, fromBytes: 28, toBytes: 14 });
    expect(recovery.truncated).toContainEqual({ path: b, fromBytes: 6, toBytes: 0 });
    expect(recovery.truncated).toContainEqual({ path: dotted, fromBytes: 4, toBytes: 2 });
    expect(recovery.skipped).toEqual([]);
    // The repair is recorded: pending is gone, the offsets stay.
    expect(stored()).toEqual({ version: 1, written: { [SHIPPER_A]: 100 }, order: 0, pending: {} });
    expect(journal.writes).toBe(1);

    // A second restart finds nothing to do.
    const again = open();
    expect(again.recovery.truncated).toEqual([]);
    expect(again.journal.writes).toBe(0);
    expect(readFileSync(a, 'latin1')).toBe('line 1\nline 2\n');
  });

  it('leaves alone files shorter than recorded, paths outside the roots and non-regular files, reporting the latter', () => {
    const outsideDir = join(base, 'outside');
    const sibling = join(base, 'root-sibling'); // shares the root's name as a prefix
    mkdirSync(outsideDir);
    mkdirSync(sibling);
    const shorter = join(root, 'shorter.log');
    const outside = join(outsideDir, 'victim.log');
    const siblingFile = join(sibling, 'victim.log');
    const link = join(root, 'link.log');
    const dir = join(root, 'dir.log');
    writeFileSync(shorter, '0123456789');
    writeFileSync(outside, 'precious\n');
    writeFileSync(siblingFile, 'precious\n');
    writeFileSync(join(outsideDir, 'target.log'), 'also precious\n');
    symlinkSync(join(outsideDir, 'target.log'), link);
    const { journal } = open();
    journal.prepare([shorter, outside, siblingFile, link]);
    // Meanwhile: the file shrank (rotated, or cut by hand), the others grew, the link's place became
    // a directory... (a symlink there stays one).
    truncateSync(shorter, 4);
    appendFileSync(outside, 'more\n');
    appendFileSync(siblingFile, 'more\n');
    appendFileSync(join(outsideDir, 'target.log'), 'more\n');
    journal.prepare([dir]);
    mkdirSync(dir);

    const { recovery } = open();
    expect(recovery.truncated).toEqual([]);
    expect([...recovery.skipped].sort()).toEqual([dir, link, outside, siblingFile].sort());
    expect(readFileSync(shorter, 'latin1')).toBe('0123');
    expect(readFileSync(outside, 'latin1')).toBe('precious\nmore\n');
    expect(readFileSync(siblingFile, 'latin1')).toBe('precious\nmore\n');
    expect(readFileSync(join(outsideDir, 'target.log'), 'latin1')).toBe('also precious\nmore\n');
    expect(stored().pending).toEqual({});
  });

  it('with no roots at all every pending path is skipped', () => {
    const a = join(root, 'a.log');
    writeFileSync(a, 'one\n');
    open().journal.prepare([a]);
    appendFileSync(a, 'two\n');
    const { recovery } = open([]);
    expect(recovery.skipped).toEqual([a]);
    expect(readFileSync(a, 'latin1')).toBe('one\ntwo\n');
  });
});

describe('write journal - damaged', () => {
  const pendingPath = (): string => join(root, 'a.log');
  const cases: readonly [string, () => string][] = [
    ['not JSON', () => '{"version":1,'],
    ['empty', () => ''],
    ['null', () => 'null'],
    ['an array', () => '[1]'],
    ['wrong version', () => JSON.stringify({ version: 2, written: {}, pending: {} })],
    ['version as a string', () => JSON.stringify({ version: '1', written: {}, pending: {} })],
    ['no written', () => JSON.stringify({ version: 1, pending: {} })],
    ['written an array', () => JSON.stringify({ version: 1, written: [5], pending: {} })],
    ['no pending', () => JSON.stringify({ version: 1, written: {} })],
    ['bad shipper id', () => JSON.stringify({ version: 1, written: { 'not-an-id': 5 }, pending: {} })],
    ['uppercase shipper id', () => JSON.stringify({ version: 1, written: { [SHIPPER_A.toUpperCase()]: 5 }, pending: {} })],
    ['__proto__ as a shipper id', () => `{"version":1,"written":{"__proto__":5},"pending":{}}`],
    ['negative offset', () => JSON.stringify({ version: 1, written: { [SHIPPER_A]: -1 }, pending: {} })],
    ['fractional offset', () => JSON.stringify({ version: 1, written: { [SHIPPER_A]: 1.5 }, pending: {} })],
    ['offset past 2^53', () => JSON.stringify({ version: 1, written: { [SHIPPER_A]: 2 ** 60 }, pending: {} })],
    ['offset as a string', () => JSON.stringify({ version: 1, written: { [SHIPPER_A]: '5' }, pending: {} })],
    ['offset an object that cannot be printed', () => JSON.stringify({ version: 1, written: { [SHIPPER_A]: { toString: 1 } }, pending: {} })],
    ['relative pending path', () => JSON.stringify({ version: 1, written: {}, pending: { 'root/a.log': 3 } })],
    ['pending path with NUL', () => JSON.stringify({ version: 1, written: {}, pending: { [`${pendingPath()}\0x`]: 3 } })],
    ['pending size below -1', () => JSON.stringify({ version: 1, written: {}, pending: { [pendingPath()]: -2 } })],
    ['pending size null', () => JSON.stringify({ version: 1, written: {}, pending: { [pendingPath()]: null } })],
    ['pending size an object that cannot be printed', () => JSON.stringify({ version: 1, written: {}, pending: { [pendingPath()]: { toString: [] } } })],
  ];

  for (const [name, text] of cases) {
    it(`${name} - throws JournalError naming the file, and changes nothing`, () => {
      // A valid pending entry first: a journal rejected later must not have cut it.
      writeFileSync(pendingPath(), 'keep me\n');
      const raw = text();
      const withValidEntry = raw.replace('"pending":{', `"pending":{${JSON.stringify(pendingPath())}:0${raw.includes('"pending":{}') ? '' : ','}`);
      writeJournalText(withValidEntry);
      let thrown: unknown;
      try {
        open();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(JournalError);
      const error = thrown as JournalError;
      expect(error.code).toBe(CollectorErrorCode.BAD_JOURNAL);
      expect(error.code).toBe('RL_COLLECTOR_BAD_JOURNAL');
      expect(error.path).toBe(journalFile);
      expect(error.message).toContain(journalFile);
      expect(readFileSync(journalFile, 'utf8')).toBe(withValidEntry);
      expect(readFileSync(pendingPath(), 'latin1')).toBe('keep me\n');
    });
  }

  it('not JSON - keeps the parse error as the cause', () => {
    writeJournalText('nope');
    expect(() => open()).toThrow(expect.objectContaining({ code: 'RL_COLLECTOR_BAD_JOURNAL', cause: expect.any(SyntaxError) }));
  });
});

describe('write journal - hostile bytes', () => {
  /** A journal-shaped JSON value with random holes: the parser's checks, one at a time. */
  function randomJournalValue(prng: Prng): unknown {
    const anyValue = (depth: number): unknown => {
      switch (prng.int(depth > 2 ? 6 : 8)) {
        case 0:
          return null;
        case 1:
          return prng.bool();
        case 2:
          return prng.pick([0, -1, -2, 1.5, 2 ** 53, 2 ** 60, Number.MAX_SAFE_INTEGER, prng.int(1000)]);
        case 3:
          return prng.pick(['', '1', 'x', SHIPPER_A, '/abs', join(root, 'x.log')]);
        case 4:
          return prng.pick(['__proto__', 'toString', 'constructor']);
        case 5:
          return prng.int(100);
        case 6:
          return Array.from({ length: prng.int(3) }, () => anyValue(depth + 1));
        default: {
          const record: Record<string, unknown> = {};
          for (let count = prng.int(4); count > 0; count--) record[prng.pick(['toString', 'valueOf', 'a', SHIPPER_A, '/x', 'version'])] = anyValue(depth + 1);
          return record;
        }
      }
    };
    const idOrJunk = (): string => prng.pick([SHIPPER_A, SHIPPER_B, SHIPPER_A.slice(1), '__proto__', 'toString', '', 'zz'.repeat(16)]);
    const pathOrJunk = (): string => prng.pick([join(root, `f${prng.int(3)}.log`), join(base, 'elsewhere.log'), 'relative.log', '/', '', '__proto__', `${root}\0`]);
    const value: Record<string, unknown> = {};
    if (prng.next() < 0.95) value['version'] = prng.next() < 0.8 ? 1 : anyValue(0);
    if (prng.next() < 0.95) {
      const written: Record<string, unknown> = {};
      for (let count = prng.int(4); count > 0; count--) written[idOrJunk()] = prng.next() < 0.7 ? prng.int(1 << 20) : anyValue(0);
      value['written'] = prng.next() < 0.9 ? written : anyValue(0);
    }
    if (prng.next() < 0.95) {
      const pending: Record<string, unknown> = {};
      for (let count = prng.int(4); count > 0; count--) pending[pathOrJunk()] = prng.next() < 0.7 ? prng.range(-1, 50) : anyValue(0);
      value['pending'] = prng.next() < 0.9 ? pending : anyValue(0);
    }
    return value;
  }

  function expectOpenOrJournalError(text: Buffer, seed: number, kind: string): 'opened' | 'refused' {
    writeJournalText(text);
    try {
      open();
      return 'opened';
    } catch (error) {
      if (!(error instanceof JournalError)) {
        throw new Error(`${kind} journal with seed ${seed} (rerun with RINGLOG_TEST_SEED=${BASE_SEED}) threw ${String(error)}, not a JournalError`, { cause: error });
      }
      expect(error.code).toBe('RL_COLLECTOR_BAD_JOURNAL');
      return 'refused';
    }
  }

  it('random bytes, bit-flipped journals and random journal-shaped JSON: opened or JournalError, never another error', () => {
    // A journal that opens may cut files it names inside the root (f0..f2.log), never one outside.
    const outsideFile = join(base, 'elsewhere.log');
    writeFileSync(outsideFile, 'outside the root\n');
    const valid = Buffer.from(
      `${JSON.stringify({ version: 1, written: { [SHIPPER_A]: 123456, [SHIPPER_B]: 0 }, pending: { [join(root, 'f0.log')]: 3, [join(root, 'f1.log')]: -1 } })}\n`,
    );
    const outcomes = { opened: 0, refused: 0 };
    for (let index = 0; index < 600; index++) {
      const seed = caseSeedFrom(BASE_SEED, index);
      const prng = createPrng(seed);
      for (let file = 0; file < 3; file++) writeFileSync(join(root, `f${file}.log`), prng.bytes(prng.int(20)));
      let text: Buffer;
      let kind: string;
      switch (index % 3) {
        case 0:
          kind = 'random-bytes';
          text = prng.bytes(prng.int(200));
          break;
        case 1:
          kind = 'bit-flipped';
          text = Buffer.from(valid);
          flipBits(prng, text, prng.range(1, 4));
          break;
        default:
          kind = 'random-json';
          text = Buffer.from(JSON.stringify(randomJournalValue(prng)));
      }
      outcomes[expectOpenOrJournalError(text, seed, kind)]++;
    }
    expect(readFileSync(outsideFile, 'latin1')).toBe('outside the root\n');
    expect(outcomes.refused).toBeGreaterThan(300);
    expect(outcomes.opened).toBeGreaterThan(10);
  });
});
