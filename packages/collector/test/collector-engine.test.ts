/**
 * The collector engine end to end in this process: real files under a temp dir, bodies handed to
 * `deliver` as a Spread source would, then read back. Covers the per-vhost split, file, pipe and
 * filtered logs, group fan-out, the vhost cap, time templates, backpressure and close.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openLogFile, type LogFile, type OpenLogFile } from '@ringlog/vhost-files';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileLines, sleep, splitConfig, startEngine, tempDir, type EngineExtras, type EngineUnderTest } from './support/engine-harness.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FIXED_NOW_MS = Date.UTC(2024, 0, 15, 10, 30, 5);
const HOUR_MS = 3_600_000;

let base: string;
let root: string;
const running: EngineUnderTest[] = [];

beforeEach(async () => {
  base = await tempDir('ringlog-engine-');
  root = join(base, 'root');
});

afterEach(async () => {
  for (const under of running.splice(0)) await under.engine.close();
  await rm(base, { recursive: true, force: true });
});

function start(yaml: string, extras: EngineExtras = {}): EngineUnderTest {
  const under = startEngine(yaml, extras);
  running.push(under);
  return under;
}

/** Lines joined with "\n", each terminated. */
function body(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => `${line}\n`).join(''), 'latin1');
}

function vhostFile(vhost: string, name = 'access.log'): string {
  return join(root, vhost, name);
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** Common Log Format from Date getters (local time), independent of the rewriter's strftime. */
function clfOf(ms: number): string {
  const date = new Date(ms);
  const east = -date.getTimezoneOffset();
  const offset = `${east < 0 ? '-' : '+'}${two(Math.floor(Math.abs(east) / 60))}${two(Math.abs(east) % 60)}`;
  return `${two(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${offset}`;
}

/** `%Y%m%d%H` in local time. */
function hourKey(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}${two(date.getHours())}`;
}

/** An opener that records each write's chunk lengths per path, around the real one. */
function recordingOpener(writes: Map<string, number[][]>): OpenLogFile {
  return async (options, hooks) => {
    const file = await openLogFile(options, hooks);
    const recorded: LogFile = {
      write: (chunks) => {
        const list = writes.get(options.path) ?? [];
        list.push(chunks.map((chunk) => chunk.length));
        writes.set(options.path, list);
        return file.write(chunks);
      },
      sync: () => file.sync(),
      close: () => file.close(),
    };
    return recorded;
  };
}

describe('collector engine - split', () => {
  it('split - vhosts interleaved across many bodies each get exactly their lines, in order, vhost stripped', async () => {
    const { engine, counters } = start(splitConfig(root));
    const vhosts = ['a.example.com', 'b.example.com', 'c.example.org', 'd-1.example.net'];
    const expected = new Map<string, string[]>(vhosts.map((vhost) => [vhost, []]));
    for (let bodyIndex = 0; bodyIndex < 60; bodyIndex++) {
      const lines: string[] = [];
      // A different mix per body: vhost order rotates and line counts vary from 0 to 4.
      for (let slot = 0; slot < 9; slot++) {
        const vhost = vhosts[(bodyIndex + slot * (1 + (bodyIndex % 3))) % vhosts.length] as string;
        if ((bodyIndex * 7 + slot) % 5 === 0) continue;
        const rest = `GET /${bodyIndex}/${slot} HTTP/1.1 200 ${bodyIndex * 10 + slot}`;
        lines.push(`${vhost} ${rest}`);
        expected.get(vhost)?.push(rest);
      }
      engine.deliver(['www'], body(lines));
      // Let some scheduled flushes run between deliveries, as socket reads would.
      if (bodyIndex % 7 === 6) await new Promise((resolve) => setImmediate(resolve));
      if (bodyIndex % 20 === 19) await engine.flush();
    }
    await engine.flush();
    for (const vhost of vhosts) expect(await fileLines(vhostFile(vhost)), vhost).toEqual(expected.get(vhost));
    expect((await readdir(root)).sort()).toEqual([...vhosts].sort());
    const total = [...expected.values()].reduce((sum, lines) => sum + lines.length, 0);
    expect(counters().lines).toBe(total);
    expect(counters().vhosts).toBe(vhosts.length);
    expect([...counters().bucketLines].reduce((sum, lines) => sum + lines, 0)).toBe(total);
    expect(Object.values(counters().catchAllLines).every((lines) => lines === 0)).toBe(true);
  });

  it('split - strip_vhost false keeps the vhost token in the written line', async () => {
    const { engine } = start(splitConfig(root, { split: ['strip_vhost: false'] }));
    engine.deliver(['www'], body(['a.example.com GET /1', 'b.example.com GET /2', 'a.example.com GET /3']));
    await engine.flush();
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['a.example.com GET /1', 'a.example.com GET /3']);
    expect(await fileLines(vhostFile('b.example.com'))).toEqual(['b.example.com GET /2']);
  });

  it('split - mixed-case spellings of one vhost go to one lowercase file', async () => {
    const { engine, counters } = start(splitConfig(root));
    engine.deliver(['www'], body(['WWW.Example.COM one', 'www.example.com two']));
    engine.deliver(['www'], body(['Www.EXAMPLE.com three', 'www.example.COM four']));
    await engine.flush();
    expect(await readdir(root)).toEqual(['www.example.com']);
    expect(await fileLines(vhostFile('www.example.com'))).toEqual(['one', 'two', 'three', 'four']);
    expect(counters().vhosts).toBe(1);
  });

  it('split - empty lines are skipped and counted', async () => {
    const { engine, counters } = start(splitConfig(root));
    engine.deliver(['www'], Buffer.from('\n\na.example.com one\n\n\nb.example.com two\n\n'));
    engine.deliver(['www'], Buffer.from('\n'));
    engine.deliver(['www'], Buffer.alloc(0));
    await engine.flush();
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['one']);
    expect(await fileLines(vhostFile('b.example.com'))).toEqual(['two']);
    expect(counters().emptyLines).toBe(6);
    expect(counters().lines).toBe(2);
    expect((await readdir(root)).sort()).toEqual(['a.example.com', 'b.example.com']);
  });

  it('split - a body without a trailing newline gets its last line terminated', async () => {
    const { engine, counters } = start(splitConfig(root));
    engine.deliver(['www'], Buffer.from('a.example.com one\na.example.com two'));
    engine.deliver(['www'], Buffer.from('a.example.com three\n'));
    await engine.flush();
    // "two" is not glued to "three": the engine added the missing newline.
    expect(await readFile(vhostFile('a.example.com'), 'latin1')).toBe('one\ntwo\nthree\n');
    expect(counters().lines).toBe(3);
  });

  it('split - CRLF lines keep their \\r: lines are cut at \\n only (a bare "\\r" line is not empty)', async () => {
    const { engine, counters } = start(splitConfig(root));
    engine.deliver(['www'], Buffer.from('a.example.com GET /1\r\na.example.com GET /2\r\n\r\na.example.com\r\n'));
    await engine.flush();
    // The \r rides along at the end of the written line, as spreadlogd would write it.
    expect(await readFile(vhostFile('a.example.com'), 'latin1')).toBe('GET /1\r\nGET /2\r\n');
    // "\r" alone and "a.example.com\r" have no space, so they have no vhost field: catch-all, kept whole.
    expect(await readFile(join(root, '_catchall', 'access.log'), 'latin1')).toBe('\r\na.example.com\r\n');
    expect(counters().emptyLines).toBe(0);
    expect(counters().catchAllLines.no_separator).toBe(2);
  });
});

describe('collector engine - file and filtered logs', () => {
  it('file log - bodies are written unchanged, one chunk per run of non-empty lines, lines counted', async () => {
    const file = join(base, 'all.log');
    const writes = new Map<string, number[][]>();
    const { engine, counters } = start(`logs:\n  - name: all\n    groups: [www]\n    file: ${JSON.stringify(file)}\n`, { openFile: recordingOpener(writes) });
    const whole = Buffer.from('a.example.com GET /1\nno vhost here\n\u00ff\u0001 raw bytes\n', 'latin1');
    engine.deliver(['www'], whole);
    await engine.flush();
    engine.deliver(['www'], Buffer.from('x 1\ny 2\n\nz 3\n'));
    await engine.flush();
    engine.deliver(['www'], Buffer.from('last\nunterminated'));
    await engine.flush();
    expect(await readFile(file, 'latin1')).toBe(`${whole.toString('latin1')}x 1\ny 2\nz 3\nlast\nunterminated\n`);
    // The first body went out as one chunk, the second as two runs around its empty line, and the
    // third as its run plus the terminated last line.
    expect(writes.get(file)).toEqual([[whole.length], [8, 4], [5, 13]]);
    expect(counters().lines).toBe(3 + 3 + 2);
    expect(counters().emptyLines).toBe(1);
    expect(counters().bytes).toBe(whole.length + 12 + 18);
  });

  it('match - matching lines go to the log, the others whole to unmatched_file', async () => {
    const unmatched = join(base, 'unmatched.log');
    const yaml = splitConfig(root).replace('    split:', `    match: ["\\"(GET|HEAD) "]\n    unmatched_file: ${JSON.stringify(unmatched)}\n    split:`);
    const { engine, counters } = start(yaml);
    engine.deliver(['www'], body(['a.example.com "GET /1"', 'a.example.com "POST /2"', 'b.example.com "HEAD /3"', 'garbage', 'b.example.com "GET /4"']));
    await engine.flush();
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['"GET /1"']);
    expect(await fileLines(vhostFile('b.example.com'))).toEqual(['"HEAD /3"', '"GET /4"']);
    expect(await fileLines(unmatched)).toEqual(['a.example.com "POST /2"', 'garbage']);
    expect(counters().unmatchedLines).toBe(2);
    expect(counters().unmatchedDropped).toBe(0);
    expect(counters().lines).toBe(3);
  });

  it('match - without unmatched_file the lines matching nothing are dropped and counted', async () => {
    const yaml = splitConfig(root).replace('    split:', '    match: ["GET"]\n    split:');
    const { engine, counters } = start(yaml);
    engine.deliver(['www'], body(['a.example.com GET /1', 'a.example.com POST /2', 'b.example.com PUT /3']));
    await engine.flush();
    expect(await readdir(root)).toEqual(['a.example.com']);
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['GET /1']);
    expect(counters().unmatchedLines).toBe(2);
    expect(counters().unmatchedDropped).toBe(2);
    expect(counters().lines).toBe(1);
  });

  it('rewrite_timestamp - clf replaces the first [...] with the injected now; lines without brackets are unchanged', async () => {
    const file = join(base, 'stamped.log');
    const yaml = `logs:\n  - name: stamped\n    groups: [www]\n    file: ${JSON.stringify(file)}\n    rewrite_timestamp: clf\n`;
    const { engine } = start(yaml, { now: () => FIXED_NOW_MS });
    const lines = [
      '1.2.3.4 - - [10/Oct/1999:01:02:03 +0000] "GET / HTTP/1.1" 200 5',
      'a.example.com [old] then [second] stays',
      'no brackets at all',
      'only an opening [ bracket',
    ];
    engine.deliver(['www'], Buffer.from(`${lines.join('\n')}\nlast [x]`));
    await engine.flush();
    const stamp = clfOf(FIXED_NOW_MS);
    expect(await fileLines(file)).toEqual([
      `1.2.3.4 - - [${stamp}] "GET / HTTP/1.1" 200 5`,
      `a.example.com [${stamp}] then [second] stays`,
      'no brackets at all',
      'only an opening [ bracket',
      `last [${stamp}]`,
    ]);
  });
});

