// Process level: ringlogd as a child process: exit statuses, messages, signals and the log file.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawClient } from '../../../packages/daemon/test/support/raw-client.ts';
import { ChildTracker, FIXTURES, makeTempDir, occupyPort, parseLogLines, PINO_INFO, PINO_WARN, tcpPortOf, waitUntil } from './support/processes.ts';

const SPREAD_CONF = path.join(FIXTURES, 'spread.conf');
const BAD_YAML = path.join(FIXTURES, 'bad-config.yaml');
/** A line of a V8 stack trace: what an operator must not be shown for an operating error. */
const STACK_LINE = /^\s+at /m;

const children = new ChildTracker();
const cleanups: Array<() => Promise<void>> = [];
let dir: string;

beforeEach(async () => {
  const temp = await makeTempDir();
  dir = temp.dir;
  cleanups.push(temp.remove);
});

afterEach(async () => {
  await children.killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Listeners no developer is using: TCP port 0 and a socket in the test's temp dir. */
function testListeners(): string[] {
  return ['-l', 'tcp:127.0.0.1:0', '-l', `unix:${path.join(dir, 'ringlogd.sock')}`];
}

describe('ringlogd command line', () => {
  it('bin - --help exits 0 and documents -c, -n and --listen', async () => {
    const help = children.ringlogdMain(['--help']);
    expect(await help.exit()).toEqual({ code: 0, signal: null });
    expect(help.stdout).toContain('Usage: ringlogd [options]');
    expect(help.stdout).toMatch(/-c, --config FILE/);
    expect(help.stdout).toMatch(/-n, --name NAME/);
    expect(help.stdout).toMatch(/-l, --listen ADDR/);
    expect(help.stderr).toBe('');
  });

  it('bin - an unknown flag exits 2 with a hint', async () => {
    const bad = children.ringlogd(['--frobnicate']);
    expect(await bad.exit()).toEqual({ code: 2, signal: null });
    expect(bad.stderr).toBe("ringlogd: Unknown option '--frobnicate'\nTry 'ringlogd --help'.\n");
    expect(bad.stdout).toBe('');
  });

  it('bin - --check -c spread.conf -n box1 prints the effective config as JSON and exits 0', async () => {
    const check = children.ringlogd(['--check', '-c', SPREAD_CONF, '-n', 'box1', '--segment-key-file', path.join(FIXTURES, 'test-segment.key')]);
    expect(await check.exit()).toEqual({ code: 0, signal: null });
    const printed = JSON.parse(check.stdout) as { source: string; config: { daemon: { name: string } }; daemon: { name: string } };
    expect(printed.source).toBe(`${SPREAD_CONF} (spread.conf)`);
    expect(printed.config.daemon.name).toBe('box1');
    expect(printed.daemon.name).toBe('box1');
    expect(check.stderr).toBe(`${SPREAD_CONF}:29: warning: EventTimeStamp is a Spread setting that ringlog does not use; ignored\n`);
  });

  it('bin - --check with an unknown -n name exits 1 naming the daemons', async () => {
    const check = children.ringlogd(['--check', '-c', SPREAD_CONF, '-n', 'box9']);
    expect(await check.exit()).toEqual({ code: 1, signal: null });
    expect(check.stderr).toBe(`ringlogd: ${SPREAD_CONF}: daemon "box9" is not in the config (its daemons: box1, box2, box3, box4, box5, lbox)\n`);
    expect(check.stdout).toBe('');
  });

  it('bin - a bad config exits 1 with every problem at file:line on stderr, no stack trace', async () => {
    const bad = children.ringlogd(['-c', BAD_YAML, ...testListeners()]);
    expect(await bad.exit()).toEqual({ code: 1, signal: null });
    expect(bad.stderr).toContain('ringlogd: Invalid configuration (2 problems):\n');
    expect(bad.stderr).toContain(`${BAD_YAML}:5:3: daemon.max_session: unknown key`);
    expect(bad.stderr).toContain(`${BAD_YAML}:8:10: log.level: must be one of`);
    expect(bad.stderr).not.toMatch(STACK_LINE);
  });

  it('bin - a port already in use exits 1 with a clear message, no stack trace', async () => {
    const busy = await occupyPort();
    cleanups.push(busy.close);
    const daemon = children.ringlogd(['-l', `tcp:127.0.0.1:${busy.port}`, '-l', `unix:${path.join(dir, 'busy.sock')}`]);
    expect(await daemon.exit()).toEqual({ code: 1, signal: null });
    expect(daemon.stderr).toContain(`ringlogd: Cannot listen on tcp:127.0.0.1:${busy.port}: listen EADDRINUSE: address already in use`);
    expect(daemon.stderr).not.toMatch(STACK_LINE);
    expect(parseLogLines(daemon.stderr).map((line) => line.msg)).not.toContain('ringlogd started');
  });
});

describe('ringlogd process', () => {
  it('process - logs the open-file limit at start as pino JSON on stderr, and SIGINT exits 0', async () => {
    const daemon = children.ringlogd(testListeners());
    const started = await daemon.waitForLog('ringlogd started');
    expect(started).toMatchObject({ level: PINO_INFO, source: 'built-in defaults', daemonName: 'localhost' });
    expect(started['name']).toBe('ringlogd');
    const limit = parseLogLines(daemon.stderr).find((line) => /open-file limit/i.test(line.msg));
    expect(limit, daemon.describe()).toBeDefined();
    expect([PINO_INFO, PINO_WARN]).toContain(limit?.level);
    expect(limit?.['fdLimit']).toEqual(expect.any(Number));
    expect(limit?.msg).toMatch(/about \d+ sessions/);
    daemon.child.kill('SIGINT');
    expect(await daemon.exit()).toEqual({ code: 0, signal: null });
    expect(parseLogLines(daemon.stderr).find((line) => line.msg === 'ringlogd stopping')).toMatchObject({ reason: 'SIGINT' });
  });

  it('process - SIGTERM ends every client session and the process exits 0', async () => {
    const unix = path.join(dir, 'term.sock');
    const daemon = children.ringlogd(['-l', 'tcp:127.0.0.1:0', '-l', `unix:${unix}`]);
    const started = await daemon.waitForLog('ringlogd started');
    const tcp = { kind: 'tcp' as const, host: '127.0.0.1', port: tcpPortOf(started) };
    const viaTcp = await RawClient.open(tcp);
    const viaUnix = await RawClient.open({ kind: 'unix', path: unix });
    cleanups.push(async () => {
      viaTcp.destroy();
      viaUnix.destroy();
    });
    expect(await viaTcp.handshake('t')).toBe('#t#localhost');
    expect(await viaUnix.handshake('u')).toBe('#u#localhost');
    daemon.child.kill('SIGTERM');
    await viaTcp.closed();
    await viaUnix.closed();
    expect(await daemon.exit()).toEqual({ code: 0, signal: null });
    expect(parseLogLines(daemon.stderr).find((line) => line.msg === 'ringlogd stopping')).toMatchObject({ reason: 'SIGTERM', sessions: 2 });
    expect(existsSync(unix)).toBe(false);
  });

  it('process - log.file: the log goes to the file, and SIGHUP after a rename starts a fresh file', async () => {
    const logFile = path.join(dir, 'logs', 'ringlogd.log');
    const rotated = `${logFile}.1`;
    const unix = path.join(dir, 'hup.sock');
    const config = path.join(dir, 'ringlogd.yaml');
    await writeFile(config, ['daemon:', '  name: logbox', '  listen:', '    - tcp:127.0.0.1:0', `    - unix:${unix}`, 'log:', '  level: debug', `  file: ${logFile}`, ''].join('\n'));
    const daemon = children.ringlogd(['-c', config]);
    const logged = async (file: string, msg: string): Promise<boolean> => existsSync(file) && parseLogLines(await readFile(file, 'utf8')).some((line) => line.msg === msg);
    await waitUntil(() => logged(logFile, 'ringlogd started'), 'ringlogd started in the log file', () => daemon.describe());
    expect(daemon.stderr).toBe('');
    await rename(logFile, rotated);
    daemon.child.kill('SIGHUP');
    await waitUntil(() => logged(logFile, 'Log file reopened on SIGHUP'), 'the reopened log file', () => daemon.describe());
    // A new session after the rotation logs into the new file only.
    const client = await RawClient.open({ kind: 'unix', path: unix });
    cleanups.push(async () => client.destroy());
    expect(await client.handshake('late')).toBe('#late#logbox');
    await waitUntil(() => logged(logFile, 'Session accepted'), 'Session accepted in the new file', () => daemon.describe());
    daemon.child.kill('SIGTERM');
    expect(await daemon.exit()).toEqual({ code: 0, signal: null });
    const before = parseLogLines(await readFile(rotated, 'utf8')).map((line) => line.msg);
    const after = parseLogLines(await readFile(logFile, 'utf8')).map((line) => line.msg);
    expect(before).toContain('ringlogd started');
    expect(before).not.toContain('Log file reopened on SIGHUP');
    expect(after).toEqual(['Log file reopened on SIGHUP', 'Session accepted', 'ringlogd stopping', 'Session ended']);
    expect(daemon.stderr).toBe('');
  });
});
