/**
 * Replays the captured spuser session of alice (shared/spec captures, section 1, conn 1)
 * against our daemon and expects the real Spread 5.0.1 daemon's bytes, byte for byte. The
 * daemon id and ring time are pinned to the capture's group id {482711334, 1795305806}.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '@ringlog/daemon';
import { ServiceType } from '@ringlog/wire';
import { RawClient } from './support/raw-client.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const zeros = (n: number): string => '00'.repeat(n);
const name32 = (name: string): string => Buffer.from(name).toString('hex') + zeros(32 - name.length);

const ALICE = '#alice#localhost';
const BOB = '#bob#localhost';

const CAPTURE = {
  hello: hex('05 00 01 01 05 61 6c 69 63 65'),
  authOffer: hex('05 4e 55 4c 4c 20'),
  authChoice: hex(`4e554c4c${zeros(86)}`),
  accept: hex(`01 05 00 01 10 ${Buffer.from(ALICE).toString('hex')}`),
  join: hex(`80000180 ${name32(ALICE)} 01000000 80000080 00000000 ${name32('demo')}`),
  joinMembership: hex(
    `80110080 ${name32('demo')} 02000000 80000080 38000000 ${name32(ALICE)} ${name32(BOB)}` +
      `2697c51c 4e31026b 02000000 01000000 00000000 01000000 ${name32(ALICE)}`,
  ),
  safeSend: hex(`a0000080 ${name32(ALICE)} 01000000 80010080 11000000 ${name32('demo')} ${Buffer.from('hello from alice\n').toString('hex')}`),
  bobReply: hex(`a0000080 ${name32(BOB)} 01000000 80010080 09000000 ${name32('demo')} ${Buffer.from('hi alice\n').toString('hex')}`),
  leave: hex(`80000280 ${name32(ALICE)} 01000000 80000080 00000000 ${name32('demo')}`),
  selfLeave: hex(`80020080 ${name32('demo')} 00000000 80000080 00000000`),
  kill: hex(`80000480 ${name32(ALICE)} 01000000 80000080 00000000 ${name32(ALICE)}`),
};

describe('capture replay - spuser alice against ringlogd', () => {
  let daemon: Daemon;
  beforeEach(async () => {
    daemon = await startDaemon(
      { name: 'localhost', virtualId: 482711334, listen: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] },
      { nowMs: () => 1795305806_000 },
    );
  });
  afterEach(async () => daemon.close());

  it('answers every captured client message with the captured daemon bytes', async () => {
    const address = daemon.addresses[0]!;
    const bob = await RawClient.open(address);
    expect(await bob.handshake('bob')).toBe(BOB);
    bob.join(BOB, 'demo');
    await bob.readFrame();

    const alice = await RawClient.open(address);
    alice.write(CAPTURE.hello);
    expect(await alice.read(6)).toEqual(CAPTURE.authOffer);
    alice.write(CAPTURE.authChoice);
    expect(await alice.read(CAPTURE.accept.length)).toEqual(CAPTURE.accept);
    alice.write(CAPTURE.join);
    expect(await alice.read(CAPTURE.joinMembership.length)).toEqual(CAPTURE.joinMembership);
    await bob.readFrame();

    alice.write(CAPTURE.safeSend);
    expect(await alice.read(CAPTURE.safeSend.length)).toEqual(CAPTURE.safeSend);
    expect(await bob.readFrame()).toEqual(CAPTURE.safeSend);

    bob.send(BOB, ServiceType.SAFE, ['demo'], 'hi alice\n');
    expect(await alice.read(CAPTURE.bobReply.length)).toEqual(CAPTURE.bobReply);
    expect(await bob.readFrame()).toEqual(CAPTURE.bobReply);

    alice.write(CAPTURE.leave);
    expect(await alice.read(CAPTURE.selfLeave.length)).toEqual(CAPTURE.selfLeave);
    const bobSees = await bob.readFrame();
    expect(bobSees.readUInt32LE(0)).toBe(0x80001280);
    expect(bobSees.readUInt32LE(48 + 32 + 8)).toBe(3);

    alice.write(CAPTURE.kill);
    await alice.closed();
    expect(alice.available).toBe(0);
    bob.destroy();
  });
});