describe('collector engine - groups', () => {
  it('groups - a log reading two groups gets a message sent to both once', async () => {
    const file = join(base, 'both.log');
    const { engine, counters } = start(`logs:\n  - name: both\n    groups: [g1, g2]\n    file: ${JSON.stringify(file)}\n`);
    engine.deliver(['g1', 'g2'], body(['to both']));
    engine.deliver(['g2', 'g1', 'g2'], body(['to both, other order']));
    engine.deliver(['g2'], body(['to g2']));
    await engine.flush();
    expect(await fileLines(file)).toEqual(['to both', 'to both, other order', 'to g2']);
    expect(counters().lines).toBe(3);
  });

  it('groups - a message for a group no log reads is counted unrouted and written nowhere', async () => {
    const file = join(base, 'www.log');
    const { engine, telemetry } = start(`logs:\n  - name: www\n    groups: [www]\n    file: ${JSON.stringify(file)}\n`);
    engine.deliver(['other'], body(['lost']));
    engine.deliver(['other', 'www'], body(['kept']));
    await engine.flush();
    expect(telemetry.counters.messagesUnrouted).toBe(1);
    expect(telemetry.counters.messages).toBe(2);
    expect(await fileLines(file)).toEqual(['kept']);
    expect(engine.groups).toEqual(['www']);
  });

  it('groups - two logs reading one group both get its messages', async () => {
    const first = join(base, 'first.log');
    const yaml = [
      'logs:',
      '  - name: first',
      '    groups: [www]',
      `    file: ${JSON.stringify(first)}`,
      '  - name: second',
      '    groups: [www, extra]',
      '    split:',
      `      root: ${JSON.stringify(root)}`,
      '      path: "{vhost}/access.log"',
      '',
    ].join('\n');
    const { engine, counters } = start(yaml);
    engine.deliver(['www'], body(['a.example.com one', 'b.example.com two']));
    engine.deliver(['extra'], body(['a.example.com three']));
    await engine.flush();
    expect(await fileLines(first)).toEqual(['a.example.com one', 'b.example.com two']);
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['one', 'three']);
    expect(await fileLines(vhostFile('b.example.com'))).toEqual(['two']);
    expect(counters('first').lines).toBe(2);
    expect(counters('second').lines).toBe(3);
    expect([...engine.groups].sort()).toEqual(['extra', 'www']);
  });
});

