/**
 * Hostile input for the collector's two config readers: each must return or throw a ConfigError
 * with located problems (never another exception, never hang) whatever it is given.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigValidationError, parseCollectorConfigYaml, parseSpreadlogdConf, spreadlogdConfToCollectorConfig } from '../src/index.ts';
import { PROBLEMS_REPORTED_MAX } from '../src/internal.ts';
import { problemsOf, seededRandom } from './helpers.ts';

const read = (name: string): string => readFileSync(new URL(`../../../config/${name}`, import.meta.url), 'utf8');
const SAMPLE = read('spreadlogd.conf.sample');
const MIGRATION = read('spreadlogd.conf');
const COLLECTOR_YAML = read('collector.yaml');

/** Runs `run`; fails the test unless it returns or throws a ConfigError (validation problems located from 1). */
function survives(run: () => unknown, label: string): 'ok' | 'invalid' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      for (const problem of error.problems) {
        expect(problem.line, label).toBeGreaterThanOrEqual(1);
        expect(problem.column, label).toBeGreaterThanOrEqual(1);
        expect(problem.message.length, label).toBeLessThan(600);
      }
      return 'invalid';
    }
    if (error instanceof ConfigError) return 'invalid';
    throw new Error(`${label}: threw ${String(error)}`, { cause: error });
  }
}

const spreadlogd = (text: string, spreadlogdBlock?: number) => () =>
  spreadlogdConfToCollectorConfig(parseSpreadlogdConf(text, 'hostile.conf'), { baseDir: '/srv', ...(spreadlogdBlock === undefined ? {} : { spreadlogdBlock }) });
const yaml = (text: string) => () => parseCollectorConfigYaml(text, 'hostile.yaml');

function randomText(random: () => number, alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    text += random() < 0.15 ? String.fromCharCode(Math.floor(random() * 0x10000)) : alphabet.charAt(Math.floor(random() * alphabet.length));
  }
  return text;
}

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

