/**
 * Hostile input for both parsers of outside bytes: each must return or throw a
 * ConfigValidationError (never another exception, never hang) whatever it is given.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConfigValidationError,
  parseDaemonConfigYaml,
  parseSpreadConf,
  spreadConfToDaemonConfig,
  YAML_ALIAS_EXPANSIONS_MAX,
} from '../src/index.ts';
import { PROBLEMS_REPORTED_MAX } from '../src/internal.ts';
import { problemsOf, seededRandom } from './helpers.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const EXAMPLE_YAML = readFileSync(new URL('../../../config/ringlogd.yaml', import.meta.url), 'utf8');
const EVERY_FEATURE = fixture('every-feature.conf');

/** Runs `run`; fails the test unless it returns or throws a ConfigValidationError. */
function survives(run: () => unknown, label: string): 'ok' | 'invalid' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      for (const problem of error.problems) {
        expect(problem.line, label).toBeGreaterThanOrEqual(1);
        expect(problem.column, label).toBeGreaterThanOrEqual(1);
      }
      return 'invalid';
    }
    throw new Error(`${label}: threw ${String(error)}`, { cause: error });
  }
}

const yaml = (text: string) => () => parseDaemonConfigYaml(text, 'hostile.yaml');
const spread = (text: string) => () => {
  const conf = parseSpreadConf(text, 'hostile.conf');
  try {
    spreadConfToDaemonConfig(conf, { localAddresses: ['1.2.3.5', '10.0.0.1'] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  return conf;
};

/** Random text biased towards each format's syntax characters. */
function randomText(random: () => number, alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    text += random() < 0.15 ? String.fromCharCode(Math.floor(random() * 0x10000)) : alphabet.charAt(Math.floor(random() * alphabet.length));
  }
  return text;
}

/** A valid file with random spans replaced by random text. */
function mutate(random: () => number, base: string, alphabet: string): string {
  let text = base;
  const edits = 1 + Math.floor(random() * 5);
  for (let edit = 0; edit < edits; edit += 1) {
    const at = Math.floor(random() * text.length);
    const cut = Math.floor(random() * 20);
    text = text.slice(0, at) + randomText(random, alphabet, Math.floor(random() * 12)) + text.slice(at + cut);
  }
  return text;
}

describe('hostile input - YAML daemon config', () => {
  it('hostile input - every truncation of a valid file', () => {
    for (let length = 0; length <= EXAMPLE_YAML.length; length += 7) survives(yaml(EXAMPLE_YAML.slice(0, length)), `truncated at ${length}`);
  });

  it('hostile input - 500 seeded random and mutated inputs', () => {
    const alphabet = ' \n\t:-[]{},#&*!|>\'"%@`?0123456789abcdefxyz.NULtcpunix/';
    for (let seed = 1; seed <= 500; seed += 1) {
      const random = seededRandom(seed);
      const text = seed % 2 === 0 ? randomText(random, alphabet, Math.floor(random() * 300)) : mutate(random, EXAMPLE_YAML, alphabet);
      survives(yaml(text), `seed ${seed}`);
    }
  });

  it('hostile input - unterminated quotes and brackets', () => {
    for (const text of ['daemon: { name: "abc', "daemon:\n  name: 'abc\n", 'daemon: [', 'daemon: {', 'log: {level: [info', '"', '{', '? [', '*a', '!!', '|\n  x\n y']) {
      expect(survives(yaml(text), text)).toBe('invalid');
    }
  });

  it('hostile input - huge numbers are range errors, not crashes', () => {
    for (const value of ['99999999999999999999999999', '1e400', '-1e400', '.inf', '.nan', '0x7fffffffffffffffffff', '0o777777777777777777777', '9007199254740993']) {
      const problems = problemsOf(yaml(`daemon:\n  session_queue_max_bytes: ${value}\n`));
      expect(problems[0]?.path, value).toBe('daemon.session_queue_max_bytes');
    }
  });

  it('hostile input - NUL bytes', () => {
    expect(survives(yaml('daemon:\n  name: "a\\0b"\n'), 'escaped NUL')).toBe('invalid');
    expect(survives(yaml('daemon:\n  name: a\0b\n'), 'raw NUL')).toBe('invalid');
    expect(survives(yaml('log:\n  file: "/tmp/a\\0b"\n'), 'NUL in path')).toBe('invalid');
    expect(survives(yaml('\0\0\0'), 'only NULs')).toBe('invalid');
  });

  it('hostile input - very long lines, keys and values', () => {
    const long = 'x'.repeat(1_000_000);
    expect(survives(yaml(`daemon:\n  name: ${long}\n`), 'long value')).toBe('invalid');
    const problems = problemsOf(yaml(`${long.slice(0, 100_000)}: 1\n`));
    expect(problems[0]).toMatchObject({ line: 1, path: '(yaml)' });
    expect(problems.every((problem) => problem.message.length < 200)).toBe(true);
    expect(survives(yaml(`# ${long}\ndaemon: {}\n`), 'long comment')).toBe('ok');
  });

  it('hostile input - deeply nested YAML', () => {
    for (const depth of [100, 1_000, 20_000]) {
      expect(survives(yaml(`daemon: ${'['.repeat(depth)}${']'.repeat(depth)}`), `flow depth ${depth}`)).toBe('invalid');
      expect(survives(yaml(`daemon: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`), `map depth ${depth}`)).toBe('invalid');
    }
    const block = Array.from({ length: 2_000 }, (_, index) => `${' '.repeat(index)}- `).join('\n');
    expect(survives(yaml(`log:\n${block}`), 'block depth')).toBe('invalid');
  });

  it('hostile input - an alias bomb is refused (maxAliasCount is bounded)', () => {
    expect(YAML_ALIAS_EXPANSIONS_MAX).toBeLessThanOrEqual(100);
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const current = String.fromCharCode(97 + level);
      levels.push(`${current}: &${current} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const problems = problemsOf(yaml(levels.join('\n')));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/alias/);
  });

  it('hostile input - a few aliases are fine', () => {
    const config = parseDaemonConfigYaml('daemon:\n  listen: &l [tcp:127.0.0.1:1]\n  name: a\n', 'a.yaml');
    expect(config.daemon.listen).toEqual(['tcp:127.0.0.1:1']);
  });

  it('hostile input - unknown keys, __proto__ and odd keys are rejected with their lines', () => {
    const problems = problemsOf(yaml('daemon:\n  __proto__: { polluted: 1 }\n  constructor: 1\n1: 2\n~: 3\n'));
    expect(problems.map((problem) => [problem.line, problem.path, problem.message])).toEqual([
      [2, 'daemon.__proto__', 'unknown key'],
      [3, 'daemon.constructor', 'unknown key'],
      [4, '["1"]', 'unknown key'],
      [5, '[""]', 'unknown key'],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('hostile input - collection keys and duplicate keys are structure problems, found in linear time', () => {
    expect(problemsOf(yaml('? [a, b]\n: 1\n'))).toEqual([
      { file: 'hostile.yaml', line: 1, column: 3, path: '(yaml)', message: 'keys must be plain scalars, not lists or mappings' },
    ]);
    const duplicates = Array.from({ length: 60_000 }, () => 'a: 1').join('\n');
    const started = Date.now();
    const problems = problemsOf(yaml(duplicates));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(problems[0]).toMatchObject({ line: 2, message: 'duplicate key "a" (first on line 1)' });
  });

  it('hostile input - a file over the size limit is refused before parsing', () => {
    expect(problemsOf(yaml(`# ${'x'.repeat(1_048_577)}`))[0]?.message).toMatch(/longer than a config file may be/);
    expect(problemsOf(() => parseSpreadConf(`# ${'x'.repeat(1_048_577)}`, 'big.conf'))[0]?.message).toMatch(/longer than a config file may be/);
  });

  it('hostile input - a hundred thousand bad list entries stay linear (no quadratic error lists)', () => {
    const text = `daemon:\n  listen:\n${'  - x\n'.repeat(100_000)}`;
    const started = Date.now();
    const problems = problemsOf(yaml(text));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(problems).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
  });

  it('hostile input - thousands of problems are capped, with a count of the rest', () => {
    const text = Array.from({ length: 5_000 }, (_, index) => `key${index}: ${index}`).join('\n');
    const problems = problemsOf(yaml(text));
    expect(problems).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
    expect(problems[PROBLEMS_REPORTED_MAX]?.message).toBe(`${5_000 - PROBLEMS_REPORTED_MAX} more problems not shown`);
  });

  it('hostile input - segment keys of the wrong shape are problems, not crashes', () => {
    const segment = (...lines: string[]): string => `daemon: { name: a }\nsegment:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
    const one = ['addresses: [10.0.0.255]', 'daemons: [{ name: a, address: 10.0.0.1 }]'];
    for (const body of [
      [...one, 'ring: 3'],
      [...one, 'ring: { mode: [multicast] }'],
      [...one, 'ring: { __proto__: { mode: multicast } }'],
      [...one, 'ring: { packet_bytes: 1e400 }'],
      [...one, 'key_file: { path: /k }'],
      [...one, 'key_file: null'],
      ['addresses: []', 'daemons: [{ name: a, address: 10.0.0.1 }]', 'ring: { mode: multicast }'],
      ['addresses: [10.0.0.255]', 'daemons: [{ name: a, address: 10.0.0.1, port: 99999999999999999999 }]'],
      ['addresses: [10.0.0.255]', 'key_file: k', 'daemons: [{ name: a, address: 10.0.0.1, port: [1] }, { name: b, address: 10.0.0.1, port: { p: 1 } }]'],
    ]) {
      expect(survives(yaml(segment(...body)), body.join('; '))).toBe('invalid');
    }
  });

  it('hostile input - several documents, tags and directives', () => {
    for (const text of ['daemon: {}\n---\nlog: {}\n', 'daemon: !!binary aGVsbG8=\n', 'daemon: !custom {}\n', '%YAML 9.9\n---\ndaemon: {}\n', 'daemon: !!js/function "x"\n']) {
      expect(survives(yaml(text), text)).toBe('invalid');
    }
  });
});

describe('hostile input - spread.conf', () => {
  it('hostile input - every truncation of a valid file', () => {
    let invalid = 0;
    for (let length = 0; length <= EVERY_FEATURE.length; length += 3) {
      if (survives(spread(EVERY_FEATURE.slice(0, length)), `truncated at ${length}`) === 'invalid') invalid += 1;
    }
    expect(invalid).toBeGreaterThan(0);
  });

  it('hostile input - 500 seeded random and mutated inputs', () => {
    const alphabet = ' \n\t{}[];:=!#"\'.%0123456789abcdefDCMx:Spread_Segment VirtualID ';
    for (let seed = 1; seed <= 500; seed += 1) {
      const random = seededRandom(seed);
      const text = seed % 2 === 0 ? randomText(random, alphabet, Math.floor(random() * 300)) : mutate(random, EVERY_FEATURE, alphabet);
      survives(spread(text), `seed ${seed}`);
    }
  });

  it('hostile input - unterminated braces and quotes', () => {
    for (const text of [
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 {',
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 { D',
      'Spread_Segment 10.0.0.255 {',
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nDebugFlags = { PRINT',
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nEventLogFile = "/var/log/x',
      "Spread_Segment 10.0.0.255 { 'a 10.0.0.1 }",
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nFrob = { { {',
      'Spread_Segment [::1',
      'Spread_Segment 10.0.0.255 { a 10.0.0.1 } }',
      '}}}}',
      '!',
      '[',
      ']',
    ]) {
      expect(survives(spread(text), text)).toBe('invalid');
    }
  });

  it('hostile input - huge numbers', () => {
    const base = 'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\n';
    for (const line of ['MaxSessionMessages = 99999999999999999999', 'Window = 1e400', 'VirtualID = 3']) {
      expect(survives(spread(base + line), line)).toBe('invalid');
    }
    expect(survives(spread('Spread_Segment 10.0.0.255:99999 { a 10.0.0.1 }'), 'port')).toBe('invalid');
    expect(survives(spread('Spread_Segment 10.0.0.255 { a 10.0.0.1 VirtualID = 9999999999 }'), 'vid')).toBe('invalid');
    expect(survives(spread('Spread_Segment 10.0.0.255 { a 10.0.0.1 VirtualID = 999999999 }'), 'max vid')).toBe('ok');
    expect(survives(spread('Spread_Segment 300.0.0.255 { a 10.0.0.1 }'), 'octet')).toBe('invalid');
  });

  it('hostile input - NUL bytes and control characters', () => {
    expect(problemsOf(spread('Spread_Segment 10.0.0.255 { a\0b 10.0.0.1 }'))[0]?.message).toBe('control character U+0000');
    expect(survives(spread('\0'.repeat(1000)), 'NULs')).toBe('invalid');
    expect(survives(spread('Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nEventLogFile = "/tmp/\0"'), 'quoted NUL')).toBe('ok');
    expect(survives(spread('\x1b[31mSpread_Segment'), 'escape sequence')).toBe('invalid');
  });

  it('hostile input - very long lines, names and comments', () => {
    const long = 'x'.repeat(1_000_000);
    const conf = parseSpreadConf(`Spread_Segment 10.0.0.255 { ${long} 10.0.0.1 }`, 'long.conf');
    expect(conf.segments[0]?.daemons[0]?.name).toHaveLength(19);
    expect(conf.warnings[0]?.message.length).toBeLessThan(300);
    expect(survives(spread(`# ${long}\nSpread_Segment 10.0.0.255 { a 10.0.0.1 }`), 'long comment')).toBe('ok');
    const problems = problemsOf(spread(`Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nMaxSessionMessages = ${long}`));
    expect(problems[0]?.message.length).toBeLessThan(300);
  });

  it('hostile input - deeply nested braces do not exhaust the stack', () => {
    expect(survives(spread(`Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nFrob = ${'{'.repeat(200_000)}${'}'.repeat(200_000)}`), 'nested unknown block')).toBe('ok');
    expect(survives(spread(`Spread_Segment 10.0.0.255 ${'{'.repeat(100_000)}`), 'nested segment')).toBe('invalid');
  });

  it('hostile input - tens of thousands of daemons on one address with clashing ports stay linear', () => {
    const daemons = Array.from({ length: 40_000 }, (_, index) => `d${index} 127.0.0.1:${(index % 30_000) + 1}`).join('\n');
    const started = Date.now();
    const problems = problemsOf(() => parseSpreadConf(`Spread_Segment 127.0.0.255 {\n${daemons}\n}`, 'ports.conf'));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(problems).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
    expect(problems[0]?.message).toMatch(/too many daemons|ports at least 2 apart/);
  });

  it('hostile input - RinglogKeyFile with odd values', () => {
    const base = 'Spread_Segment 10.0.0.255 { a 10.0.0.1 b 10.0.0.2 }\n';
    const cases: [string, 'ok' | 'invalid'][] = [
      ['RinglogKeyFile', 'invalid'],
      ['RinglogKeyFile =', 'invalid'],
      ['RinglogKeyFile = { }', 'invalid'],
      // The parser takes any string; the conversion (run by `spread`) refuses the bad ones.
      ['RinglogKeyFile = ""', 'ok'],
      [`RinglogKeyFile = "${'x'.repeat(10_000)}"`, 'ok'],
      ['RinglogKeyFile = "a\0b"', 'ok'],
    ];
    for (const [line, outcome] of cases) expect(survives(spread(base + line), line)).toBe(outcome);
  });

  it('hostile input - thousands of problems are capped; thousands of warnings too', () => {
    const problems = problemsOf(spread('} '.repeat(10_000)));
    expect(problems).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
    const conf = parseSpreadConf(`Spread_Segment 10.0.0.255 { a 10.0.0.1 }\n${'Unknown = 1\n'.repeat(10_000)}`, 'w.conf');
    expect(conf.warnings.length).toBeLessThanOrEqual(101);
  });
});