describe('collector engine - vhost cap and time templates', () => {
  it('max_vhosts - lines of vhosts past the cap go whole to the catch-all file, counted over_cap', async () => {
    const { engine, counters } = start(splitConfig(root, { split: ['max_vhosts: 3'] }));
    const vhosts = ['v1.example.com', 'v2.example.com', 'v3.example.com', 'v4.example.com', 'v5.example.com'];
    engine.deliver(['www'], body(vhosts.map((vhost) => `${vhost} first`)));
    engine.deliver(['www'], body([...vhosts].reverse().map((vhost) => `${vhost} second`)));
    await engine.flush();
    for (const vhost of vhosts.slice(0, 3)) expect(await fileLines(vhostFile(vhost))).toEqual(['first', 'second']);
    expect(await fileLines(join(root, '_catchall', 'access.log'))).toEqual([
      'v4.example.com first',
      'v5.example.com first',
      'v5.example.com second',
      'v4.example.com second',
    ]);
    expect((await readdir(root)).sort()).toEqual(['_catchall', 'v1.example.com', 'v2.example.com', 'v3.example.com']);
    expect(counters().catchAllLines.over_cap).toBe(4);
    expect(counters().vhosts).toBe(3);
    expect(counters().lines).toBe(10);
  });

  it('path template - when the injected clock moves an hour on, each hour gets its own file', async () => {
    let nowMs = FIXED_NOW_MS;
    const { engine } = start(splitConfig(root, { path: '{vhost}/%Y%m%d%H.log' }), { now: () => nowMs });
    engine.deliver(['www'], body(['a.example.com hour1-a', 'b.example.com hour1-b']));
    engine.deliver(['www'], body(['a.example.com hour1-a2']));
    await engine.flush();
    nowMs += HOUR_MS;
    engine.deliver(['www'], body(['a.example.com hour2-a', 'b.example.com hour2-b']));
    await engine.flush();
    const first = `${hourKey(FIXED_NOW_MS)}.log`;
    const second = `${hourKey(FIXED_NOW_MS + HOUR_MS)}.log`;
    expect(first).not.toBe(second);
    expect((await readdir(join(root, 'a.example.com'))).sort()).toEqual([first, second].sort());
    expect(await fileLines(vhostFile('a.example.com', first))).toEqual(['hour1-a', 'hour1-a2']);
    expect(await fileLines(vhostFile('a.example.com', second))).toEqual(['hour2-a']);
    expect(await fileLines(vhostFile('b.example.com', first))).toEqual(['hour1-b']);
    expect(await fileLines(vhostFile('b.example.com', second))).toEqual(['hour2-b']);
  });
});

