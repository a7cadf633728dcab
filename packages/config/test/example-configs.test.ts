import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultDaemonConfig,
  loadDaemonConfig,
  parseCollectorConfigYaml,
  parseDaemonConfigYaml,
  parseShipperConfigYaml,
  parseSpreadConf,
  RING_SECTION_DEFAULTS,
  RING_TIMEOUT_DEFAULTS_MS,
  ringTimeoutsFromConfig,
  segmentDaemonPort,
  spreadConfToDaemonConfig,
} from '../src/index.ts';

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
    expect(config.segment?.daemons[1]?.port).toBe(4803);
    expect(config.segment?.key_file).toBe('/etc/ringlog/segment.key');
    // The example shows the defaults of ring and of the ring's timeouts.
    expect(config.segment?.ring).toEqual(RING_SECTION_DEFAULTS);
    expect(ringTimeoutsFromConfig(config.segment)).toEqual(RING_TIMEOUT_DEFAULTS_MS);
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

  it('example configs - web-cluster-spread.conf loads for each box, given the segment key file', async () => {
    const path = new URL('web-cluster-spread.conf', configDirectory).pathname;
    // It has no RinglogKeyFile, so upstream Spread can read it too; the key file comes from the caller.
    await expect(loadDaemonConfig(path, { daemonName: 'box1' })).rejects.toThrow(/segment\.key_file is required/);
    for (const name of ['box1', 'box2', 'box3', 'box4', 'box5', 'lbox']) {
      const loaded = await loadDaemonConfig(path, { daemonName: name, segmentKeyFile: '/etc/ringlog/segment.key' });
      expect(loaded.config.daemon.name).toBe(name);
      expect(loaded.config.segment?.daemons).toHaveLength(6);
      expect(loaded.config.daemon.listen).toEqual(['tcp:127.0.0.1:4803', 'unix:/tmp/4803']);
    }
  });

  it('example configs - segment-3-local.conf: three daemons on 127.0.0.1, each on its own port', async () => {
    const path = new URL('segment-3-local.conf', configDirectory).pathname;
    for (const [name, port] of [['d1', 4901], ['d2', 4911], ['d3', 4921]] as const) {
      const loaded = await loadDaemonConfig(path, { daemonName: name });
      expect(loaded.config.daemon.listen).toEqual([`tcp:127.0.0.1:${port}`, `unix:/tmp/${port}`]);
      const segment = loaded.config.segment;
      expect(segment?.key_file).toBe(new URL('segment.key', configDirectory).pathname);
      expect(segment === undefined ? [] : segment.daemons.map((daemon) => segmentDaemonPort(segment, daemon))).toEqual([4901, 4911, 4921]);
      expect(segment?.ring.mode).toBe('auto');
      expect(loaded.warnings.map((warning) => warning.message)).toEqual(['segment address 127.0.0.255 is a loopback address: only daemons on this host can join']);
    }
  });
});

// config/stack/ holds templates with placeholders; apps/stack's tests fill them in and run them.
describe('example configs - deploy/config/ stays valid', () => {
  const readFrom = (directory: string, name: string): string => readFileSync(new URL(`../../../${directory}/${name}`, import.meta.url), 'utf8');

  it('deploy/config: the five-daemon segment, as spread.conf and as YAML, names the same daemons and a key', () => {
    const conf = spreadConfToDaemonConfig(parseSpreadConf(readFrom('deploy/config', 'spread.conf'), 'spread.conf'), { daemonName: 'box1' });
    const yaml = parseDaemonConfigYaml(readFrom('deploy/config', 'ringlogd.yaml'), 'ringlogd.yaml');
    const names = ['box1', 'box2', 'box3', 'lbox', 'lbox2'];
    expect(conf.config.segment?.daemons.map((daemon) => daemon.name)).toEqual(names);
    expect(yaml.segment?.daemons.map((daemon) => daemon.name)).toEqual(names);
    expect(conf.config.segment?.key_file).toBe('/etc/ringlog/segment.key');
    expect(yaml.segment?.key_file).toBe('/etc/ringlog/segment.key');
  });

  it('deploy/config: the shipper and collector examples parse', () => {
    expect(() => parseShipperConfigYaml(readFrom('deploy/config', 'shipper.yaml'), 'deploy/config/shipper.yaml')).not.toThrow();
    expect(() => parseCollectorConfigYaml(readFrom('deploy/config', 'collector.yaml'), 'deploy/config/collector.yaml')).not.toThrow();
  });
});
