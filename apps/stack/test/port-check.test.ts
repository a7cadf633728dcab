import { spawnSync } from 'node:child_process';
import { lstat, mkdir } from 'node:fs/promises';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../daemon/test/support/processes.ts';
import { assertSocketsFree, stackPortUses } from '../src/port-check.ts';
import { stackLayout } from '../src/stack-layout.ts';

let dir: string;
let remove: () => Promise<void>;

beforeEach(async () => {
  ({ dir, remove } = await makeTempDir());
});

afterEach(async () => {
  await remove();
});

function listenUnix(path: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => server.once('error', reject).listen(path, () => resolve(server)));
}

describe('port check', () => {
  it('port check - every port of the stack is listed once per protocol with the option that moves it', () => {
    const uses = stackPortUses(stackLayout(dir));
    expect(uses.map((use) => `${use.protocol}:${use.port}`)).toEqual([
      'tcp:4901', 'udp:4901', 'udp:4902', 'tcp:4911', 'udp:4911', 'udp:4912', 'tcp:4921', 'udp:4921', 'udp:4922',
      'tcp:9181', 'tcp:9180', 'tcp:5140', 'tcp:9182',
    ]);
    expect(uses.find((use) => use.port === 4912)).toMatchObject({ use: "d2's ring token", option: '--daemon-ports' });
  });

  it('port check - a live socket of another stack in the same directory stops the start; a stale one does not', async () => {
    const layout = stackLayout(dir);
    await mkdir(layout.runDir, { recursive: true });
    const server = await listenUnix(layout.accessSocket);
    await expect(assertSocketsFree(layout)).rejects.toMatchObject({ code: 'RL_STACK_SOCKET_IN_USE', message: expect.stringContaining(`${layout.accessSocket} answers: another ringlog stack`) });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // A closed server unlinks its socket; a killed one leaves the file with nobody listening.
    const script = `require('node:net').createServer().listen(${JSON.stringify(layout.pipeSocket)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script]);
    expect((await lstat(layout.pipeSocket)).isSocket()).toBe(true);
    await expect(assertSocketsFree(layout)).resolves.toBeUndefined();
  });
});
