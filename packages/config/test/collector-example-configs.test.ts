import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_SECTION_DEFAULTS,
  COLLECTOR_LOG_SECTION_DEFAULTS,
  COLLECTOR_SECTION_DEFAULTS,
  ConfigDaemonNotFoundError,
  loadCollectorConfig,
  OUTPUT_SECTION_DEFAULTS,
  parseCollectorConfigYaml,
  parseSpreadlogdConf,
  spreadlogdConfToCollectorConfig,
} from '../src/index.ts';
import { problemsOf } from './helpers.ts';

const configDirectory = new URL('../../../config/', import.meta.url);
const pathOf = (name: string): string => fileURLToPath(new URL(name, configDirectory));
const read = (name: string): string => readFileSync(new URL(name, configDirectory), 'utf8');
const configDirectoryPath = fileURLToPath(configDirectory).replace(/\/$/, '');

describe('collector example configs - config/', () => {
  it('collector example configs - collector.yaml shows every default and the two documented logs', async () => {
    const loaded = await loadCollectorConfig(pathOf('collector.yaml'));
    expect(loaded.format).toBe('yaml');
    expect(loaded.warnings).toEqual([]);
    const { config } = loaded;
    expect(config.collector).toEqual(COLLECTOR_SECTION_DEFAULTS);
    expect(config.admin).toEqual(ADMIN_SECTION_DEFAULTS);
    expect(config.log).toEqual(COLLECTOR_LOG_SECTION_DEFAULTS);
    expect(config.output).toEqual(OUTPUT_SECTION_DEFAULTS);
    expect(config.logs.map((log) => log.name)).toEqual(['www', 'www-errors']);
    expect(config.logs[0]).toMatchObject({
      groups: ['www'],
      split: { root: '/var/log/www', path: '{vhost}/access.log', strip_vhost: true },
      rewrite_timestamp: 'clf',
      rotate: { interval: '1d', size: '1G', compress: 'gzip', max_files: 30 },
    });
    expect(config.logs[1]).toMatchObject({ file: '/var/log/www-errors.log', unmatched_file: '/var/log/www-errors.other.log', rotate: { size: '100M' } });
  });

  it('collector example configs - spreadlogd.conf migrates to one collector', async () => {
    const loaded = await loadCollectorConfig(pathOf('spreadlogd.conf'));
    expect(loaded.format).toBe('spreadlogd');
    const { config, warnings } = loaded;
    expect(config.collector.daemon).toBe('4803');
    expect(config.logs.map((log) => [log.name, log.groups])).toEqual([
      ['www', ['www']],
      ['www-errors', ['www-errors']],
      ['api', ['api', 'api-canary']],
      ['audit', ['audit']],
    ]);
    expect(config.logs[0]).toMatchObject({ split: { root: '/var/log/www', path: '{vhost}', strip_vhost: true }, rewrite_timestamp: 'clf' });
    expect(config.logs[1]).toMatchObject({ file: '/var/log/www-errors.log', match: ['\\[(error|crit|alert|emerg)\\]'] });
    expect(config.logs[3]?.pipe).toBe('/usr/bin/logger -t web-audit');
    expect(warnings.map((warning) => warning.message)).toEqual([
      'BufferSize = 65536 is ignored: ringlog has no fixed message buffer (spreadlogd dropped longer messages; ringlog writes them whole)',
    ]);
  });

  it('collector example configs - spreadlogd.conf.sample names two daemons: one collector each', async () => {
    const path = pathOf('spreadlogd.conf.sample');
    await expect(loadCollectorConfig(path)).rejects.toThrow(ConfigDaemonNotFoundError);
    const first = await loadCollectorConfig(path, { spreadlogdBlock: 0 });
    expect(first.format).toBe('spreadlogd');
    expect(first.config.collector.daemon).toBe('3502@excalibur');
    expect(first.config.logs).toEqual([
      { name: 'omniti', groups: ['omniti'], file: `${configDirectoryPath}/omniti.log`, match: [], rewrite_timestamp: 'clf' },
    ]);
    expect(first.warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '11: BufferSize = 65536 is ignored: ringlog has no fixed message buffer (spreadlogd dropped longer messages; ringlog writes them whole)',
      `22: File "omniti.log" is relative: spreadlogd opened it from the directory it was started in; ringlog uses ${configDirectoryPath}/omniti.log (relative to ${configDirectoryPath})`,
      '26: the Spread block for daemon 3333 is ignored: this collector follows 3502@excalibur (run one collector per daemon)',
    ]);
    const second = await loadCollectorConfig(path, { spreadlogdBlock: 1, baseDir: '/var/log/sld' });
    expect(second.config.collector.daemon).toBe('3333');
    expect(second.config.logs.map((log) => [log.groups, log.file])).toEqual([[['test'], '/var/log/sld/testlog']]);
  });

  it('collector example configs - the commented blocks of spreadlogd.conf.sample, uncommented, show the shared-file limit', () => {
    const text = read('spreadlogd.conf.sample').replace(/^#(\t)/gm, '$1');
    const conf = parseSpreadlogdConf(text, 'sample');
    expect(conf.spreads[1]?.logs.map((log) => log.group?.text)).toEqual(['testing', 'fcibglobal', 'apache-0003', 'test']);
    const problems = problemsOf(() => spreadlogdConfToCollectorConfig(conf, { spreadlogdBlock: 1, baseDir: '/d' }));
    expect(problems.map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`)).toEqual([
      '43:10: Spread[1].Log[1].File: File "combined_log" is also written by the Log block on line 33 with different Match or RewriteTimestamp; ringlog writes one target from one log, so give both blocks the same Match and RewriteTimestamp, or separate targets',
    ]);
    const withoutMatch = text.replace(/^\t\tMatch = .*$/m, '');
    const { config } = spreadlogdConfToCollectorConfig(parseSpreadlogdConf(withoutMatch, 'sample'), { spreadlogdBlock: 1, baseDir: '/d' });
    expect(config.collector.daemon).toBe('3333@localhost');
    expect(config.logs.map((log) => [log.name, log.groups, log.file ?? log.split?.root])).toEqual([
      ['testing', ['testing', 'fcibglobal'], '/d/combined_log'],
      ['apache-0003', ['apache-0003'], '/vhostdata1'],
      ['test', ['test'], '/d/testlog'],
    ]);
  });

  it('collector example configs - collector.yaml parses the same from text', () => {
    expect(parseCollectorConfigYaml(read('collector.yaml'), 'collector.yaml').logs).toHaveLength(2);
  });
});
