import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigReadError, ConfigValidationError, detectConfigFormat, loadDaemonConfig } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringlog-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const SPREAD = 'Spread_Segment 127.0.0.255:4803 {\n  localhost 127.0.0.1 { D 127.0.0.1 C 127.0.0.1 }\n  other 127.0.0.2\n}\nRinglogKeyFile = segment.key\n';

describe('load daemon config - format', () => {
  it('load daemon config - spread.conf by .conf name or by a Spread_Segment token, else YAML', () => {
    expect(detectConfigFormat('/etc/spread/spread.conf', '')).toBe('spread.conf');
    expect(detectConfigFormat('/etc/ringlog/config', SPREAD)).toBe('spread.conf');
    expect(detectConfigFormat('/etc/x', '# comment\n\tSpread_Segment{')).toBe('spread.conf');
    expect(detectConfigFormat('/etc/ringlog/ringlogd.yaml', 'daemon: {}')).toBe('yaml');
    expect(detectConfigFormat('/etc/ringlog/ringlogd.yaml', 'Spread_Segment_x: 1\nSpread_Segment: 2')).toBe('yaml');
  });

  it('load daemon config - a YAML file', async () => {
    const loaded = await loadDaemonConfig(write('a.yaml', 'daemon:\n  name: solo\n'));
    expect(loaded.format).toBe('yaml');
    expect(loaded.config.daemon.name).toBe('solo');
    expect(loaded.warnings).toEqual([]);
  });

  it('load daemon config - daemonName overrides daemon.name in YAML, and is validated', async () => {
    const path = write('b.yaml', 'daemon:\n  name: solo\n');
    expect((await loadDaemonConfig(path, { daemonName: 'other' })).config.daemon.name).toBe('other');
    await expect(loadDaemonConfig(path, { daemonName: 'bad name' })).rejects.toThrow(/daemon\.name: must be 1\.\.19/);
  });

  it('load daemon config - a spread.conf without the .conf suffix, selected by name', async () => {
    const loaded = await loadDaemonConfig(write('spread-config', SPREAD), { daemonName: 'localhost' });
    expect(loaded.format).toBe('spread.conf');
    expect(loaded.config.daemon.listen).toEqual(['tcp:127.0.0.1:4803', 'unix:/tmp/4803']);
    expect(loaded.config.segment?.key_file).toBe(join(dir, 'segment.key'));
    expect(loaded.warnings.map((warning) => warning.message)).toEqual(['segment address 127.0.0.255 is a loopback address: only daemons on this host can join']);
  });

  it('load daemon config - a spread.conf selected by this host\'s addresses (127.0.0.1 is always local)', async () => {
    const loaded = await loadDaemonConfig(write('local.conf', SPREAD));
    expect(loaded.config.daemon.name).toBe('localhost');
  });

  it('load daemon config - a relative segment.key_file in YAML resolves against the file\'s directory', async () => {
    const yaml = 'daemon: { name: a }\nsegment:\n  addresses: [10.0.0.255]\n  key_file: keys/segment.key\n  daemons: [{ name: a, address: 10.0.0.1 }, { name: b, address: 10.0.0.2 }]\n';
    const loaded = await loadDaemonConfig(write('keyed.yaml', yaml));
    expect(loaded.config.segment?.key_file).toBe(join(dir, 'keys', 'segment.key'));
    expect((await loadDaemonConfig(join(dir, 'keyed.yaml'), { daemonName: 'b' })).config.segment?.key_file).toBe(join(dir, 'keys', 'segment.key'));
  });

  it('load daemon config - segmentKeyFile gives a spread.conf without RinglogKeyFile its key', async () => {
    const path = write('upstream.conf', SPREAD.replace('RinglogKeyFile = segment.key\n', ''));
    await expect(loadDaemonConfig(path, { daemonName: 'localhost' })).rejects.toThrow(/segment\.key_file is required when the segment has more than one daemon/);
    const loaded = await loadDaemonConfig(path, { daemonName: 'localhost', segmentKeyFile: '/etc/ringlog/segment.key' });
    expect(loaded.config.segment?.key_file).toBe('/etc/ringlog/segment.key');
  });

  it('load daemon config - problems carry the file path', async () => {
    const path = write('bad.yaml', 'daemon:\n  colour: red\n');
    const error = await loadDaemonConfig(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems[0]).toMatchObject({ file: path, line: 2, column: 3 });
  });

  it('load daemon config - missing file, a directory, and an oversized file are read errors', async () => {
    await expect(loadDaemonConfig(join(dir, 'missing.yaml'))).rejects.toThrow(ConfigReadError);
    mkdirSync(join(dir, 'sub'));
    await expect(loadDaemonConfig(join(dir, 'sub'))).rejects.toThrow(/not a regular file/);
    const big = write('big.yaml', `# ${'x'.repeat(1_048_577)}\n`);
    await expect(loadDaemonConfig(big)).rejects.toThrow(/more than a config file may hold/);
  });
});
