// In-process: runDaemon and loadEffectiveConfig, what the ringlogd command does, on real sockets.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigDaemonNotFoundError, ConfigValidationError, DAEMON_SECTION_DEFAULTS, LOG_SECTION_DEFAULTS } from '@ringlog/config';
import { describeAddress } from '@ringlog/daemon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawClient } from '../../../packages/daemon/test/support/raw-client.ts';
import { daemonOptionsFromConfig, loadEffectiveConfig, runDaemon, type RunDaemonArgs, type RunningDaemon } from '../src/index.ts';
import { FIXTURES, makeTempDir, occupyPort, readSpreadConfFixture } from './support/processes.ts';

const SPREAD_CONF = path.join(FIXTURES, 'spread.conf');
const TEST_SEGMENT_KEY = path.join(FIXTURES, 'test-segment.key');
const BAD_YAML = path.join(FIXTURES, 'bad-config.yaml');

let dir: string;
let removeDir: () => Promise<void>;
const running: RunningDaemon[] = [];
const clients: RawClient[] = [];

beforeEach(async () => {
  ({ dir, remove: removeDir } = await makeTempDir());
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(running.splice(0).map((daemon) => daemon.stop('test over')));
  await removeDir();
});

/** runDaemon, silent unless the test says otherwise, stopped after the test. */
async function start(args: RunDaemonArgs): Promise<RunningDaemon> {
  const daemon = await runDaemon({ logLevel: 'silent', ...args });
  running.push(daemon);
  return daemon;
}

async function connect(daemon: RunningDaemon, kind: 'tcp' | 'unix', name: string): Promise<string> {
  const address = daemon.daemon.addresses.find((a) => a.kind === kind);
  if (address === undefined) throw new Error(`no ${kind} listener`);
  const client = await RawClient.open(address);
  clients.push(client);
  return client.handshake(name);
}

/** The reference spread.conf with its EventLogFile moved from /var/log into the temp dir. */
/**
 * The reference spread.conf, with box1 moved onto this host (its own UDP port, so the ring
 * socket binds here) and the test key: a segment of six where only box1 runs.
 */
async function spreadConfInTempDir(): Promise<{ file: string; log: string }> {
  const log = path.join(dir, 'spread.log');
  const file = path.join(dir, 'spread.conf');
  const { port, close } = await occupyPort();
  await close();
  const text = (await readSpreadConfFixture())
    .replace('/var/log/spread.log', log)
    .replace('box1 10.50.0.1 {', `box1 127.0.0.1:${port} {`)
    .replace('D 10.50.0.1\n', 'D 127.0.0.1\n');
  await writeFile(file, `${text}\nRinglogKeyFile = ${TEST_SEGMENT_KEY}\n`);
  return { file, log };
}

