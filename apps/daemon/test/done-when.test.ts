// Acceptance: ringlogd as a child process, driven by the real `ringlog user` and `ringlog flood` bins.
// (`npm start` ran this lone daemon before it ran the whole stack; `pnpm ringlogd` still does. The
// stack's own acceptance is apps/stack/test/stack-process.test.ts.)
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildFixture, ChildTracker, makeTempDir, tcpPortOf } from './support/processes.ts';

const children = new ChildTracker();
let daemon: ChildFixture;
let tcpPort: number;
let unixPath: string;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  removeDir = temp.remove;
  unixPath = path.join(temp.dir, 'ringlogd.sock');
  daemon = children.ringlogd(['-l', 'tcp:127.0.0.1:0', '-l', `unix:${unixPath}`]);
  tcpPort = tcpPortOf(await daemon.waitForLog('ringlogd started'));
});

afterAll(async () => {
  await children.killAll();
  await removeDir();
});

describe('done when', () => {
  it.each([
    ['the unix socket', () => `unix:${unixPath}`, 'sockuser'],
    ['TCP', () => `${tcpPort}@127.0.0.1`, 'tcpuser'],
  ])('done - ringlog user over %s: join, SAFE message back, quit exits 0', async (_transport, spread, user) => {
    const cli = children.ringlog(['user', '-u', user, '-s', spread()]);
    await cli.waitForStdout(`User: connected to ${spread()} with private group #${user}#localhost\n`);
    cli.child.stdin.write('j demo\n');
    await cli.waitForStdout(`Due to the JOIN of #${user}#localhost`);
    cli.child.stdin.write('s demo\nhello from ringlog\n');
    await cli.waitForStdout('hello from ringlog\n');
    cli.child.stdin.write('q\n');
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toContain(`Received REGULAR membership for group demo with 1 members, where I am member 0:\n\t#${user}#localhost\n`);
    expect(cli.stdout).toContain(`Due to the JOIN of #${user}#localhost\n`);
    expect(cli.stdout).toContain(`received SAFE message from #${user}#localhost, of type 1, (endian 0) to 1 groups \n`);
    // 18 characters plus the terminating NUL that spuser sends (as "hello from alice" is 17 bytes).
    expect(cli.stdout).toContain('\n(19 bytes): hello from ringlog\n');
    expect(cli.stdout.endsWith('\nBye.\n')).toBe(true);
    expect(cli.stderr).toBe('');
  });

  it('done - ringlog flood -m 2000 -b 100 --json reports 2000 messages', async () => {
    const flood = children.ringlog(['flood', '-s', `${tcpPort}@127.0.0.1`, '-m', '2000', '-b', '100', '--json']);
    expect(await flood.exit(60_000)).toEqual({ code: 0, signal: null });
    const result = JSON.parse(flood.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ messages: 2000, deliveries: 2000, bytes: 200_000, bytesPerMessage: 100, outOfOrder: 0 });
    expect(flood.stderr).toBe('');
  }, 90_000);

  it('done - the daemon is still serving, and SIGTERM then exits 0', async () => {
    expect(daemon.running).toBe(true);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exit()).toEqual({ code: 0, signal: null });
  });
});
