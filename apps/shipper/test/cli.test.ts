/** The ringlog-shipper command line: --help, --version, --check, and clear failures. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../daemon/test/support/processes.ts';
import { SHIPPER_OPTIONS, helpText } from '../src/cli-options.ts';
import { ShipperTracker } from './support/shipper-fixture.ts';

const tracker = new ShipperTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const { dir, remove } = await makeTempDir();
  cleanups.push(remove);
  return dir;
}

describe('ringlog-shipper command line', () => {
  it('help - names every option and what the shipper does', async () => {
    const shipper = tracker.shipper(['--help']);
    expect((await shipper.exit()).code).toBe(0);
    expect(shipper.stdout).toBe(`${helpText()}\n`);
    for (const option of SHIPPER_OPTIONS) expect(shipper.stdout).toContain(`--${option.name}`);
    expect(shipper.stdout).toMatch(/ONE session/);
  });

  it('check - prints the effective config with defaults and overrides, and exits 0', async () => {
    const dir = await tempDir();
    const shipper = tracker.shipper(['--check', '--daemon', '4803@logbox', '--state-dir', join(dir, 'state')]);
    expect((await shipper.exit()).code).toBe(0);
    const { source, config } = JSON.parse(shipper.stdout) as { source: string; config: { shipper: { daemon: string; state_dir: string; service: string }; inputs: { type: string }[] } };
    expect(source).toBe('built-in defaults');
    expect(config.shipper).toMatchObject({ daemon: '4803@logbox', state_dir: join(dir, 'state'), service: 'agreed' });
    expect(config.inputs.map((input) => input.type)).toEqual(['unix', 'tcp', 'syslog_udp', 'pipe', 'http']);
  });

  it('bad config - names the file, the line and the problem; exits 1', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'inputs:\n  - { type: unix, group: www }\n  - { type: carrier_pigeon, group: www }\n');
    const shipper = tracker.shipper(['--check', '-c', file]);
    expect((await shipper.exit()).code).toBe(1);
    expect(shipper.stderr).toContain(`${file}:2`);
    expect(shipper.stderr).toMatch(/path/);
    expect(shipper.stderr).toMatch(/carrier_pigeon|type/);
  });

  it('unknown option - exits 2 with a hint', async () => {
    const shipper = tracker.shipper(['--frobnicate']);
    expect((await shipper.exit()).code).toBe(2);
    expect(shipper.stderr).toMatch(/--help/);
  });

  it('busy input - a socket path someone listens on stops the start with a clear error, exit 1', async () => {
    const dir = await tempDir();
    const file = join(dir, 'shipper.yaml');
    const socket = join(dir, 'in.sock');
    const net = await import('node:net');
    const holder = net.createServer().listen(socket);
    cleanups.push(() => new Promise((resolve) => holder.close(() => resolve())));
    await writeFile(file, `shipper:\n  state_dir: ${JSON.stringify(join(dir, 'state'))}\nadmin:\n  listen: "127.0.0.1:0"\ninputs:\n  - { type: unix, path: ${JSON.stringify(socket)}, group: www }\n`);
    const shipper = tracker.shipper(['-c', file]);
    expect((await shipper.exit()).code).toBe(1);
    expect(shipper.stderr).toMatch(/unix-0/);
    expect(shipper.stderr).toContain(socket);
  });
});
