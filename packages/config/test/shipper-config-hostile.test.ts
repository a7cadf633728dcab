/**
 * Hostile input for the shipper's config reader: it must return a config or throw a
 * ConfigValidationError with located problems (never another exception, never hang) whatever it
 * is given.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, parseShipperConfigYaml, shipperConfigFromValue, YAML_ALIAS_EXPANSIONS_MAX } from '../src/index.ts';
import { PROBLEMS_REPORTED_MAX } from '../src/internal.ts';
import { problemsOf, seededRandom } from './helpers.ts';

const EXAMPLE = readFileSync(new URL('../../../config/shipper.yaml', import.meta.url), 'utf8');

/** Runs `run`; fails the test unless it returns or throws a ConfigValidationError with located, short problems. */
function survives(run: () => unknown, label: string): 'ok' | 'invalid' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw new Error(`${label}: threw ${String(error)}`, { cause: error });
    for (const problem of error.problems) {
      expect(problem.line, label).toBeGreaterThanOrEqual(1);
      expect(problem.column, label).toBeGreaterThanOrEqual(1);
      // YAML syntax messages come from the yaml library and may quote a long token (see the report).
      if (problem.path !== '(yaml)') expect(problem.message.length, label).toBeLessThan(600);
    }
    return 'invalid';
  }
}

const yaml = (text: string) => () => parseShipperConfigYaml(text, 'hostile.yaml');

/** `path: message` of every problem. */
function paths(text: string): string[] {
  return problemsOf(yaml(text)).map((problem) => `${problem.path}: ${problem.message}`);
}

const INPUT = 'inputs:\n  - { type: unix, group: g, path: /run/a.sock }\n';

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

/** Every setting of the file, as `section.key: value` lines to put in a config. */
const SECTION_SETTINGS: readonly (readonly [string, string])[] = [
  ['shipper', 'name'],
  ['shipper', 'daemon'],
  ['shipper', 'embedded_config'],
  ['shipper', 'embedded_name'],
  ['shipper', 'reconnect_initial_delay_ms'],
  ['shipper', 'reconnect_max_delay_ms'],
  ['shipper', 'service'],
  ['shipper', 'state_dir'],
  ['admin', 'listen'],
  ['log', 'level'],
  ['log', 'file'],
  ['lines', 'max_bytes'],
  ['lines', 'overlong'],
  ['batch', 'max_bytes'],
  ['batch', 'max_delay_ms'],
  ['upstream', 'window_bytes'],
  ['upstream', 'memory_max_bytes'],
  ['spool', 'max_bytes'],
  ['spool', 'segment_bytes'],
  ['spool', 'on_full'],
  ['spool', 'fsync_interval_ms'],
];

/** An input of each type with every one of its settings, for per-setting hostile values. */
const FULL_INPUTS: readonly string[] = [
  'type: tcp, name: t, group: g, vhost_buckets: 0, listen: "127.0.0.1:1", framing: auto, max_connections: 1, idle_timeout_ms: 0',
  'type: unix, name: u, group: g, vhost_buckets: 0, path: /run/u.sock, mode: "0600", max_connections: 1, idle_timeout_ms: 0',
  'type: file, name: f, group: g, vhost_buckets: 0, paths: [/a], start_at: end, checkpoint_interval_ms: 1',
  'type: http, name: h, group: g, vhost_buckets: 0, listen: "127.0.0.1:2", body_max_bytes: 1',
  'type: spread, name: s, group: g, vhost_buckets: 0, listen: "4900", max_connections: 1',
];

/** Each setting of each full input with `value` in its place. */
function inputsWithEverySetting(value: string): { label: string; text: string }[] {
  return FULL_INPUTS.flatMap((input) =>
    input.split(', ').map((setting, index, settings) => {
      const key = setting.slice(0, setting.indexOf(':'));
      const changed = settings.map((other, otherIndex) => (otherIndex === index ? `${key}: ${value}` : other)).join(', ');
      return { label: `${settings[0]} ${key}`, text: `inputs:\n  - { ${changed} }\n` };
    }),
  );
}

