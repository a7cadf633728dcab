/**
 * The collector engine against attacker-controlled input: vhost tokens come from any web client's
 * Host header, so traversal attempts, control bytes, look-alike characters and random bytes must all
 * land in the catch-all file, and nothing may be created or written outside the split root, even
 * through symlinks planted in the tree.
 */
import { mkdir, readdir, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatchAllReason } from '../src/log-counters.ts';
import {
  countNewlines,
  fileLines,
  listTree,
  mulberry32,
  splitConfig,
  startEngine,
  tempDir,
  testSeed,
  treeChanges,
  type EngineUnderTest,
} from './support/engine-harness.ts';

let base: string;
/** Nested, so a "../../x" escape from the root still lands inside `base`, where it would be seen. */
let root: string;
let rootRelative: string;
const running: EngineUnderTest[] = [];

beforeEach(async () => {
  base = await tempDir('ringlog-hostile-');
  rootRelative = join('l1', 'l2', 'l3', 'root');
  root = join(base, rootRelative);
  await mkdir(join(base, 'l1', 'l2', 'l3'), { recursive: true });
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'keep.txt'), 'untouched\n');
});

afterEach(async () => {
  for (const under of running.splice(0)) await under.engine.close();
  await rm(base, { recursive: true, force: true });
});

function start(yaml: string): EngineUnderTest {
  const under = startEngine(yaml);
  running.push(under);
  return under;
}