describe('collector hostile input - spreadlogd.conf', () => {
  it('collector hostile input - the sample truncated at every offset', () => {
    const outcomes = { ok: 0, invalid: 0 };
    for (let length = 0; length <= SAMPLE.length; length += 1) {
      outcomes[survives(spreadlogd(SAMPLE.slice(0, length), 0), `sample truncated at ${length}`)] += 1;
    }
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.invalid).toBeGreaterThan(0);
    expect(survives(spreadlogd(SAMPLE, 1), 'whole sample')).toBe('ok');
  });

  it('collector hostile input - the migration example truncated at every offset', () => {
    let invalid = 0;
    for (let length = 0; length <= MIGRATION.length; length += 1) {
      if (survives(spreadlogd(MIGRATION.slice(0, length)), `truncated at ${length}`) === 'invalid') invalid += 1;
    }
    expect(invalid).toBeGreaterThan(0);
  });

  it('collector hostile input - 500 seeded random and mutated inputs', () => {
    const alphabet = ' \n\t{}={}#"\'|/.%[]^$0123456789abcxyz SpreadPortHostLogGroupFileVhostDirMatchRewriteTimestampCommonLogFormatBufferSize';
    for (let seed = 1; seed <= 500; seed += 1) {
      const random = seededRandom(seed);
      const text = seed % 2 === 0 ? randomText(random, alphabet, Math.floor(random() * 300)) : mutate(random, MIGRATION, alphabet);
      survives(spreadlogd(text), `seed ${seed}`);
    }
  });

  it('collector hostile input - random bytes', () => {
    for (let seed = 1; seed <= 100; seed += 1) {
      const random = seededRandom(seed * 7919);
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)));
      survives(spreadlogd(bytes.toString('latin1')), `bytes seed ${seed}`);
      survives(spreadlogd(bytes.toString('utf8')), `utf8 seed ${seed}`);
    }
  });

  it('collector hostile input - unbalanced braces', () => {
    for (const text of ['{', '}', '{{{', '}}}', 'Spread {', 'Spread }', 'Spread { Log {', 'Spread { Log { Group = a File = /a }', 'Spread { Log } }', 'Spread { } }', '{ Spread { Log { } } }', 'Spread { Log { { } }']) {
      expect(survives(spreadlogd(text), text)).toBe('invalid');
    }
  });

  it('collector hostile input - NUL bytes', () => {
    expect(survives(spreadlogd('\0'.repeat(1000)), 'NULs')).toBe('invalid');
    expect(problemsOf(spreadlogd('Spread { Log { Group = a File = "/a\0" } }'))[0]).toMatchObject({ line: 1, column: 36, message: 'control character U+0000' });
    expect(survives(spreadlogd(MIGRATION.replace('www-errors.log', 'www\0errors.log')), 'NUL in a path')).toBe('invalid');
  });

  it('collector hostile input - an oversized file is refused before parsing', () => {
    const problems = problemsOf(spreadlogd(`# ${'x'.repeat(1_048_577)}`));
    expect(problems).toEqual([{ file: 'hostile.conf', line: 1, column: 1, path: '(syntax)', message: 'the file is longer than a config file may be (1048576 characters)' }]);
  });

  it('collector hostile input - very long tokens give short messages', () => {
    const long = 'x'.repeat(1_000_000);
    for (const text of [
      `${long} = 1`,
      `Spread { Log { Group = ${long} File = /a } }`,
      `Spread { Log { Group = a File = /${long} } }`,
      `Spread { Log { Group = a File = /a Match = "${long}" } }`,
      `Spread { Port = ${long} Log { Group = a File = /a } }`,
      `Spread { Log { Group = a File = /a RewriteTimestamp = "%${long}" } }`,
      `Spread { Log { Group = a File = "|${long}" } }`,
    ]) {
      expect(survives(spreadlogd(text), text.slice(0, 40))).toBe('invalid');
    }
    expect(survives(spreadlogd(`# ${long}\nSpread { Log { Group = a File = /a } }`), 'long comment')).toBe('ok');
  });

  it('collector hostile input - deep nesting and thousands of problems stay bounded', () => {
    expect(survives(spreadlogd(`Spread ${'{'.repeat(200_000)}${'}'.repeat(200_000)}`), 'nested braces')).toBe('invalid');
    expect(survives(spreadlogd('Spread { '.repeat(50_000)), 'nested Spread')).toBe('invalid');
    expect(problemsOf(spreadlogd('} '.repeat(10_000)))).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
    const logs = Array.from({ length: 5_000 }, (_, index) => `Log { Group = g${index} File = /l/${index % 2} }`).join('\n');
    const started = Date.now();
    expect(survives(spreadlogd(`Spread {\n${logs}\n}`), 'many logs')).toBe('invalid');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('collector hostile input - YAML', () => {
  it('collector hostile input - collector.yaml truncated at every seventh offset', () => {
    let ok = 0;
    for (let length = 0; length <= COLLECTOR_YAML.length; length += 7) {
      if (survives(yaml(COLLECTOR_YAML.slice(0, length)), `truncated at ${length}`) === 'ok') ok += 1;
    }
    expect(ok).toBeGreaterThan(0);
  });

  it('collector hostile input - 300 seeded random and mutated YAML inputs', () => {
    const alphabet = ' \n\t:-[]{},#&*!|>\'"%@`?0123456789abcxyz./{vhost}logsgroupsfilesplitmatch';
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = seededRandom(seed);
      const text = seed % 2 === 0 ? randomText(random, alphabet, Math.floor(random() * 300)) : mutate(random, COLLECTOR_YAML, alphabet);
      survives(yaml(text), `seed ${seed}`);
    }
  });

  it('collector hostile input - a catastrophic-looking pattern is only compiled, never run', () => {
    expect(survives(yaml('logs:\n  - { name: a, groups: [a], file: /a, match: ["(a+)+$"] }\n'), 'redos')).toBe('ok');
  });
});
