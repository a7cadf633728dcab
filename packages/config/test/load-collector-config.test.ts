import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigReadError, ConfigValidationError, detectCollectorConfigFormat, loadCollectorConfig } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlog-collector-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const YAML = 'logs:\n  - name: www\n    groups: [www]\n    file: /var/log/www.log\n';
const SPREADLOGD = 'Spread {\n  Port = 4803\n  Log { Group = www File = www.log }\n}\n';

describe('load collector config - format', () => {
  it('load collector config - YAML by .yaml/.yml, spreadlogd.conf by .conf or by its syntax, else YAML', () => {
    expect(detectCollectorConfigFormat('/etc/ringlog/collector.yaml', SPREADLOGD)).toBe('yaml');
    expect(detectCollectorConfigFormat('/etc/ringlog/collector.YML', '')).toBe('yaml');
    expect(detectCollectorConfigFormat('/etc/spreadlogd.conf', '')).toBe('spreadlogd');
    expect(detectCollectorConfigFormat('/etc/spreadlogd.conf.sample', SPREADLOGD)).toBe('spreadlogd');
    expect(detectCollectorConfigFormat('/etc/collector', '# x\nSpread{')).toBe('spreadlogd');
    expect(detectCollectorConfigFormat('/etc/collector', 'BufferSize = 4\n')).toBe('spreadlogd');
    expect(detectCollectorConfigFormat('/etc/collector', YAML)).toBe('yaml');
    expect(detectCollectorConfigFormat('/etc/collector', 'Spreads: { }')).toBe('yaml');
  });

  it('load collector config - a YAML file', async () => {
    const loaded = await loadCollectorConfig(write('c.yaml', YAML));
    expect(loaded).toMatchObject({ format: 'yaml', warnings: [] });
    expect(loaded.config.logs[0]?.file).toBe('/var/log/www.log');
  });

  it('load collector config - a spreadlogd.conf, relative paths against its directory', async () => {
    const path = write('spreadlogd.conf', SPREADLOGD);
    const loaded = await loadCollectorConfig(path);
    expect(loaded.format).toBe('spreadlogd');
    expect(loaded.config.logs[0]?.file).toBe(join(dir, 'www.log'));
    expect(loaded.warnings).toHaveLength(1);
    expect((await loadCollectorConfig(path, { baseDir: '/var/log' })).config.logs[0]?.file).toBe('/var/log/www.log');
  });

  it('load collector config - problems carry the file path, line and column', async () => {
    const yamlPath = write('bad.yaml', 'logs:\n  - name: www\n    groups: [www]\n    file: rel.log\n');
    const yamlError = await loadCollectorConfig(yamlPath).catch((caught: unknown) => caught);
    expect(yamlError).toBeInstanceOf(ConfigValidationError);
    expect((yamlError as ConfigValidationError).problems[0]).toMatchObject({ file: yamlPath, line: 4, column: 11 });
    const confPath = write('bad.conf', 'Spread {\n  Log { Group = www }\n}\n');
    const confError = await loadCollectorConfig(confPath).catch((caught: unknown) => caught);
    expect((confError as ConfigValidationError).problems[0]).toMatchObject({ file: confPath, line: 2, column: 3 });
  });

  it('load collector config - missing file, a directory and an oversized file are read errors', async () => {
    await expect(loadCollectorConfig(join(dir, 'missing.yaml'))).rejects.toThrow(ConfigReadError);
    mkdirSync(join(dir, 'sub'));
    await expect(loadCollectorConfig(join(dir, 'sub'))).rejects.toThrow(/not a regular file/);
    const big = write('big.conf', `# ${'x'.repeat(1_048_577)}\n`);
    const error = await loadCollectorConfig(big).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigReadError);
    expect((error as ConfigReadError).message).toMatch(/more than a config file may hold/);
    expect((error as ConfigReadError).code).toBe('RL_CONFIG_READ_FAILED');
  });
});
