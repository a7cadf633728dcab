import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDaemon, type FakeDaemon } from '@ringlog/client/internal';
import { CliError, floodRun, resolveFloodOptions, runCli } from '../src/index.ts';
import { sessionName } from '../src/internal.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function daemon(): Promise<FakeDaemon> {
  const fake = await startFakeDaemon();
  cleanups.push(() => fake.close());
  return fake;
}

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr }, out };
}

describe('floodRun', () => {
  it('flood - self-flood: the sender receives every message back, in order', async () => {
    const fake = await daemon();
    const result = await floodRun({ spread: fake.spreadName, messages: 2000, bytes: 100, group: 'self', user: 'self' });
    expect(result).toMatchObject({ mode: 'members', messages: 2000, deliveries: 2000, bytes: 200_000, outOfOrder: 0, senders: 1, receivers: 0 });
    expect(result.elapsedSeconds).toBeGreaterThan(0);
    expect(result.messagesPerSecond).toBeCloseTo(2000 / result.elapsedSeconds);
    expect(result.megabytesPerSecond).toBeCloseTo(0.2 / result.elapsedSeconds);
  });

  it('flood - 1 -> 1: a sender and a read-only receiver both count everything', async () => {
    const fake = await daemon();
    const result = await floodRun({ spread: fake.spreadName, messages: 3000, bytes: 50, receivers: 1, window: 50, group: 'one', user: 'one' });
    expect(result).toMatchObject({ messages: 3000, deliveries: 6000, outOfOrder: 0, receivers: 1 });
  });

  it('flood - several senders, senders outside the group, tiny payloads', async () => {
    const fake = await daemon();
    const many = await floodRun({ spread: fake.spreadName, messages: 500, bytes: 8, senders: 3, receivers: 2, window: 10, group: 'many', user: 'many' });
    expect(many).toMatchObject({ messages: 1500, deliveries: 1500 * 5, outOfOrder: 0 });
    const outside = await floodRun({ spread: fake.spreadName, messages: 500, bytes: 0, receivers: 1, senderMember: false, group: 'out', user: 'out' });
    expect(outside).toMatchObject({ messages: 500, deliveries: 500 });
  });

  it('flood - write-only ends when the marker comes back; read-only counts a remote sender', async () => {
    const fake = await daemon();
    const reading = floodRun({ spread: fake.spreadName, messages: 1000, bytes: 20, readOnly: true, group: 'split', user: 'ro' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const writing = await floodRun({ spread: fake.spreadName, messages: 1000, bytes: 20, writeOnly: true, group: 'split', user: 'wo' });
    expect(writing).toMatchObject({ mode: 'write-only', messages: 1000, deliveries: 0 });
    expect(await reading).toMatchObject({ mode: 'read-only', messages: 1000, deliveries: 1000, outOfOrder: 0 });
  });

  it('flood - contradictory options are refused before connecting', () => {
    expect(() => resolveFloodOptions({ readOnly: true, writeOnly: true })).toThrow(CliError);
    expect(() => resolveFloodOptions({ senderMember: false })).toThrow(/--receivers/);
    expect(() => resolveFloodOptions({ writeOnly: true, receivers: 1 })).toThrow(/--wo/);
    expect(() => resolveFloodOptions({ bytes: 143_121 })).toThrow(/at most 143120/);
    expect(sessionName('flooder', 's', 12)).toBe('flooders12');
    expect(sessionName('', 'r', 0)).toBe('');
    expect(sessionName('verylongname', 'r', 1)).toBe('verylongr1');
  });

  it('flood - the CLI prints text or one JSON object', async () => {
    const fake = await daemon();
    const text = io();
    expect(await runCli(['flood', '-s', fake.spreadName, '-m', '200', '-b', '10', '--group', 'cli', '-u', 'cli'], text.io)).toBe(0);
    expect(text.out.stdout).toMatch(/^flood: AGREED, 1 sender -> 0 receivers, 10 bytes per message, window 500\nmessages: +200\nbytes: +2000\nelapsed: +\d+\.\d{3} s\nmsgs\/s: +\d+\nMB\/s: +\d+\.\d\d\n/);
    const json = io();
    expect(await runCli(['flood', '-s', fake.spreadName, '-m', '200', '--json', '--group', 'cli2', '-u', 'cli2'], json.io)).toBe(0);
    expect(JSON.parse(json.out.stdout)).toMatchObject({ messages: 200, bytes: 200_000, service: 'AGREED' });
    const refused = io();
    expect(await runCli(['flood', '-s', `unix:/tmp/ringlog-none-${process.pid}`], refused.io)).toBe(1);
    expect(refused.out.stderr).toContain('SP_error: (-2)');
    const contradictory = io();
    expect(await runCli(['flood', '--ro', '--wo'], contradictory.io)).toBe(2);
  });

  it('flood - a session lost mid-run fails the run with its cause', async () => {
    const fake = await daemon();
    const run = floodRun({ spread: fake.spreadName, messages: 1_000_000, bytes: 10, receivers: 1, group: 'lost', user: 'lost' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake.dropAll();
    await expect(run).rejects.toMatchObject({ code: 'RL_CLI_FLOOD_SESSION_LOST' });
  });
});
