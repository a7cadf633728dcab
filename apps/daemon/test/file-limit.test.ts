/**
 * When the OS open-file limit, not the daemon, stops new sessions, ringlogd must say so: libuv
 * drops such connections without telling Node, so the daemon checks its own count. The child
 * runs under `prlimit --nofile=256` (lowering a limit needs no privilege).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLogLines, RINGLOGD_BIN, REPO_ROOT, tcpPortOf, waitUntil } from './support/processes.ts';

const FILE_LIMIT = 256;
const held: net.Socket[] = [];
let stop: (() => void) | null = null;

afterEach(() => {
  for (const socket of held.splice(0)) socket.destroy();
  stop?.();
  stop = null;
});

function connect(port: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => resolve(null));
  });
}

describe('file limit - the OS limit on sessions is reported', () => {
  it('logs that the open-file limit is reached, counts it, and keeps serving after clients leave', async () => {
    const child = spawn('prlimit', [`--nofile=${FILE_LIMIT}:${FILE_LIMIT}`, process.execPath, RINGLOGD_BIN, '-l', 'tcp:127.0.0.1:0'], { cwd: REPO_ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    stop = () => child.kill('SIGKILL');
    await waitUntil(() => parseLogLines(stderr).some((l) => l.msg === 'ringlogd started'), 'ringlogd started', () => stderr);
    const started = parseLogLines(stderr).find((l) => l.msg === 'ringlogd started');
    const port = tcpPortOf(started as NonNullable<typeof started>);
    expect(parseLogLines(stderr).some((l) => String(l.msg).includes(`open-file limit (${FILE_LIMIT}) caps this daemon`))).toBe(true);

    for (let i = 0; i < FILE_LIMIT + 20; i++) {
      const socket = await connect(port);
      if (socket !== null) held.push(socket);
    }
    await waitUntil(() => stderr.includes('Cannot accept more connections'), 'the file-limit log line', () => stderr);
    const line = parseLogLines(stderr).find((l) => String(l.msg).startsWith('Cannot accept more connections'));
    expect(line?.['error_code']).toBe('EMFILE');
    expect(line?.['fdLimit']).toBe(FILE_LIMIT);

    for (const socket of held.splice(0)) socket.destroy();
    await waitUntil(async () => {
      const probe = await connect(port);
      if (probe === null) return false;
      const answered = await new Promise<boolean>((resolve) => {
        probe.once('data', () => resolve(true));
        probe.once('close', () => resolve(false));
        probe.write(Buffer.from([5, 0, 1, 1, 1, 0x7a]));
      });
      probe.destroy();
      return answered;
    }, 'a new session after the others left', () => stderr);
  });
});
