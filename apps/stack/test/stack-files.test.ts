import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCollectorConfig, loadDaemonConfig, loadShipperConfig } from '@ringlog/config';
import { makeTempDir } from '../../daemon/test/support/processes.ts';
import { ensureSegmentKey, prepareStackFiles, renderTemplate } from '../src/stack-files.ts';
import { stackLayout } from '../src/stack-layout.ts';

let dir: string;
let remove: () => Promise<void>;

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
});

afterEach(async () => {
  await remove();
});

describe('stack files', () => {
  it('stack files - the templates render into configs that the services accept, pointing at each other', async () => {
    const layout = stackLayout(dir);
    const files = prepareStackFiles(layout);
    expect(files.keyCreated).toBe(true);
    const d1 = await loadDaemonConfig(layout.segmentConf, { daemonName: 'd1' });
    expect(d1.config.segment?.daemons.map((daemon) => [daemon.name, daemon.port])).toEqual([['d1', 4901], ['d2', 4911], ['d3', 4921]]);
    const shipper = (await loadShipperConfig(layout.shipperConfig)).config;
    expect(shipper.shipper.daemon).toBe(path.join(dir, 'var/run/ringlog/d1.sock'));
    expect(shipper.shipper.state_dir).toBe(path.join(dir, 'var/lib/ringlog-shipper'));
    expect(shipper.admin.listen).toBe('127.0.0.1:9181');
    expect(shipper.inputs.map((input) => ('path' in input ? input.path : 'listen' in input ? input.listen : input.type))).toEqual([layout.accessSocket, layout.pipeSocket, '127.0.0.1:5140', '127.0.0.1:9182']);
    const collector = (await loadCollectorConfig(layout.collectorConfig)).config;
    expect(collector.collector.daemon).toBe('4921@127.0.0.1');
    expect(collector.admin.listen).toBe('127.0.0.1:9180');
    expect(collector.logs[0]).toMatchObject({ groups: ['www'], split: { root: path.join(dir, 'var/log/www'), path: '{vhost}/access.log' } });
  });

  it('stack files - an unknown placeholder is a template error naming it', () => {
    expect(() => renderTemplate('a {{dir}} b {{nope}}', { dir: '/x' }, 'shipper.yaml')).toThrow(/shipper\.yaml: unknown placeholder\(s\) \{\{nope\}\}/);
    expect(renderTemplate('a {{dir}} {vhost}', { dir: '/x' }, 'f')).toBe('a /x {vhost}');
  });

  it('stack files - the key is made once, mode 0600, kept afterwards, and made private again if it was not', async () => {
    const keyFile = path.join(dir, 'segment.key');
    expect(ensureSegmentKey(keyFile)).toBe(true);
    const key = await readFile(keyFile, 'utf8');
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    await chmod(keyFile, 0o644);
    expect(ensureSegmentKey(keyFile)).toBe(false);
    expect(await readFile(keyFile, 'utf8')).toBe(key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
  });

  it('stack files - a key file too short to use is reported, not replaced', async () => {
    const layout = stackLayout(dir);
    prepareStackFiles(layout);
    await writeFile(layout.keyFile, 'short\n');
    expect(() => prepareStackFiles(layout)).toThrow(expect.objectContaining({ code: 'RL_STACK_SEGMENT_KEY' }));
    expect(await readFile(layout.keyFile, 'utf8')).toBe('short\n');
  });
});