/** Paths that changed under `base` and are not inside the root. */
function changesOutsideRoot(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return treeChanges(before, after).filter((path) => path !== rootRelative && !path.startsWith(`${rootRelative}/`));
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A valid 253-character name: three 63-character labels and one of 61. */
const LONGEST_NAME = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');

/** `items` in an order fixed by `seed` (Fisher-Yates). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const order = [...items];
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as T, order[index] as T];
  }
  return order;
}

/** Hostile first tokens and the catch-all reason each must be counted under. */
const HOSTILE_TOKENS: ReadonlyArray<readonly [string, Buffer, CatchAllReason]> = [
  ['traversal', latin1('../../etc/x'), 'path_separator'],
  ['deeper traversal', latin1('../../../../../../etc/cron.d/x'), 'path_separator'],
  ['dot dot', latin1('..'), 'dot_segment'],
  ['dot', latin1('.'), 'dot_segment'],
  ['absolute', latin1('/etc/passwd'), 'path_separator'],
  ['backslash', latin1('a\\b'), 'path_separator'],
  ['backslash traversal', latin1('..\\..\\x'), 'path_separator'],
  ['trailing slash', latin1('a.example.com/'), 'path_separator'],
  ['percent-encoded dots', latin1('%2e%2e'), 'bad_character'],
  ['percent-encoded slash', latin1('%2e%2e%2fetc'), 'bad_character'],
  ['NUL inside', latin1('a\u0000b.example.com'), 'control_byte'],
  ['NUL alone', latin1('\u0000'), 'control_byte'],
  ['SOH', latin1('evil\u0001.com'), 'control_byte'],
  ['DEL', latin1('evil\u007f.com'), 'control_byte'],
  ['terminal escape', latin1('\u001b[2Jcleared.com'), 'control_byte'],
  ['tab', latin1('tab\there.com'), 'control_byte'],
  ['carriage return', latin1('cr\r.example.com'), 'control_byte'],
  ['division slash U+2215', utf8('evil\u2215etc'), 'non_ascii'],
  ['fraction slash U+2044', utf8('a\u2044b.com'), 'non_ascii'],
  ['fullwidth solidus U+FF0F', utf8('a\uff0fb.com'), 'non_ascii'],
  ['one dot leader U+2024', utf8('\u2024\u2024'), 'non_ascii'],
  ['fullwidth full stop U+FF0E', utf8('\uff0e\uff0e\uff0fetc'), 'non_ascii'],
  ['ideographic full stop U+3002', utf8('example\u3002com'), 'non_ascii'],
  ['RTL override U+202E', utf8('moc.elgoog\u202e.evil'), 'non_ascii'],
  ['overlong UTF-8 dot', Buffer.from([0x61, 0xc0, 0xae, 0xc0, 0xae, 0x62]), 'non_ascii'],
  ['latin1 letter', latin1('caf\u00e9.com'), 'non_ascii'],
  ['300 characters', latin1('a'.repeat(300)), 'too_long'],
  ['254 characters', latin1(`x${LONGEST_NAME}`), 'too_long'],
  ['64-character label', latin1(`${'a'.repeat(64)}.example.com`), 'too_long'],
  ['leading dash', latin1('-rf.example.com'), 'bad_character'],
  ['leading underscore (the catch-all dir)', latin1('_catchall'), 'bad_character'],
  ['port', latin1('example.com:8080'), 'bad_character'],
  ['shell', latin1('$(reboot)'), 'bad_character'],
  ['glob', latin1('*.example.com'), 'bad_character'],
  ['tilde', latin1('~root'), 'bad_character'],
  ['trailing dot', latin1('example.com.'), 'dot_segment'],
  ['leading dot', latin1('.hidden.example.com'), 'dot_segment'],
  ['empty label', latin1('a..b.example.com'), 'dot_segment'],
  ['empty token (line starts with a space)', latin1(''), 'empty'],
];

/** Accepted tokens and the directory each must get (ASCII lowercased). */
const VALID_TOKENS: ReadonlyArray<readonly [string, string]> = [
  ['ok.example.com', 'ok.example.com'],
  ['Valid-1.Example.ORG', 'valid-1.example.org'],
  ['xn--80ak6aa92e.com', 'xn--80ak6aa92e.com'],
  ['under_score.example.com', 'under_score.example.com'],
  [LONGEST_NAME, LONGEST_NAME],
];

describe('collector engine - hostile vhosts', () => {
  it('hostile vhosts - a valid name too long for one file name under the template goes to the catch-all, not to a file that can never open', async () => {
    const { engine, counters } = start(splitConfig(root, { path: '{vhost}.access.log' }));
    engine.deliver(['www'], latin1(`${LONGEST_NAME} GET /long\nshort.example.com GET /short\n`));
    await engine.flush();
    await engine.close();
    expect(await fileLines(join(root, '_catchall', 'access.log'))).toEqual([`${LONGEST_NAME} GET /long`]);
    expect(await fileLines(join(root, 'short.example.com.access.log'))).toEqual(['GET /short']);
    expect(counters().catchAllLines.too_long).toBe(1);
    expect(engine.fileStats().openFailures).toBe(0);
  });

  it('hostile vhosts - every unsafe token goes whole to the catch-all, counted by reason, and nothing is created outside the root', async () => {
    const passwdBefore = await stat('/etc/passwd');
    const before = await listTree(base);
    const { engine, counters } = start(splitConfig(root));
    const catchAll: Buffer[] = [];
    const expectedReasons: Partial<Record<CatchAllReason, number>> = {};
    const validLines = new Map<string, string[]>();
    for (let round = 0; round < 3; round++) {
      const lines: Array<{ readonly bytes: Buffer; readonly reason: CatchAllReason | null; readonly dir?: string }> = [];
      for (const [label, token, reason] of HOSTILE_TOKENS) lines.push({ bytes: Buffer.concat([token, latin1(` GET /${round} ${label}\n`)]), reason });
      lines.push({ bytes: latin1(`no-space-at-all-${round}\n`), reason: 'no_separator' });
      for (const [token, dir] of VALID_TOKENS) lines.push({ bytes: latin1(`${token} valid ${round}\n`), reason: null, dir });
      // Hostile and valid lines interleaved in one body, in an order of their own each round.
      const mixed = shuffled(lines, round + 1);
      for (const line of mixed) {
        if (line.reason === null) validLines.set(line.dir as string, [...(validLines.get(line.dir as string) ?? []), `valid ${round}`]);
        else {
          catchAll.push(line.bytes);
          expectedReasons[line.reason] = (expectedReasons[line.reason] ?? 0) + 1;
        }
      }
      engine.deliver(['www'], Buffer.concat(mixed.map((line) => line.bytes)));
      await engine.flush();
    }
    await engine.close();

    expect((await readFile(join(root, '_catchall', 'access.log'))).equals(Buffer.concat(catchAll))).toBe(true);
    for (const [dir, lines] of validLines) expect(await fileLines(join(root, dir, 'access.log')), dir).toEqual(lines);
    const reasons = counters().catchAllLines;
    for (const reason of Object.keys(reasons) as CatchAllReason[]) expect(reasons[reason], reason).toBe(expectedReasons[reason] ?? 0);
    expect(counters().vhosts).toBe(VALID_TOKENS.length);
    expect(engine.fileStats().openFailures).toBe(0);

    const after = await listTree(base);
    expect(changesOutsideRoot(before, after)).toEqual([]);
    // The root holds the catch-all and the valid vhosts' directories, each with its file, and nothing else.
    const rootTree = await listTree(root);
    const dirs = ['_catchall', ...VALID_TOKENS.map(([, dir]) => dir)];
    expect([...rootTree.keys()].sort()).toEqual(dirs.flatMap((dir) => [dir, join(dir, 'access.log')]).sort());
    for (const dir of dirs) {
      expect(rootTree.get(dir)).toBe('dir');
      expect(rootTree.get(join(dir, 'access.log'))).toMatch(/^file [1-9]\d*$/);
    }
    const passwdAfter = await stat('/etc/passwd');
    expect([passwdAfter.size, passwdAfter.mtimeMs]).toEqual([passwdBefore.size, passwdBefore.mtimeMs]);
  });

  it('symlinks - links planted in the tree are refused, nothing outside is written, and the kept lines land once they are gone', async () => {
    const outsideDir = join(base, 'outside-dir');
    const outsideFile = join(base, 'outside-file.log');
    const neverCreated = join(base, 'never-created.log');
    await mkdir(outsideDir);
    await writeFile(outsideFile, '');
    await mkdir(join(root, 'ok.example.com'), { recursive: true });
    await mkdir(join(root, 'dangling.example.com'));
    await symlink(outsideDir, join(root, 'evil.example.com'));
    await symlink(outsideFile, join(root, 'ok.example.com', 'access.log'));
    await symlink(neverCreated, join(root, 'dangling.example.com', 'access.log'));
    const targets = ['evil.example.com', 'ok.example.com', 'dangling.example.com'];

    const { engine } = start(splitConfig(root));
    const body = (round: number): Buffer => latin1([...targets, 'fine.example.com'].map((vhost) => `${vhost} GET /${round}\n`).join(''));
    engine.deliver(['www'], body(1));
    await engine.flush();
    engine.deliver(['www'], body(2));
    await engine.flush();

    expect(await readdir(outsideDir)).toEqual([]);
    expect(await readFile(outsideFile, 'latin1')).toBe('');
    await expect(stat(neverCreated)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(engine.fileStats().openFailures).toBeGreaterThanOrEqual(targets.length);
    expect(await fileLines(join(root, 'fine.example.com', 'access.log'))).toEqual(['GET /1', 'GET /2']);
    expect(engine.pendingBytes).toBeGreaterThan(0); // the refused lines are kept, not dropped

    await unlink(join(root, 'evil.example.com'));
    await unlink(join(root, 'ok.example.com', 'access.log'));
    await unlink(join(root, 'dangling.example.com', 'access.log'));
    engine.deliver(['www'], body(3));
    await engine.flush();
    // Failed targets are retried from a flush once their backoff (500 ms, doubling) has passed.
    await vi.waitFor(
      async () => {
        await engine.flush();
        expect(engine.pendingBytes).toBe(0);
      },
      { timeout: 5000, interval: 200 },
    );
    for (const vhost of targets) expect(await fileLines(join(root, vhost, 'access.log')), vhost).toEqual(['GET /1', 'GET /2', 'GET /3']);
    expect(await fileLines(join(root, 'fine.example.com', 'access.log'))).toEqual(['GET /1', 'GET /2', 'GET /3']);
    expect(await readdir(outsideDir)).toEqual([]);
    expect(await readFile(outsideFile, 'latin1')).toBe('');
    await expect(stat(neverCreated)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(engine.fileStats().droppedLines).toBe(0);
  });
});

/** A body of random bytes, weighted so that spaces, newlines, dots, slashes and name letters are common. */
function randomBody(random: () => number): Buffer {
  const length = Math.floor(random() ** 2 * 1500);
  const bytes = Buffer.alloc(length);
  const nameBytes = latin1('abcXYZ019.-_');
  for (let index = 0; index < length; index++) {
    const pick = random();
    if (pick < 0.1) bytes[index] = 0x20;
    else if (pick < 0.16) bytes[index] = 0x0a;
    else if (pick < 0.19) bytes[index] = 0x2f;
    else if (pick < 0.21) bytes[index] = 0x5c;
    else if (pick < 0.6) bytes[index] = nameBytes[Math.floor(random() * nameBytes.length)] as number;
    else bytes[index] = Math.floor(random() * 256);
  }
  return bytes;
}

/** Every regular file under `dir`, as absolute paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const tree = await listTree(dir);
  return [...tree.entries()].filter(([, kind]) => kind.startsWith('file ')).map(([path]) => join(dir, path));
}

describe('collector engine - random bytes', () => {
  it('random bytes - 200 random bodies never throw, stay under the root, and every counted line is in a file', async ({ onTestFailed }) => {
    const seed = testSeed();
    onTestFailed(() => console.error(`collector engine random bytes failed with seed ${seed} (rerun with RINGLOG_SEED=${seed})`));
    const random = mulberry32(seed);
    const before = await listTree(base);
    const { engine, counters } = start(splitConfig(root, { split: ['max_vhosts: 300'] }));
    let deliveredNewlines = 0;
    for (let bodyIndex = 0; bodyIndex < 200; bodyIndex++) {
      const data = randomBody(random);
      deliveredNewlines += countNewlines(data);
      engine.deliver(['www'], data);
      if (bodyIndex % 10 === 9) await engine.flush();
    }
    await engine.close();

    const after = await listTree(base);
    expect(changesOutsideRoot(before, after)).toEqual([]);
    let writtenLines = 0;
    for (const file of await filesUnder(root)) writtenLines += countNewlines(await readFile(file));
    const { lines, emptyLines, catchAllLines, bucketLines } = counters();
    expect(writtenLines).toBe(lines);
    const catchAllTotal = Object.values(catchAllLines).reduce((sum, count) => sum + count, 0);
    expect(catchAllTotal + bucketLines.reduce((sum, count) => sum + count, 0)).toBe(lines);
    // Every line is either written or empty; a body's last line may lack its newline.
    expect(lines + emptyLines).toBeGreaterThanOrEqual(deliveredNewlines);
    expect(lines + emptyLines).toBeLessThanOrEqual(deliveredNewlines + 200);
    expect(engine.fileStats().openFailures).toBe(0);
    expect(engine.fileStats().droppedLines).toBe(0);
    // Every directory the engine made is the catch-all's or a name that passed the allow-list.
    for (const name of await readdir(root)) {
      if (name === '_catchall') continue;
      expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$/);
    }
  });
});