describe('collector engine - pipes, backpressure and close', () => {
  it('pipe log - the command gets every line on its standard input', async () => {
    const out = join(base, 'piped.log');
    const { engine, counters } = start(`logs:\n  - name: piped\n    groups: [www]\n    pipe: ${JSON.stringify(`cat > '${out}'`)}\n`);
    const expected: string[] = [];
    for (let index = 0; index < 50; index++) {
      const lines = [`line ${index} a`, `line ${index} b`];
      expected.push(...lines);
      engine.deliver(['www'], body(lines));
      if (index % 10 === 9) await engine.flush();
    }
    engine.deliver(['www'], Buffer.from('tail without newline'));
    expected.push('tail without newline');
    await engine.close();
    expect(await fileLines(out)).toEqual(expected);
    expect(counters().lines).toBe(expected.length);
  });

  it('backpressure - a slow open pauses the source above pressureHighBytes and resumes once written', async () => {
    const slowOpen: OpenLogFile = async (options, hooks) => {
      await sleep(100);
      return openLogFile(options, hooks);
    };
    const { engine, telemetry } = start(splitConfig(root), { pressureHighBytes: 1000, openFile: slowOpen });
    const events: boolean[] = [];
    engine.onPressure((paused) => events.push(paused));
    const lines = Array.from({ length: 100 }, (_, index) => `a.example.com GET /${index} HTTP/1.1 200 123`);
    engine.deliver(['www'], body(lines));
    // Pausing is decided in deliver(), before any write is attempted.
    expect(events).toEqual([true]);
    expect(engine.paused).toBe(true);
    expect(engine.pendingBytes).toBeGreaterThan(1000);
    await engine.flush();
    expect(events).toEqual([true, false]);
    expect(engine.paused).toBe(false);
    expect(engine.pendingBytes).toBe(0);
    expect(telemetry.counters.pressurePauses).toBe(1);
    expect((await fileLines(vhostFile('a.example.com'))).length).toBe(100);
  });

  it('backpressure - a failing open keeps the source paused until the engine retries by itself', async () => {
    let failuresLeft = 1;
    const failingOpen: OpenLogFile = async (options, hooks) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      }
      return openLogFile(options, hooks);
    };
    const { engine } = start(splitConfig(root), { pressureHighBytes: 1000, openFile: failingOpen });
    const events: boolean[] = [];
    engine.onPressure((paused) => events.push(paused));
    const lines = Array.from({ length: 100 }, (_, index) => `a.example.com GET /${index} HTTP/1.1 200 123`);
    engine.deliver(['www'], body(lines));
    await engine.flush();
    // The lines are kept, so the source stays paused.
    expect(events).toEqual([true]);
    expect(engine.fileStats().openFailures).toBe(1);
    expect(engine.pendingBytes).toBeGreaterThan(1000);
    // No more traffic: the engine's own retry timer (1 s) flushes after the 500 ms backoff.
    await vi.waitFor(() => expect(events).toEqual([true, false]), { timeout: 4000, interval: 50 });
    expect(engine.pendingBytes).toBe(0);
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(lines.map((line) => line.slice('a.example.com '.length)));
  });

  // BUG: CollectorEngine.#scheduleFlush returns early while a flush is scheduled, before its
  // #checkPressure() call, so deliveries made between scheduling and the flush are never checked:
  // with flush_interval_ms > 0 the queue can grow past pressureHighBytes for the whole interval
  // (and within one event-loop turn when it is 0). Fix: call #checkPressure() first in
  // #scheduleFlush. Remove `.fails` once fixed.
  it('backpressure - deliveries made while a flush is already scheduled also pause the source', async () => {
    const { engine } = start(splitConfig(root, { output: ['flush_interval_ms: 300'] }), { pressureHighBytes: 1000 });
    const events: boolean[] = [];
    engine.onPressure((paused) => events.push(paused));
    // Each body alone is under the threshold; together they are three times over it.
    for (let index = 0; index < 10; index++) engine.deliver(['www'], body([`a.example.com ${'x'.repeat(290)}`]));
    expect(engine.pendingBytes).toBeGreaterThan(1000);
    expect(events).toEqual([true]);
  });

  it('close - writes everything delivered before it; deliver() after close() throws', async () => {
    const file = join(base, 'all.log');
    const yaml = [
      'logs:',
      '  - name: all',
      '    groups: [www]',
      `    file: ${JSON.stringify(file)}`,
      '  - name: www',
      '    groups: [www]',
      '    split:',
      `      root: ${JSON.stringify(root)}`,
      '      path: "{vhost}/access.log"',
      '',
    ].join('\n');
    const { engine } = start(yaml);
    const expected: string[] = [];
    for (let index = 0; index < 200; index++) {
      const line = `v${index % 10}.example.com request ${index}`;
      expected.push(line);
      engine.deliver(['www'], body([line]));
    }
    await engine.close();
    expect(await fileLines(file)).toEqual(expected);
    for (let vhost = 0; vhost < 10; vhost++) {
      const mine = expected.filter((line) => line.startsWith(`v${vhost}.`)).map((line) => line.slice(line.indexOf(' ') + 1));
      expect(await fileLines(vhostFile(`v${vhost}.example.com`))).toEqual(mine);
    }
    expect(engine.pendingBytes).toBe(0);
    expect(() => engine.deliver(['www'], body(['late']))).toThrow('deliver() after close()');
    await engine.close(); // idempotent
    expect(await fileLines(file)).toEqual(expected);
  });
});

describe('collector engine - message tap', () => {
  it('tap - sees every delivered body before routing, until removed; routing is unchanged', async () => {
    const { engine } = start(splitConfig(root));
    const seen: string[] = [];
    engine.tapMessages((groups, data) => seen.push(`${groups.join(',')}:${data.toString('latin1')}`));
    engine.deliver(['www'], body(['a.example.com one']));
    engine.deliver(['other', 'www'], body(['a.example.com two']));
    engine.tapMessages(null);
    engine.deliver(['www'], body(['a.example.com three']));
    await engine.flush();
    expect(seen).toEqual(['www:a.example.com one\n', 'other,www:a.example.com two\n']);
    expect(await fileLines(vhostFile('a.example.com'))).toEqual(['one', 'two', 'three']);
  });
});
