// Integration: `ringlog user` and `ringlog flood` against the real @ringlog/daemon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '@ringlog/daemon';
import { floodRun } from '../src/index.ts';
import { runDemoScenario } from './support/demo-scenario.ts';
import { UserDriver } from './support/user-driver.ts';

const UNIX_PATH = `/tmp/ringlog-cli-it-${process.pid}.sock`;
let daemon: Daemon;
let tcpName: string;

beforeAll(async () => {
  daemon = await startDaemon({ name: 'localhost', listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }, { kind: 'unix', path: UNIX_PATH }] });
  const tcp = daemon.addresses.find((address) => address.kind === 'tcp');
  if (tcp?.kind !== 'tcp') throw new Error('daemon has no TCP listener');
  tcpName = `${tcp.port}@127.0.0.1`;
});

afterAll(async () => {
  await daemon.close();
});

describe('ringlog against @ringlog/daemon', () => {
  it('daemon - user: the spuser transcript scenario over TCP', async () => {
    await runDemoScenario(tcpName);
  });

  it('daemon - user: the transcript scenario over the unix socket', async () => {
    await runDemoScenario(`unix:${UNIX_PATH}`);
  });

  it('daemon - user: a duplicate name prints SP_error (-6) and exits 1', async () => {
    const first = new UserDriver({ user: 'twin', spread: tcpName, random: false });
    await first.waitFor('User> ');
    const second = new UserDriver({ user: 'twin', spread: tcpName, random: false });
    expect(await second.done).toBe(1);
    expect(second.output).toContain('SP_error: (-6) Connection rejected, name not unique.\n');
    first.type('q');
    expect(await first.done).toBe(0);
  });

  it('daemon - flood: self-flood counts every message once', async () => {
    const result = await floodRun({ spread: tcpName, messages: 5000, bytes: 100, group: 'it-self', user: 'itself' });
    expect(result).toMatchObject({ mode: 'members', messages: 5000, deliveries: 5000, bytes: 500_000, outOfOrder: 0 });
  });

  it('daemon - flood: 1 -> 1 over AGREED and SAFE', async () => {
    for (const service of ['AGREED', 'SAFE'] as const) {
      const result = await floodRun({ spread: `unix:${UNIX_PATH}`, messages: 5000, bytes: 100, receivers: 1, service, group: `it-${service}`, user: `it${service}` });
      expect(result).toMatchObject({ messages: 5000, deliveries: 10_000, outOfOrder: 0, receivers: 1 });
    }
  });

  it('daemon - flood: 3 senders -> 2 receivers, and write-only with a read-only peer', async () => {
    const many = await floodRun({ spread: tcpName, messages: 2000, bytes: 200, senders: 3, receivers: 2, window: 100, group: 'it-many', user: 'itmany' });
    expect(many).toMatchObject({ messages: 6000, deliveries: 6000 * 5, outOfOrder: 0 });
    const reading = floodRun({ spread: tcpName, messages: 3000, bytes: 50, readOnly: true, group: 'it-split', user: 'itro' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const writing = await floodRun({ spread: tcpName, messages: 3000, bytes: 50, writeOnly: true, group: 'it-split', user: 'itwo' });
    expect(writing).toMatchObject({ messages: 3000, deliveries: 0 });
    expect(await reading).toMatchObject({ messages: 3000, deliveries: 3000, outOfOrder: 0 });
  });
});
