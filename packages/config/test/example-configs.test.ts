import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultDaemonConfig, loadDaemonConfig, parseDaemonConfigYaml, parseSpreadConf, spreadConfToDaemonConfig } from '../src/index.ts';

const configDirectory = new URL('../../../config/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, configDirectory), 'utf8');

describe('example configs - config/', () => {
  it('example configs - ringlogd.yaml parses and shows exactly the defaults', () => {
    expect(parseDaemonConfigYaml(read('ringlogd.yaml'), 'ringlogd.yaml')).toEqual(defaultDaemonConfig());
  });

  it('example configs - the commented segment in ringlogd.yaml is valid once uncommented', () => {
    const text = read('ringlogd.yaml')
      .split('\n')
      .map((line) => line.replace(/^# (segment:| {2})/, '$1'))
      .join('\n')
      .replace('name: localhost', 'name: box1');
    const config = parseDaemonConfigYaml(text, 'ringlogd.yaml');
    expect(config.segment?.daemons.map((daemon) => daemon.name)).toEqual(['box1', 'box2']);
    expect(config.segment?.timeouts_ms?.token).toBe(1250);
  });

  it('example configs - spread.conf is a single-box segment with a loopback-only daemon', async () => {
    const conf = parseSpreadConf(read('spread.conf'), 'spread.conf');
    expect(conf.segments[0]?.daemons.map((daemon) => daemon.name)).toEqual(['localhost']);
    const { config } = spreadConfToDaemonConfig(conf, { daemonName: 'localhost' });
    expect(config.daemon.listen).toEqual(['tcp:127.0.0.1:4803', 'unix:/tmp/4803']);
    const loaded = await loadDaemonConfig(new URL('spread.conf', configDirectory).pathname);
    expect(loaded.format).toBe('spread.conf');
    expect(loaded.config.daemon.name).toBe('localhost');
  });

  it('example configs - web-cluster-spread.conf loads for each box', async () => {
    const path = new URL('web-cluster-spread.conf', configDirectory).pathname;
    for (const name of ['box1', 'box2', 'box3', 'box4', 'box5', 'lbox']) {
      const loaded = await loadDaemonConfig(path, { daemonName: name });
      expect(loaded.config.daemon.name).toBe(name);
      expect(loaded.config.segment?.daemons).toHaveLength(6);
      expect(loaded.config.daemon.listen).toEqual(['tcp:127.0.0.1:4803', 'unix:/tmp/4803']);
    }
  });
});