describe('loadEffectiveConfig', () => {
  it('config - no config file gives the built-in defaults', async () => {
    const { config, warnings, source } = await loadEffectiveConfig({});
    expect(source).toBe('built-in defaults');
    expect(warnings).toEqual([]);
    expect(config.daemon).toEqual(DAEMON_SECTION_DEFAULTS);
    expect(config.log).toEqual(LOG_SECTION_DEFAULTS);
    expect(config.segment).toBeUndefined();
  });

  it('config - -n without a config renames the built-in daemon', async () => {
    const { config } = await loadEffectiveConfig({ name: 'solo' });
    expect(config.daemon.name).toBe('solo');
    expect(config.daemon.listen).toEqual(DAEMON_SECTION_DEFAULTS.listen);
  });

  it('config - a bad YAML file fails with every problem at file:line:column', async () => {
    const error = await loadEffectiveConfig({ config: BAD_YAML }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('Invalid configuration (2 problems)');
    expect(message).toContain(`${BAD_YAML}:5:3: daemon.max_session: unknown key`);
    expect(message).toContain(`${BAD_YAML}:8:10: log.level:`);
  });

  it('config - a YAML syntax error names its line', async () => {
    const file = path.join(dir, 'syntax.yaml');
    await writeFile(file, 'daemon:\n  name: ok\n  listen: [tcp:127.0.0.1:0\n');
    await expect(loadEffectiveConfig({ config: file })).rejects.toThrow(new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+: `));
  });

  it('config - an unknown -n name fails and lists the daemons of the spread.conf', async () => {
    const error = await loadEffectiveConfig({ config: SPREAD_CONF, name: 'box9' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigDaemonNotFoundError);
    expect((error as Error).message).toBe(`${SPREAD_CONF}: daemon "box9" is not in the config (its daemons: box1, box2, box3, box4, box5, lbox)`);
  });

  it('config - the --check output: source, config and daemon options, as JSON', async () => {
    const args = { config: SPREAD_CONF, name: 'box1', listen: ['tcp:127.0.0.1:0'], segmentKeyFile: TEST_SEGMENT_KEY };
    const { config, warnings, source } = await loadEffectiveConfig(args);
    // What main prints for --check; it must survive JSON.
    const printed = JSON.parse(JSON.stringify({ source, config, daemon: daemonOptionsFromConfig(config, args.listen) })) as Record<string, unknown>;
    expect(printed).toMatchObject({
      source: `${SPREAD_CONF} (spread.conf)`,
      config: {
        daemon: { name: 'box1', listen: ['tcp:127.0.0.1:4803', 'unix:/tmp/4803'] },
        log: { file: '/var/log/spread.log' },
        segment: { port: 4803, addresses: ['10.50.0.255'], key_file: TEST_SEGMENT_KEY },
      },
      daemon: { name: 'box1', listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] },
    });
    expect(config.segment?.daemons.map((d) => d.name)).toEqual(['box1', 'box2', 'box3', 'box4', 'box5', 'lbox']);
    expect(warnings.map((w) => `${w.line}: ${w.message}`)).toEqual(['29: EventTimeStamp is a Spread setting that ringlog does not use; ignored']);
  });

  it('config - a spread.conf segment without a key is refused, naming the fix', async () => {
    await expect(loadEffectiveConfig({ config: SPREAD_CONF, name: 'box1' })).rejects.toThrow(/segment.key_file is required when the segment has more than one daemon/);
  });
});

describe('runDaemon', () => {
  it('run - built-in defaults with a listen override: daemon localhost on both listeners', async () => {
    const unix = path.join(dir, 'sock');
    const daemon = await start({ listen: ['tcp:127.0.0.1:0', `unix:${unix}`] });
    expect(daemon.daemon.options.name).toBe('localhost');
    const [tcp, socket] = daemon.daemon.addresses;
    expect(tcp?.kind === 'tcp' && tcp.port > 0).toBe(true);
    expect(socket).toEqual({ kind: 'unix', path: unix });
    expect(await connect(daemon, 'tcp', 'x')).toBe('#x#localhost');
    expect(await connect(daemon, 'unix', 'y')).toBe('#y#localhost');
  });

  it('run - a YAML config file: its name, listeners and log file are honoured', async () => {
    const file = path.join(dir, 'ringlogd.yaml');
    const unix = path.join(dir, 'yaml.sock');
    const log = path.join(dir, 'logs', 'ringlogd.log');
    await writeFile(file, ['daemon:', '  name: webfront', '  listen:', '    - tcp:127.0.0.1:0', `    - unix:${unix}`, '  max_sessions: 5', 'log:', '  level: info', `  file: ${log}`, ''].join('\n'));
    const daemon = await runDaemon({ config: file });
    running.push(daemon);
    expect(daemon.daemon.options).toMatchObject({ name: 'webfront', maxSessions: 5 });
    expect(daemon.daemon.addresses.map(describeAddress)).toEqual([expect.stringMatching(/^tcp:127\.0\.0\.1:[1-9]\d*$/), `unix:${unix}`]);
    expect(await connect(daemon, 'unix', 'x')).toBe('#x#webfront');
  });

  it('run - -c spread.conf -n box1 with a listen override: daemon box1, private group #x#box1', async () => {
    const { file } = await spreadConfInTempDir();
    const daemon = await start({ config: file, name: 'box1', listen: ['tcp:127.0.0.1:0'] });
    expect(daemon.daemon.options.name).toBe('box1');
    expect(daemon.daemon.addresses).toHaveLength(1);
    expect(await connect(daemon, 'tcp', 'x')).toBe('#x#box1');
  });

  it('run - an unknown -n name fails before anything listens', async () => {
    const { file } = await spreadConfInTempDir();
    await expect(runDaemon({ config: file, name: 'nobox', listen: ['tcp:127.0.0.1:0'], logLevel: 'silent' })).rejects.toThrow(
      `${file}: daemon "nobox" is not in the config (its daemons: box1, box2, box3, box4, box5, lbox)`,
    );
  });

  it('run - stop ends the connected sessions', async () => {
    const daemon = await start({ listen: ['tcp:127.0.0.1:0'] });
    const tcp = daemon.daemon.addresses[0];
    if (tcp === undefined) throw new Error('no listener');
    const client = await RawClient.open(tcp);
    clients.push(client);
    await client.handshake('x');
    expect(daemon.daemon.sessionCount).toBe(1);
    await daemon.stop('test');
    await client.closed();
    expect(daemon.daemon.sessionCount).toBe(0);
  });
});