describe('shipper config hostile input - wrong values everywhere', () => {
  it('shipper config hostile input - a wrong type at every setting is located at that setting', () => {
    for (const value of ['[1, 2]', '{ a: 1 }', 'true', 'null']) {
      for (const [section, key] of SECTION_SETTINGS) {
        const found = paths(`${section}:\n  ${key}: ${value}\n${INPUT}`);
        expect(found.length, `${section}.${key} ${value}`).toBeGreaterThan(0);
        expect(found.every((line) => line.startsWith(`${section}.${key}: `)), `${section}.${key} ${value}: ${found.join('; ')}`).toBe(true);
      }
      for (const { label, text } of inputsWithEverySetting(value)) {
        const key = label.slice(label.lastIndexOf(' ') + 1);
        const found = paths(text);
        expect(found.length, label).toBeGreaterThan(0);
        expect(found.some((line) => line.startsWith(`inputs[0].${key}`)), `${label} ${value}: ${found.join('; ')}`).toBe(true);
      }
    }
  });

  it('shipper config hostile input - whole sections of the wrong type', () => {
    for (const section of ['shipper', 'admin', 'log', 'lines', 'batch', 'upstream', 'spool']) {
      expect(paths(`${section}: [a]\n${INPUT}`), section).toEqual([`${section}: must be a mapping (got a list)`]);
      expect(paths(`${section}: 5\n${INPUT}`), section).toEqual([`${section}: must be a mapping (got 5)`]);
    }
    expect(paths('inputs: { type: unix }\n')).toEqual(['inputs: must be a list (got a mapping)']);
    expect(paths('- a\n- b\n')).toEqual(['(root): must be a mapping (got a list)']);
    expect(paths('just text\n')).toEqual(['(root): must be a mapping (got "just text")']);
  });

  it('shipper config hostile input - unknown keys at every level', () => {
    const text = [
      'shipper: { x: 1 }',
      'admin: { x: 1 }',
      'log: { x: 1 }',
      'lines: { x: 1 }',
      'batch: { x: 1 }',
      'upstream: { x: 1 }',
      'spool: { x: 1 }',
      'x: 1',
      'inputs:',
      ...FULL_INPUTS.map((input) => `  - { ${input}, x: 1 }`),
      '',
    ].join('\n');
    expect(paths(text)).toEqual([
      'shipper.x: unknown key',
      'admin.x: unknown key',
      'log.x: unknown key',
      'lines.x: unknown key',
      'batch.x: unknown key',
      'upstream.x: unknown key',
      'spool.x: unknown key',
      'x: unknown key',
      'inputs[0].x: unknown key',
      'inputs[1].x: unknown key',
      'inputs[2].x: unknown key',
      'inputs[3].x: unknown key',
      'inputs[4].x: unknown key',
    ]);
  });

  it('shipper config hostile input - __proto__ and odd keys are unknown keys, and pollute nothing', () => {
    const found = paths('shipper:\n  __proto__: { polluted: 1 }\ninputs:\n  - { type: unix, group: g, path: /a, __proto__: { path: /b }, constructor: 1 }\n');
    expect(found).toEqual(['shipper.__proto__: unknown key', 'inputs[0].__proto__: unknown key', 'inputs[0].constructor: unknown key']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['path']).toBeUndefined();
  });

  it('shipper config hostile input - huge and odd numbers are range or type errors', () => {
    const values = ['99999999999999999999999999', '1e400', '-1e400', '.inf', '-.inf', '.nan', '0x7fffffffffffffffffff', '9007199254740993', '1.5', '-0.5'];
    const integers = SECTION_SETTINGS.filter(([, key]) => /_(ms|bytes)$/.test(key));
    for (const value of values) {
      for (const [section, key] of integers) {
        const found = paths(`${section}:\n  ${key}: ${value}\n${INPUT}`);
        expect(found.length, `${section}.${key} ${value}`).toBeGreaterThan(0);
        expect(found[0], `${section}.${key} ${value}`).toMatch(new RegExp(`^${section}\\.${key}: `));
      }
      for (const key of ['vhost_buckets', 'max_connections', 'idle_timeout_ms']) {
        expect(paths(`inputs:\n  - { type: unix, group: g, path: /a, ${key}: ${value} }\n`)[0], `${key} ${value}`).toMatch(new RegExp(`^inputs\\[0\\]\\.${key}: `));
      }
    }
    expect(survives(yaml(`shipper:\n  daemon: 99999999999999999999999999\n${INPUT}`), 'huge daemon')).toBe('invalid');
    expect(survives(yaml('inputs:\n  - { type: spread, listen: 1e400 }\n'), 'huge spread listen')).toBe('invalid');
  });

  it('shipper config hostile input - NUL bytes in every path', () => {
    const cases = [
      `shipper:\n  state_dir: "/var/\\0"\n${INPUT}`,
      `shipper:\n  embedded_config: "/e\\0"\n${INPUT}`,
      `shipper:\n  daemon: "/tmp/\\0"\n${INPUT}`,
      `log:\n  file: "/l\\0"\n${INPUT}`,
      'inputs:\n  - { type: unix, group: g, path: "/run/\\0.sock" }\n',
      'inputs:\n  - { type: syslog_unix_dgram, group: g, path: "/dev/log\\0" }\n',
      'inputs:\n  - { type: file, group: g, paths: ["/var/log/\\0*.log"] }\n',
      'inputs:\n  - { type: spread, listen: "unix:/run/\\0" }\n',
      'inputs:\n  - { type: tcp, group: g, listen: "127.0.0.1\\0:1" }\n',
      'inputs:\n  - { type: unix, group: "g\\0", path: /a }\n',
      'inputs:\n  - { type: unix, name: "n\\0", group: g, path: /a }\n',
      'inputs:\n  - { type: "unix\\0", group: g, path: /a }\n',
      `shipper:\n  name: a\0b\n${INPUT}`,
      '\0\0\0',
    ];
    for (const text of cases) expect(survives(yaml(text), JSON.stringify(text)), JSON.stringify(text)).toBe('invalid');
  });

  it('shipper config hostile input - relative paths are refused wherever a path goes', () => {
    expect(paths(`shipper:\n  state_dir: state\n${INPUT}`)).toEqual(['shipper.state_dir: must be an absolute path (got "state")']);
    expect(paths('inputs:\n  - { type: pipe, group: g, path: ./p.sock }\n')).toEqual(['inputs[0].path: must be an absolute path (got "./p.sock")']);
    expect(paths('inputs:\n  - { type: file, group: g, paths: ["*.log"] }\n')).toEqual(['inputs[0].paths[0]: must be an absolute path or glob (got "*.log")']);
    expect(paths('inputs:\n  - { type: spread, listen: "unix:p.sock" }\n')).toEqual(['inputs[0].listen: the unix socket path must be an absolute path (got "p.sock")']);
    expect(paths(`shipper:\n  daemon: "unix:tmp/4803"\n${INPUT}`)).toEqual(['shipper.daemon: unix socket path "tmp/4803" must be absolute']);
  });

  it('shipper config hostile input - duplicate names, paths and ports are located at the later input', () => {
    const text = [
      'inputs:',
      ...Array.from({ length: 3 }, () => '  - { type: unix, name: same, group: g, path: /run/same.sock }'),
      ...Array.from({ length: 2 }, () => '  - { type: syslog_udp, group: g, listen: "127.0.0.1:514" }'),
      ...Array.from({ length: 2 }, () => '  - { type: file, group: g, paths: [/same.log] }'),
      '',
    ].join('\n');
    expect(problemsOf(yaml(text)).map((problem) => `${problem.line}: ${problem.path}`)).toEqual([
      '3: inputs[1].name',
      '3: inputs[1].path',
      '4: inputs[2].name',
      '4: inputs[2].path',
      '6: inputs[4].listen',
      '8: inputs[6].paths[0]',
    ]);
  });

  it('shipper config hostile input - duplicate YAML keys are structure problems', () => {
    expect(paths('inputs:\n  - { type: unix, type: tcp, group: g, path: /a }\n')).toEqual(['(yaml): duplicate key "type" (first on line 2)']);
  });
});

