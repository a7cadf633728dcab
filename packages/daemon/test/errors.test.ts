/** Every daemon error code is documented, unique and prefixed (fastify test/internals/errors.test.js). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonError, DaemonErrorCode, DaemonErrorDescription, DaemonOptionsError, ListenError, SessionEndReason, startDaemon } from '@ringlog/daemon';

describe('errors', () => {
  const codes = Object.values(DaemonErrorCode);

  it('errors - every DaemonErrorCode has a description', () => {
    for (const code of codes) {
      expect(DaemonErrorDescription[code], code).toMatch(/\S/);
    }
    expect(Object.keys(DaemonErrorDescription).sort()).toEqual([...codes].sort());
  });

  it('errors - codes are unique and start with RL_DAEMON_', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^RL_DAEMON_[A-Z_]+$/);
  });

  it('errors - each error class carries its code, its class name and a cause', () => {
    const cause = new Error('root');
    const error = new ListenError(DaemonErrorCode.LISTEN_FAILED, 'cannot bind', { cause });
    expect(error).toBeInstanceOf(DaemonError);
    expect(error.name).toBe('ListenError');
    expect(error.code).toBe('RL_DAEMON_LISTEN_FAILED');
    expect(error.cause).toBe(cause);
  });

  it('errors - session end reasons are a bounded set of snake_case labels', () => {
    const reasons = Object.values(SessionEndReason);
    expect(new Set(reasons).size).toBe(reasons.length);
    for (const reason of reasons) expect(reason).toMatch(/^[a-z_]+$/);
  });

  it('errors - bad options throw DaemonOptionsError with RL_DAEMON_BAD_OPTIONS, listing every problem', async () => {
    const attempt = startDaemon({ name: 'a#b', sessionQueueMaxMessages: 0, authMethods: ['IP'], listen: [] });
    await expect(attempt).rejects.toBeInstanceOf(DaemonOptionsError);
    await expect(attempt).rejects.toMatchObject({ code: DaemonErrorCode.BAD_OPTIONS });
    await expect(attempt).rejects.toThrow(/daemon name.*; only the NULL auth method.*; sessionQueueMaxMessages/);
  });

  it('errors - a listen address in use throws ListenError with RL_DAEMON_LISTEN_FAILED', async () => {
    const first = await startDaemon({ listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] });
    try {
      const taken = first.addresses[0]!;
      await expect(startDaemon({ listen: [taken] })).rejects.toMatchObject({ code: DaemonErrorCode.LISTEN_FAILED, name: 'ListenError' });
    } finally {
      await first.close();
    }
  });

  it('errors - a unix path that is a regular file throws RL_DAEMON_UNIX_PATH_NOT_SOCKET and is left alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ringlog-daemon-test-'));
    try {
      const file = path.join(dir, '4803');
      await writeFile(file, 'precious');
      await expect(startDaemon({ listen: [{ kind: 'unix', path: file }] })).rejects.toMatchObject({ code: DaemonErrorCode.UNIX_PATH_NOT_SOCKET });
      expect(await readFile(file, 'utf8')).toBe('precious');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
