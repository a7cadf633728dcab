import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  BATCH_SECTION_DEFAULTS,
  ConfigReadError,
  ConfigValidationError,
  INPUT_TYPES,
  LINES_SECTION_DEFAULTS,
  loadShipperConfig,
  parseShipperConfigYaml,
  SHIPPER_ADMIN_SECTION_DEFAULTS,
  SHIPPER_INPUT_DEFAULTS,
  SHIPPER_LOG_SECTION_DEFAULTS,
  SHIPPER_SECTION_DEFAULTS,
  SPOOL_SECTION_DEFAULTS,
  UPSTREAM_SECTION_DEFAULTS,
} from '../src/index.ts';
import type { InputType } from '../src/index.ts';
import { problemsOf } from './helpers.ts';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../config/shipper.yaml', import.meta.url));
const EXAMPLE = readFileSync(EXAMPLE_PATH, 'utf8');
/** The example with its commented-out input blocks ("  #- type: ..." and "  #  key: ...") turned on. */
const UNCOMMENTED = EXAMPLE.replace(/^ {2}#([- ] )/gm, '  $1');

const SECTION_DEFAULTS = {
  shipper: SHIPPER_SECTION_DEFAULTS,
  admin: SHIPPER_ADMIN_SECTION_DEFAULTS,
  log: SHIPPER_LOG_SECTION_DEFAULTS,
  lines: LINES_SECTION_DEFAULTS,
  batch: BATCH_SECTION_DEFAULTS,
  upstream: UPSTREAM_SECTION_DEFAULTS,
  spool: SPOOL_SECTION_DEFAULTS,
};

/** The inputs as written in the file, before validation fills anything in. */
function writtenInputs(text: string): Record<string, unknown>[] {
  return (parseYaml(text) as { inputs: Record<string, unknown>[] }).inputs;
}

describe('shipper config example - config/shipper.yaml', () => {
  it('shipper config example - loads, and its sections are the defaults', async () => {
    const { config } = await loadShipperConfig(EXAMPLE_PATH);
    expect(config.shipper).toEqual(SHIPPER_SECTION_DEFAULTS);
    expect(config.admin).toEqual(SHIPPER_ADMIN_SECTION_DEFAULTS);
    expect(config.log).toEqual(SHIPPER_LOG_SECTION_DEFAULTS);
    expect(config.lines).toEqual(LINES_SECTION_DEFAULTS);
    expect(config.batch).toEqual(BATCH_SECTION_DEFAULTS);
    expect(config.upstream).toEqual(UPSTREAM_SECTION_DEFAULTS);
    expect(config.spool).toEqual(SPOOL_SECTION_DEFAULTS);
    expect(config.inputs.map((input) => [input.type, input.name])).toEqual([
      ['unix', 'www'],
      ['syslog_unix_dgram', 'nginx'],
      ['file', 'www-errors'],
    ]);
    expect(parseShipperConfigYaml(EXAMPLE, 'shipper.yaml')).toEqual(config);
  });

  it('shipper config example - every section setting is written out with its default', () => {
    const written = parseYaml(EXAMPLE) as Record<string, unknown>;
    for (const [section, defaults] of Object.entries(SECTION_DEFAULTS)) expect(written[section], section).toEqual(defaults);
  });

  it('shipper config example - every input type is shown, each with every default of its type written out', () => {
    const inputs = writtenInputs(UNCOMMENTED);
    expect(new Set(inputs.map((input) => input['type']))).toEqual(new Set(INPUT_TYPES));
    for (const input of inputs) {
      const type = input['type'] as InputType;
      for (const [key, value] of Object.entries(SHIPPER_INPUT_DEFAULTS[type])) expect(input[key], `${type}.${key}`).toEqual(value);
    }
  });

  it('shipper config example - the commented inputs are valid once shipper.daemon leaves 4803 to the spread input', () => {
    const problems = problemsOf(() => parseShipperConfigYaml(UNCOMMENTED, 'shipper.yaml'));
    expect(problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      'inputs[10].listen: unix socket /tmp/4803 is where shipper.daemon ("4803") connects, so the shipper would send its lines to itself; point shipper.daemon at another daemon (e.g. "4804", "4803@logbox" or "embedded")',
    ]);
    const config = parseShipperConfigYaml(UNCOMMENTED.replace('daemon: "4803"', 'daemon: "4804"'), 'shipper.yaml');
    expect(config.inputs.map((input) => input.type)).toEqual(['unix', 'syslog_unix_dgram', 'file', 'unix_dgram', 'syslog_unix', 'pipe', 'tcp', 'syslog_tcp', 'syslog_udp', 'http', 'spread']);
  });
});

describe('shipper config example - loadShipperConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-shipper-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('load shipper config - problems carry the file path, line and column', async () => {
    const path = write('bad.yaml', 'inputs:\n  - type: unix\n    group: www\n    path: rel.sock\n');
    const error = await loadShipperConfig(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      { file: path, line: 4, column: 11, path: 'inputs[0].path', message: 'must be an absolute path (got "rel.sock")' },
    ]);
  });

  it('load shipper config - a missing file, a directory and an oversized file are read errors', async () => {
    await expect(loadShipperConfig(join(dir, 'missing.yaml'))).rejects.toThrow(ConfigReadError);
    await expect(loadShipperConfig(dir)).rejects.toThrow(/not a regular file/);
    const error = await loadShipperConfig(write('big.yaml', `# ${'x'.repeat(1_048_577)}\n`)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigReadError);
    expect((error as ConfigReadError).code).toBe('RL_CONFIG_READ_FAILED');
  });
});