describe('shipper config hostile input - size and shape', () => {
  it('shipper config hostile input - 65 inputs are refused; five thousand stay linear and bounded', () => {
    const inputs = (count: number) => Array.from({ length: count }, (_, index) => `  - { type: tcp, group: g, listen: "127.0.0.1:${index + 1}" }`).join('\n');
    expect(paths(`inputs:\n${inputs(65)}\n`)).toEqual(['inputs: must list at least one input (and at most 64) (got a list)']);
    const text = `inputs:\n${'  - { type: unix, group: g, path: /same.sock }\n'.repeat(5_000)}`;
    const started = Date.now();
    expect(survives(yaml(text), '5000 inputs')).toBe('invalid');
    const bad = `inputs:\n${'  - { type: nope }\n'.repeat(5_000)}`;
    expect(problemsOf(yaml(bad))).toHaveLength(PROBLEMS_REPORTED_MAX + 1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('shipper config hostile input - a file input with fifty thousand paths', () => {
    const text = `inputs:\n  - type: file\n    group: g\n    paths:\n${'      - /same.log\n'.repeat(50_000)}`;
    const started = Date.now();
    expect(paths(text)[0]).toBe('inputs[0].paths: must list 1..64 absolute paths or globs (got a list)');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('shipper config hostile input - very long values give short messages', () => {
    const long = 'x'.repeat(1_000_000);
    for (const text of [
      `shipper:\n  name: ${long}\n${INPUT}`,
      `shipper:\n  daemon: ${long}\n${INPUT}`,
      `shipper:\n  state_dir: /${long}\n${INPUT}`,
      `inputs:\n  - { type: unix, group: g, path: /${long} }\n`,
      `inputs:\n  - { type: tcp, group: g, listen: "${long}:1" }\n`,
      `inputs:\n  - { type: spread, listen: "unix:/${long}" }\n`,
      `inputs:\n  - { type: ${long} }\n`,
      `inputs:\n  - { type: unix, group: g, path: /a, ${long}: 1 }\n`,
    ]) {
      expect(survives(yaml(text), text.slice(0, 40))).toBe('invalid');
    }
    expect(survives(yaml(`# ${long}\n${INPUT}`), 'long comment')).toBe('ok');
  });

  it('shipper config hostile input - deeply nested YAML', () => {
    for (const depth of [100, 10_000]) {
      expect(survives(yaml(`inputs: ${'['.repeat(depth)}${']'.repeat(depth)}`), `flow depth ${depth}`)).toBe('invalid');
      expect(survives(yaml(`inputs:\n  - { type: unix, group: g, path: /a, mode: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)} }`), `map depth ${depth}`)).toBe('invalid');
      expect(survives(yaml(`inputs:\n  - { type: tcp, group: g, listen: ${'['.repeat(depth)}${']'.repeat(depth)} }`), `listen depth ${depth}`)).toBe('invalid');
    }
  });

  it('shipper config hostile input - an alias bomb is refused; a few aliases are fine', () => {
    expect(YAML_ALIAS_EXPANSIONS_MAX).toBeLessThanOrEqual(100);
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const current = String.fromCharCode(97 + level);
      levels.push(`${current}: &${current} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const problems = problemsOf(yaml(`${levels.join('\n')}\n${INPUT}`));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/alias/);
    const text = 'inputs:\n  - { type: file, group: &g www, paths: &p [/var/log/a.log] }\n  - { type: unix, group: *g, path: /run/a.sock }\n';
    expect(parseShipperConfigYaml(text, 'a.yaml').inputs[1]?.group).toBe('www');
    const reused = 'inputs:\n  - &i { type: unix, group: g, path: /run/a.sock }\n  - *i\n';
    expect(paths(reused)).toEqual(['inputs[1].path: unix socket /run/a.sock is also taken by inputs[0].path; each input needs its own']);
  });

  it('shipper config hostile input - several documents, tags and directives', () => {
    for (const text of [`${INPUT}---\n${INPUT}`, 'inputs: !!binary aGVsbG8=\n', `shipper: !custom {}\n${INPUT}`, `%YAML 9.9\n---\n${INPUT}`]) {
      expect(survives(yaml(text), text)).toBe('invalid');
    }
  });

  it('shipper config hostile input - shipperConfigFromValue takes any value', () => {
    const cyclic: Record<string, unknown> = { inputs: [] };
    cyclic['self'] = cyclic;
    for (const value of [undefined, null, 5, 'text', [], {}, { inputs: [null, 5, 'x', [], { type: 'unix' }] }, cyclic, { inputs: [{ type: 'tcp', group: 'g', listen: 5140n }] }]) {
      try {
        shipperConfigFromValue(value);
      } catch (error) {
        if (error instanceof ConfigValidationError) continue;
        throw error;
      }
      throw new Error(`accepted ${String(value)}`);
    }
  });
});

describe('shipper config hostile input - random and mutated text', () => {
  it('shipper config hostile input - the example truncated at every eleventh offset', () => {
    let ok = 0;
    for (let length = 0; length <= EXAMPLE.length; length += 11) {
      if (survives(yaml(EXAMPLE.slice(0, length)), `truncated at ${length}`) === 'ok') ok += 1;
    }
    expect(ok).toBeGreaterThan(0);
  });

  it('shipper config hostile input - 300 seeded random and mutated inputs', () => {
    const alphabet = ' \n\t:-[]{},#&*!|>\'"%@`?0123456789abcxyz./\\0inputstypeunixtcpspreadfilepathslistengroupvhost_buckets';
    const uncommented = EXAMPLE.replace(/^ {2}#([- ] )/gm, '  $1');
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = seededRandom(seed);
      const text = seed % 3 === 0 ? randomText(random, alphabet, Math.floor(random() * 300)) : mutate(random, seed % 3 === 1 ? EXAMPLE : uncommented, alphabet);
      survives(yaml(text), `seed ${seed}`);
    }
  });

  it('shipper config hostile input - random bytes', () => {
    for (let seed = 1; seed <= 60; seed += 1) {
      const random = seededRandom(seed * 7919);
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)));
      survives(yaml(bytes.toString('latin1')), `latin1 seed ${seed}`);
      survives(yaml(bytes.toString('utf8')), `utf8 seed ${seed}`);
    }
  });
});
