// ringlog monitor end to end over real UDP: fake daemons are UdpRingTransports on 127.0.0.1
// port 0 that answer status requests with made-up reports; the monitor reads a config naming them.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { UdpRingTransport } from '@ringlog/ring';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitStatus, runCli, runMonitor, type RunMonitorOptions } from '../src/index.ts';
import { fakeReport } from './support/ring-status-fixtures.ts';

const BIN = fileURLToPath(new URL('../bin/ringlog.mjs', import.meta.url));
const KEY_TEXT = 'c2VnbWVudCBrZXkgZm9yIHRoZSBtb25pdG9yIHRlc3Q=';
const OTHER_KEY_TEXT = 'YW5vdGhlciBzZWdtZW50IGtleSwgbm90IHRoZWlycw==';

interface FakeDaemon {
  readonly name: string;
  readonly port: number;
  readonly transport: UdpRingTransport;
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ringlog-monitor-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startTransport(name: string, reply: (name: string) => string): Promise<UdpRingTransport> {
  const transport = new UdpRingTransport({
    selfName: name,
    incarnation: 1000,
    key: Buffer.from(KEY_TEXT),
    bind: { address: '127.0.0.1', port: 0 },
    peers: new Map(),
    mode: 'unicast',
    onPacket: () => {},
    onStatusRequest: (send) => send(reply(name)),
  });
  await transport.start();
  return transport;
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * Fake daemons plus, with `silent`, the port of one that does not run. Daemons on one address
 * need ports at least 2 apart (port + 1 is the token's), or the config is refused: retry until so.
 */
async function startDaemons(names: readonly string[], options: { silent?: string; reply?: (name: string) => string } = {}): Promise<{ daemons: FakeDaemon[]; silentPort: number | null }> {
  const reply = options.reply ?? ((name: string) => JSON.stringify(fakeReport(name)));
  for (let attempt = 0; attempt < 20; attempt++) {
    const daemons = await Promise.all(names.map(async (name) => {
      const transport = await startTransport(name, reply);
      return { name, transport, port: transport.address().port };
    }));
    const silentPort = options.silent === undefined ? null : await freePort();
    const ports = [...daemons.map((daemon) => daemon.port), ...(silentPort === null ? [] : [silentPort])].sort((a, b) => a - b);
    if (ports.every((port, index) => index === 0 || port - (ports[index - 1] ?? 0) >= 2)) {
      cleanups.push(() => Promise.all(daemons.map((daemon) => daemon.transport.close())));
      return { daemons, silentPort };
    }
    await Promise.all(daemons.map((daemon) => daemon.transport.close()));
  }
  throw new Error('no well-spaced ports in 20 attempts');
}

function writeYamlConfig(dir: string, daemons: readonly { name: string; port: number }[], keyText = KEY_TEXT): string {
  writeFileSync(join(dir, 'segment.key'), `${keyText}\n`, { mode: 0o600 });
  const entries = daemons.map((daemon) => `    - { name: ${daemon.name}, address: 127.0.0.1, port: ${daemon.port} }`);
  const text = [`daemon:`, `  name: ${daemons[0]?.name ?? 'd1'}`, 'segment:', '  addresses: [127.0.0.255]', '  key_file: segment.key', '  daemons:', ...entries, ''].join('\n');
  const file = join(dir, 'ringlogd.yaml');
  writeFileSync(file, text);
  return file;
}

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out };
}

async function monitor(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { io, out } = capture();
  const status = await runCli(['monitor', ...argv], io);
  return { status, ...out };
}

describe('ringlog monitor over UDP', () => {
  it('monitor udp - every daemon answers: one table, agreement line, exit 0', async () => {
    const { daemons } = await startDaemons(['d1', 'd2', 'd3']);
    const config = writeYamlConfig(workDir(), daemons);
    const result = await monitor('-c', config, '--once');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(ExitStatus.OK);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  ${config.replaceAll('.', '\\.')} \\(yaml\\), 3 daemons$`));
    expect(lines[1]).toBe('ring d1/1000/7: d1 d2 d3 — all 3 daemons agree');
    expect(lines[3]).toMatch(/^daemon {2}state {8}ring {7}members/);
    for (const [index, name] of ['d1', 'd2', 'd3'].entries()) expect(lines[4 + index]).toMatch(new RegExp(`^${name} {6}operational  d1/1000/7  3: d1 d2 d3 +2\\.5 +1 +4 +12 +3 +0 +3$`));
    expect(daemons.map((daemon) => daemon.transport.counters.statusReplies)).toEqual([1, 1, 1]);
  });

  it('monitor udp - a daemon without a listener is named and the exit status is 3', async () => {
    const { daemons, silentPort } = await startDaemons(['d1', 'd2'], { silent: 'd3' });
    const config = writeYamlConfig(workDir(), [...daemons, { name: 'd3', port: silentPort ?? 0 }]);
    const result = await monitor('-c', config, '--once', '--timeout-ms', '300');
    expect(result.status).toBe(ExitStatus.NO_ANSWER);
    expect(result.stdout).toContain('ring d1/1000/7: d1 d2 d3 — 2 of 3 daemons agree; no answer from d3\n');
    expect(result.stdout).toContain('\nd3      no answer    no reply within 300 ms\n');
  });

  it('monitor udp - with the wrong key the daemons drop the requests: no answer', async () => {
    const { daemons } = await startDaemons(['d1', 'd2']);
    const dir = workDir();
    const config = writeYamlConfig(dir, daemons);
    writeFileSync(join(dir, 'other.key'), OTHER_KEY_TEXT);
    const result = await monitor('-c', config, '--once', '--timeout-ms', '300', '--key-file', join(dir, 'other.key'));
    expect(result.status).toBe(ExitStatus.NO_ANSWER);
    expect(result.stdout).toContain('no daemon answers (2 daemons configured); no answer from d1 d2\n');
    expect(daemons.map((daemon) => daemon.transport.counters.dropped.auth)).toEqual([1, 1]);
    expect(daemons.map((daemon) => daemon.transport.counters.statusReplies)).toEqual([0, 0]);
  });

  it('monitor udp - a malformed reply is shown for its daemon, the others still are', async () => {
    const reply = (name: string): string => (name === 'd2' ? JSON.stringify({ ...fakeReport(name), sessions: -1 }) : JSON.stringify(fakeReport(name)));
    const { daemons } = await startDaemons(['d1', 'd2'], { reply });
    const result = await monitor('-c', writeYamlConfig(workDir(), daemons), '--once');
    expect(result.status).toBe(ExitStatus.NO_ANSWER);
    expect(result.stdout).toContain('1 of 2 daemons agree; malformed reply from d2\n');
    expect(result.stdout).toContain('\nd2      malformed    malformed reply: sessions is not a number >= 0\n');
  });

  it('monitor udp - a daemon is asked on its first D interface, where ringlogd binds its ring socket', async () => {
    const { daemons } = await startDaemons(['d1', 'd2']);
    const dir = workDir();
    writeFileSync(join(dir, 'segment.key'), KEY_TEXT);
    const entries = daemons.map((daemon, index) => `    - { name: ${daemon.name}, address: 192.0.2.${index + 1}, port: ${daemon.port}, interfaces: [{ types: [D], address: 127.0.0.1 }, { types: [D, C], address: 192.0.2.${index + 1} }] }`);
    const file = join(dir, 'interfaces.yaml');
    writeFileSync(file, ['daemon:', '  name: d1', 'segment:', '  addresses: [127.0.0.255]', '  key_file: segment.key', '  daemons:', ...entries, ''].join('\n'));
    const result = await monitor('-c', file, '--once', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(ExitStatus.OK);
    expect((JSON.parse(result.stdout) as { daemons: { address: string }[] }).daemons.map((daemon) => daemon.address)).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('monitor udp - --json prints the reports as sent, one line per round', async () => {
    const { daemons } = await startDaemons(['d1', 'd2']);
    const result = await monitor('-c', writeYamlConfig(workDir(), daemons), '--once', '--json');
    expect(result.status).toBe(ExitStatus.OK);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const line = JSON.parse(result.stdout) as { time: string; daemons: unknown[] };
    expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    expect(line.daemons).toEqual(daemons.map((daemon) => ({ name: daemon.name, address: '127.0.0.1', port: daemon.port, report: fakeReport(daemon.name) })));
  });

  it('monitor udp - a spread.conf without the key works with --key-file, and names it otherwise', async () => {
    const { daemons } = await startDaemons(['d1', 'd2']);
    const dir = workDir();
    writeFileSync(join(dir, 'segment.key'), KEY_TEXT);
    const conf = join(dir, 'spread.conf');
    const lines = daemons.map((daemon) => `\t${daemon.name} 127.0.0.1:${daemon.port} { D 127.0.0.1 C 127.0.0.1 }`);
    writeFileSync(conf, ['Spread_Segment 127.0.0.255:4803 {', ...lines, '}', ''].join('\n'));
    const withKey = await monitor('-c', conf, '--once', '--key-file', join(dir, 'segment.key'));
    expect(withKey.stderr).toBe('');
    expect(withKey.status).toBe(ExitStatus.OK);
    expect(withKey.stdout).toContain(`${conf} (spread.conf), 2 daemons\n`);
    const withoutKey = await monitor('-c', conf, '--once');
    expect(withoutKey.status).toBe(ExitStatus.FAILURE);
    expect(withoutKey.stderr).toMatch(new RegExp(`${conf.replaceAll('.', '\\.')}:\\d+:\\d+: segment: segment\\.key_file is required`));
    expect(withoutKey.stderr).toContain("(or give the daemons' key file with --key-file PATH)");
  });

  it('monitor udp - live: rounds are appended with rates until the stop signal, then exit 0', async () => {
    let retransmits = 0;
    const reply = (name: string): string => JSON.stringify(fakeReport(name, { tokensRetransmitted: (retransmits += 10) }));
    const { daemons } = await startDaemons(['d1', 'd2'], { reply });
    const config = writeYamlConfig(workDir(), daemons);
    const { io, out } = capture();
    const stop = new AbortController();
    const options: RunMonitorOptions = { configPath: config, keyFile: null, intervalMs: 100, timeoutMs: 300, once: false, json: false, stopSignal: stop.signal };
    const running = runMonitor(options, io);
    const deadline = Date.now() + 10_000;
    while (out.stdout.split('ring d1/1000/7').length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    expect(await running).toBe(ExitStatus.OK);
    const rounds = out.stdout.split('\n\n').filter((part) => part.startsWith('daemon'));
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    expect(rounds[0]).toMatch(/\nd1 .* \d+ +4 +12 /);
    expect(rounds[1]).toMatch(/\nd1 .* \d+ \([\d.]+\/s\) +4 \(0\.0\/s\) +12 /);
    expect(out.stdout).not.toContain('\u001b[');
  });

  it('monitor udp - on a terminal each round clears the screen first', async () => {
    const { daemons } = await startDaemons(['d1', 'd2']);
    const { io, out } = capture();
    const stop = new AbortController();
    const running = runMonitor({ configPath: writeYamlConfig(workDir(), daemons), keyFile: null, intervalMs: 100, timeoutMs: 300, once: false, json: false, stopSignal: stop.signal, terminal: true }, io);
    const deadline = Date.now() + 10_000;
    while (!out.stdout.includes('Ctrl-C quits') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    expect(await running).toBe(ExitStatus.OK);
    expect(out.stdout.startsWith('\u001b[H\u001b[2J')).toBe(true);
    expect(out.stdout).toContain('\nEvery 100 ms; Ctrl-C quits.\n');
  });

  it('monitor bin - the process exits 3 when a daemon does not answer, and names it', async () => {
    const { daemons, silentPort } = await startDaemons(['d1'], { silent: 'd2' });
    const config = writeYamlConfig(workDir(), [...daemons, { name: 'd2', port: silentPort ?? 0 }]);
    const child = spawn(process.execPath, [BIN, 'monitor', '-c', config, '--once', '--timeout-ms', '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(status).toBe(3);
    expect(stdout).toContain('1 of 2 daemons agree; no answer from d2');
  });
});

describe('ringlog monitor setup errors', () => {
  it('monitor setup - -c is required (usage, exit 2)', async () => {
    const result = await monitor('--once');
    expect(result.status).toBe(ExitStatus.USAGE);
    expect(result.stderr).toBe("ringlog: -c/--config is required\nRun 'ringlog monitor --help' for usage.\n");
    const { io, out } = capture();
    expect(await runMonitor({ configPath: '', keyFile: null, intervalMs: 1000, timeoutMs: 500, once: true, json: false }, io)).toBe(ExitStatus.USAGE);
    expect(out.stderr).toContain('ringlog monitor: -c/--config FILE is required');
  });

  it('monitor setup - a bad config file is reported at its line, exit 1', async () => {
    const dir = workDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'daemon:\n  name: d1\n  bogus_key: 1\n');
    const result = await monitor('-c', file, '--once');
    expect(result.status).toBe(ExitStatus.FAILURE);
    expect(result.stderr).toMatch(new RegExp(`^ringlog monitor: Invalid configuration \\(1 problem\\):\\n${file.replaceAll('.', '\\.')}:3:\\d+: `));
    const missing = await monitor('-c', join(dir, 'missing.yaml'), '--once');
    expect(missing.status).toBe(ExitStatus.FAILURE);
    expect(missing.stderr).toContain('missing.yaml: cannot read the config file');
  });

  it('monitor setup - a lone daemon (no segment) has no ring to monitor, exit 1', async () => {
    const file = join(workDir(), 'alone.yaml');
    writeFileSync(file, 'daemon:\n  name: alone\n');
    const result = await monitor('-c', file, '--once');
    expect(result.status).toBe(ExitStatus.FAILURE);
    expect(result.stderr).toBe(`ringlog monitor: ${file} has no segment section: its daemon runs alone, so there is no ring to monitor (a segment lists its daemons under segment.daemons)\n`);
  });

  it('monitor setup - a segment of one daemon has no ring either; no key, or an unusable key file, is said clearly', async () => {
    const dir = workDir();
    const file = join(dir, 'one.yaml');
    writeFileSync(file, 'daemon:\n  name: d1\nsegment:\n  addresses: [127.0.0.255]\n  daemons:\n    - { name: d1, address: 127.0.0.1 }\n');
    const single = await monitor('-c', file, '--once');
    expect(single.status).toBe(ExitStatus.FAILURE);
    expect(single.stderr).toBe(`ringlog monitor: ${file}: the segment has one daemon (d1): it runs alone, without a ring to monitor\n`);
    writeFileSync(file, 'daemon:\n  name: d1\nsegment:\n  addresses: [127.0.0.255]\n  daemons:\n    - { name: d1, address: 127.0.0.1 }\n    - { name: d2, address: 127.0.0.2 }\n');
    const noKey = await monitor('-c', file, '--once');
    expect(noKey.status).toBe(ExitStatus.FAILURE);
    expect(noKey.stderr).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+: segment: segment\\.key_file is required`));
    expect(noKey.stderr).not.toContain('--key-file'); // a YAML must name its key, as the daemons need it too
    writeFileSync(file, 'daemon:\n  name: d1\nsegment:\n  addresses: [127.0.0.255]\n  key_file: segment.key\n  daemons:\n    - { name: d1, address: 127.0.0.1 }\n    - { name: d2, address: 127.0.0.2 }\n');
    const missingKey = await monitor('-c', file, '--once');
    expect(missingKey.status).toBe(ExitStatus.FAILURE);
    expect(missingKey.stderr).toBe(`ringlog monitor: ${join(dir, 'segment.key')}: cannot read the segment key file: ENOENT: no such file or directory, open '${join(dir, 'segment.key')}'\n`);
    const badKey = await monitor('-c', file, '--once', '--key-file', join(dir, 'absent.key'));
    expect(badKey.status).toBe(ExitStatus.FAILURE);
    expect(badKey.stderr).toContain('absent.key: cannot read the segment key file');
  });

  it('monitor help - lists the options and the exit statuses', async () => {
    const help = await runCli(['monitor', '--help'], capture().io);
    expect(help).toBe(ExitStatus.OK);
    const { io, out } = capture();
    await runCli(['monitor', '--help'], io);
    expect(out.stdout).toContain('Usage: ringlog monitor [options]');
    expect(out.stdout.replace(/\s+/g, ' ')).toContain("-c, --config FILE Daemon config listing the segment's daemons: ringlogd YAML or spread.conf. (required) --key-file");
    expect(out.stdout).toContain('--interval-ms MS');
    expect(out.stdout).toContain('Exit status:\n  0  every daemon answered');
    expect(out.stdout).toContain('  3  with --once: some daemon did not answer, or its reply was malformed\n');
    const top = capture();
    await runCli(['--help'], top.io);
    expect(top.out.stdout).toContain('  monitor Live view of the token ring, a work-alike of spmonitor');
  });
});
