/**
 * The upstream sender against a real daemon (in this process) and a real spool on disk: what the
 * spool holds reaches a group member in order, the spool forgets only what the daemon confirmed,
 * and a daemon that goes away and comes back gets every unconfirmed batch again.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReconnectingSession, connect, type SpreadSession } from '@ringlog/client';
import { startDaemon, type Daemon } from '@ringlog/daemon';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../src/spool/spool.ts';
import { UpstreamSender } from '../src/upstream-sender.ts';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-sender-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function daemonAt(socket: string): Promise<Daemon> {
  const daemon = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path: socket }] });
  cleanups.push(() => daemon.close());
  return daemon;
}

/**
 * A daemon at `socket` that already has a receiver in `group` when the sender can first reach it:
 * bound at a staging path, joined, then moved into place. Otherwise a quick reconnect could hand
 * batches to a daemon with no member yet, which drops them (Spread's rule), and the test would race.
 */
async function daemonWithReceiver(socket: string, group: string): Promise<{ lines: string[] }> {
  const staging = `${socket}.staging`;
  await daemonAt(staging);
  const rx = await receiver(staging, group);
  renameSync(staging, socket);
  return rx;
}

function openSpool(dir: string): Spool {
  const spool = Spool.open({ dir, segmentBytes: 1 << 20, maxBytes: 64 << 20, memoryMaxBytes: 1 << 20, fsyncIntervalMs: 0 });
  cleanups.push(() => spool.close());
  return spool;
}

/** A group member that records every line it receives. */
async function receiver(socket: string, group: string): Promise<{ session: SpreadSession; lines: string[] }> {
  const session = await connect({ endpoint: `unix:${socket}`, name: `rx${Math.floor(Math.random() * 1e6)}`, membership: true });
  cleanups.push(() => session.disconnect());
  const lines: string[] = [];
  let joined = false;
  session.onEvent((event) => {
    if (event.type === 'membership' && event.group === group) joined = true;
    if (event.type === 'message') lines.push(...event.data.toString('latin1').split('\n').filter((line) => line !== ''));
  });
  session.join(group);
  // The daemon has applied the join once its membership message arrives; only then may senders start.
  await until(() => joined);
  return { session, lines };
}

function senderFor(spool: Spool, socket: string, windowBytes = 256 << 10): { sender: UpstreamSender; session: ReconnectingSession } {
  const session = new ReconnectingSession({ endpoint: `unix:${socket}`, name: 'ship', membership: false, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
  const sender = new UpstreamSender(spool, session, { service: 'AGREED', windowBytes });
  cleanups.push(() => sender.close());
  return { sender, session };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function appendLines(spool: Spool, group: string, first: number, count: number, perBatch: number): void {
  for (let start = first; start < first + count; start += perBatch) {
    const lines = Array.from({ length: Math.min(perBatch, first + count - start) }, (_, i) => `line-${start + i} ${'x'.repeat(150)}`);
    spool.append(group, Buffer.from(`${lines.join('\n')}\n`, 'latin1'), lines.length);
  }
}

const expected = (count: number): string[] => Array.from({ length: count }, (_, i) => `line-${i} ${'x'.repeat(150)}`);

describe('UpstreamSender', () => {
  it('sends - everything spooled reaches the group in order, and the spool forgets it once confirmed', async () => {
    const dir = tempDir();
    const socket = join(dir, 'd.sock');
    await daemonAt(socket);
    const rx = await receiver(socket, 'www');
    const spool = openSpool(join(dir, 'spool'));
    const { sender } = senderFor(spool, socket, 64 << 10);
    appendLines(spool, 'www', 0, 5000, 100);
    sender.notify();
    await until(() => rx.lines.length === 5000 && spool.pendingBytes === 0);
    expect(rx.lines).toEqual(expected(5000));
    expect(sender.stats.markersReturned).toBeGreaterThan(1);
    expect(sender.unconfirmedBytes).toBe(0);
  });

  it('window - never more than windowBytes sent and unconfirmed', async () => {
    const dir = tempDir();
    const socket = join(dir, 'd.sock');
    await daemonAt(socket);
    const rx = await receiver(socket, 'www');
    const spool = openSpool(join(dir, 'spool'));
    const { sender } = senderFor(spool, socket, 32 << 10);
    let maxUnconfirmed = 0;
    const probe = setInterval(() => (maxUnconfirmed = Math.max(maxUnconfirmed, sender.unconfirmedBytes)), 1);
    cleanups.push(() => clearInterval(probe));
    appendLines(spool, 'www', 0, 3000, 50);
    sender.notify();
    await until(() => rx.lines.length === 3000);
    // One record may cross the window edge.
    expect(maxUnconfirmed).toBeLessThanOrEqual((32 << 10) + 50 * 170 + 64);
  });

  it('daemon away - spooled lines wait, then all arrive once the daemon is back', async () => {
    const dir = tempDir();
    const socket = join(dir, 'd.sock');
    const spool = openSpool(join(dir, 'spool'));
    const { sender } = senderFor(spool, socket);
    appendLines(spool, 'www', 0, 2000, 100);
    sender.notify();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sender.connected).toBe(false);
    expect(spool.pendingRecords).toBe(20);
    const rx = await daemonWithReceiver(socket, 'www');
    await until(() => spool.pendingBytes === 0);
    await until(() => rx.lines.length === 2000);
    expect(rx.lines).toEqual(expected(2000));
  });

  it('daemon restart - unconfirmed batches are sent again; nothing is lost', async () => {
    const dir = tempDir();
    const socket = join(dir, 'd.sock');
    const first = await startDaemon({ name: 'localhost', listen: [{ kind: 'unix', path: socket }] });
    const spool = openSpool(join(dir, 'spool'));
    const { sender } = senderFor(spool, socket, 16 << 10);
    await until(() => sender.connected);
    // No receiver yet: confirmed batches are gone for good (nobody had joined), which is Spread's rule.
    await first.close();
    await until(() => !sender.connected);
    appendLines(spool, 'www', 0, 3000, 100);
    sender.notify();
    const rx = await daemonWithReceiver(socket, 'www');
    await until(() => spool.pendingBytes === 0);
    await until(() => rx.lines.length >= 3000);
    expect(new Set(rx.lines)).toEqual(new Set(expected(3000)));
    expect(sender.stats.connects).toBe(2);
  });

  it('restart of the shipper - a new sender over the same spool sends what the old one left', async () => {
    const dir = tempDir();
    const socket = join(dir, 'd.sock');
    await daemonAt(socket);
    const rx = await receiver(socket, 'www');
    const spoolDir = join(dir, 'spool');
    const spool = Spool.open({ dir: spoolDir, segmentBytes: 1 << 20, maxBytes: 64 << 20, memoryMaxBytes: 1 << 20, fsyncIntervalMs: 0 });
    appendLines(spool, 'www', 0, 1000, 100);
    spool.close();
    const reopened = openSpool(spoolDir);
    expect(reopened.pendingRecords).toBe(10);
    const { sender } = senderFor(reopened, socket);
    sender.notify();
    await until(() => rx.lines.length === 1000 && reopened.pendingBytes === 0);
    expect(rx.lines).toEqual(expected(1000));
  });
});
