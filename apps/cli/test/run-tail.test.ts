/** `ringlog tail` in this process against the real @ringlog/daemon: what prints, what does not, and how it ends. */
import { PassThrough, Writable } from 'node:stream';
import { connect, type SpreadSession } from '@ringlog/client';
import { compileTailFilter } from '@ringlog/collector';
import { startDaemon, type Daemon } from '@ringlog/daemon';
import { MARKER_MESS_TYPE } from '@ringlog/shipper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runTail, type CliIo, type TailOptions } from '../src/internal.ts';

const UNIX_PATH = `/tmp/ringlog-cli-tail-${process.pid}.sock`;
const SPREAD = `unix:${UNIX_PATH}`;
let daemon: Daemon;
const senders: SpreadSession[] = [];

beforeAll(async () => {
  daemon = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path: UNIX_PATH }] });
});

afterEach(async () => {
  for (const sender of senders.splice(0)) await sender.disconnect();
});

afterAll(async () => {
  await daemon.close();
});

interface Captured {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

function capture(stdout: Writable = new PassThrough()): Captured {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return { io: { stdin: new PassThrough(), stdout, stderr }, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8') };
}

function options(overrides: Partial<TailOptions> & { vhosts?: string[]; grep?: string } = {}): TailOptions {
  const { vhosts = [], grep = '', ...rest } = overrides;
  return { spread: SPREAD, groups: ['www'], filter: compileTailFilter({ vhosts, grep }), count: 0, user: '', connectTimeoutMs: 5000, reconnectInitialDelayMs: 20, reconnectMaxDelayMs: 100, ...rest };
}

/** A sender that has seen `members` members in each of `groups`: the tail's joins took effect. */
async function sender(groups: readonly string[], members = 2): Promise<SpreadSession> {
  const session = await connect({ endpoint: SPREAD, name: `snd${senders.length}`, membership: true });
  senders.push(session);
  const seen = new Map<string, number>();
  session.onEvent((event) => {
    if (event.type === 'membership') seen.set(event.group, event.members.length);
  });
  for (const group of groups) session.join(group);
  const deadline = Date.now() + 20_000;
  while (groups.some((group) => (seen.get(group) ?? 0) < members)) {
    if (Date.now() > deadline) throw new Error(`the tail did not join ${groups.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return session;
}

async function send(session: SpreadSession, groups: readonly string[], data: string | Buffer, messType = 0): Promise<void> {
  await session.multicast({ service: 'AGREED', groups, messType, data });
}

describe('ringlog tail - what prints', () => {
  it('tail - every line of data messages to the tailed groups; markers, other groups and private messages skipped; --count ends it', async () => {
    const out = capture();
    const done = runTail(options({ groups: ['www', 'www-errors'], count: 5, user: 'tailer' }), out.io);
    const www = await sender(['www', 'www-errors']);
    await send(www, ['www'], 'a.example.com GET /1\nb.example.com GET /2\n');
    await send(www, ['www'], 'rs marker, not a line\n', MARKER_MESS_TYPE);
    await send(www, ['#tailer#localhost'], 'private, not tailed\n');
    await send(www, ['elsewhere'], 'another group\n');
    await send(www, ['www-errors'], '[error] something\n\n');
    await send(www, ['www'], 'c.example.com GET /3\nc.example.com GET /4\nc.example.com GET /5 (past the count)\n');
    expect(await done).toBe(0);
    expect(out.stdout()).toBe('a.example.com GET /1\nb.example.com GET /2\n[error] something\nc.example.com GET /3\nc.example.com GET /4\n');
    expect(out.stderr()).toBe('');
  });

  it('tail - invalid UTF-8, NUL, CR and ESC print as U+FFFD; tabs stay', async () => {
    const out = capture();
    const done = runTail(options({ count: 2 }), out.io);
    const www = await sender(['www']);
    await send(www, ['www'], Buffer.concat([Buffer.from('a.example.com \t'), Buffer.from([0xc3, 0x28, 0x00, 0x0d, 0x1b]), Buffer.from('[31mred\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
    expect(await done).toBe(0);
    expect(out.stdout()).toBe('a.example.com \t\ufffd(\ufffd\ufffd\ufffd[31mred\n\ufffd\ufffd\n');
  });

  it('tail - --vhost (any case, several) and --grep keep only the lines passing both', async () => {
    const out = capture();
    const done = runTail(options({ vhosts: ['a.example.com', 'C.example.com'], grep: '" 5\\d\\d ', count: 2 }), out.io);
    const www = await sender(['www']);
    const lines = ['a.example.com "GET /" 200 1', 'a.example.com "GET /" 500 2', 'b.example.com "GET /" 500 3', 'C.EXAMPLE.COM "GET /" 503 4', 'c.example.com.evil "GET /" 500 5'];
    await send(www, ['www'], lines.join('\n'));
    expect(await done).toBe(0);
    expect(out.stdout()).toBe(`${lines[1]}\n${lines[3]}\n`);
  });
});

describe('ringlog tail - how it ends', () => {
  it('tail - a reader that goes away (EPIPE) ends it quietly with status 0', async () => {
    let writes = 0;
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const out = capture(closedPipe);
    const done = runTail(options(), out.io);
    const www = await sender(['www']);
    await send(www, ['www'], 'a.example.com GET /\n');
    expect(await done).toBe(0);
    expect(writes).toBe(1);
    expect(out.stderr()).toBe('');
  });

  it('tail - the stop signal ends it with status 0', async () => {
    const out = capture();
    const stop = new AbortController();
    const done = runTail(options({ stopSignal: stop.signal }), out.io);
    await sender(['www']);
    stop.abort();
    expect(await done).toBe(0);
  });

  it('tail - no daemon yet: one note, then it keeps trying until stopped', async () => {
    const out = capture();
    const stop = new AbortController();
    const done = runTail(options({ spread: `unix:/tmp/ringlog-cli-tail-missing-${process.pid}`, stopSignal: stop.signal }), out.io);
    const deadline = Date.now() + 10_000;
    while (!out.stderr().includes('retrying') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    expect(await done).toBe(0);
    expect(out.stderr()).toMatch(/^ringlog tail: cannot connect to unix:\/tmp\/ringlog-cli-tail-missing-\d+ \(.+\); retrying\n$/);
  });

  it('tail - bad command lines exit 2 with a reason', async () => {
    const badGrep = capture();
    expect(await runCli(['tail', '--grep', '[a-'], badGrep.io)).toBe(2);
    expect(badGrep.stderr()).toMatch(/^ringlog: --grep "\[a-" is not a valid regular expression: .*\nRun 'ringlog tail --help' for usage\.\n$/);
    const badGroup = capture();
    expect(await runCli(['tail', '-g', '#private', '-s', SPREAD], badGroup.io)).toBe(2);
    expect(badGroup.stderr()).toContain('ringlog tail: -g must name a group');
    const badSpread = capture();
    expect(await runCli(['tail', '-s', 'tcp:nowhere'], badSpread.io)).toBe(2);
    expect(badSpread.stderr()).toMatch(/^ringlog tail: /);
  });
});
