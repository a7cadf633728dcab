/**
 * The connect handshake over real sockets, against the bytes of Spread 5.0.1 (spec §6.2,
 * captures sections 1, 2 and 4). Every reject is Spread's one code byte, then close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonOptions } from '@ringlog/daemon';
import { encodeAuthChoice, encodeHello, encodeMessage, hintFromMessType, ServiceType } from '@ringlog/wire';
import { Harness, membershipOf, waitFor } from './support/harness.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ascii = (text: string): string => Buffer.from(text, 'latin1').toString('hex');

const AUTH_OFFER = hex('05 4e 55 4c 4c 20');
const NULL_CHOICE = encodeAuthChoice(['NULL']);
const accept501 = (group: string): Buffer => hex(`01 05 00 01 ${group.length.toString(16).padStart(2, '0')} ${ascii(group)}`);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Partial<DaemonOptions> = {}): Promise<Harness> {
  harness = await Harness.start(options);
  return harness;
}

describe.each(['tcp', 'unix'] as const)('handshake over %s', (transport) => {
  it('handshake - a 5.0.1 hello gets the NULL offer, then the accept with the patch byte', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex(`05 00 01 01 05 ${ascii('alice')}`));
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    client.write(NULL_CHOICE);
    expect(await client.read(21)).toEqual(accept501('#alice#localhost'));
    expect(h.daemon.sessionCount).toBe(1);
    expect(h.daemon.counters.sessionsAccepted).toBe(1);
  });

  it('handshake - a duplicate name gets 0xfa then close, and is free again once the first session ends', async () => {
    const h = await start();
    const first = await h.connect('bob', { transport });
    const second = await h.open(transport);
    second.write(encodeHello({ name: 'bob', membership: true }));
    expect(await second.readToEnd()).toEqual(hex('fa'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ not_unique: 1 });

    first.client.kill(first.group);
    await first.client.closed();
    const third = await h.open(transport);
    expect(await third.handshake('bob')).toBe('#bob#localhost');
  });

  it.each([
    ['a#b', hex(`05 00 01 01 03 ${ascii('a#b')}`)],
    ['a space', hex(`05 00 01 01 03 ${ascii('a b')}`)],
    ['an 11-character name', hex(`05 00 01 01 0b ${ascii('abcdefghijk')}`)],
    ['a negative name length', hex('05 00 01 01 ff')],
    ['a control character', hex('05 00 01 01 02 41 07')],
  ])('handshake - %s gets REJECT_ILLEGAL_NAME 0xfb then close', async (_, hello) => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hello);
    expect(await client.readToEnd()).toEqual(hex('fb'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ illegal_name: 1 });
    expect(h.daemon.connectionCount).toBe(0);
  });

  it('handshake - library 3.00 gets REJECT_VERSION 0xf9 then close', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex('03 00 01 02 76 31'));
    expect(await client.readToEnd()).toEqual(hex('f9'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ version: 1 });
  });

  it('handshake - library 3.14 has no patch byte and no auth phase: accepted with exactly 01 05 00 0d #v2#localhost', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex(`03 0e 01 02 ${ascii('v2')}`));
    expect(await client.read(17)).toEqual(hex(`01 05 00 0d ${ascii('#v2#localhost')}`));
    // Nothing else came first: the next bytes are the join notification.
    client.join('#v2#localhost', 'demo');
    const joined = await client.readMessage();
    expect(joined.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN);
    expect(joined.groups).toEqual(['#v2#localhost']);
  });

  it('handshake - library 3.15.0 sends a patch byte and gets one back, without auth phase', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex(`03 0f 00 01 02 ${ascii('v3')}`));
    expect(await client.read(18)).toEqual(hex(`01 05 00 01 0d ${ascii('#v3#localhost')}`));
    expect(h.daemon.sessionCount).toBe(1);
  });

  it('handshake - bytes pipelined after a 3.15 hello are not lost', async () => {
    const h = await start();
    const client = await h.open(transport);
    const join = encodeMessage({ type: ServiceType.JOIN, sender: '#v3#localhost', groups: ['demo'], hint: hintFromMessType(0) });
    client.write(Buffer.concat([hex(`03 0f 00 01 02 ${ascii('v3')}`), join]));
    expect(await client.read(18)).toEqual(hex(`01 05 00 01 0d ${ascii('#v3#localhost')}`));
    expect((await client.readMessage()).header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_JOIN);
  });

  it('handshake - auth choice "IP" gets the offer, then REJECT_AUTH 0xf7 and close', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex(`04 00 00 01 02 ${ascii('v4')}`));
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    client.write(encodeAuthChoice(['IP']));
    expect(await client.readToEnd()).toEqual(hex('f7'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ auth: 1 });
    // The name reserved by the hello is free again.
    expect(await (await h.open(transport)).handshake('v4')).toBe('#v4#localhost');
  });

  it('handshake - a 4-byte auth choice gets 0xf7 and close when the handshake timeout expires', async () => {
    const h = await start({ handshakeTimeoutMs: 200 });
    const client = await h.open(transport);
    client.write(hex(`05 00 01 01 02 ${ascii('v5')}`));
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    client.write(hex(ascii('NULL')));
    expect(await client.readToEnd()).toEqual(hex('f7'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ auth: 1 });
    expect(await (await h.open(transport)).handshake('v5')).toBe('#v5#localhost');
  });

  it('handshake - a client that closes between hello and auth choice frees its name', async () => {
    const h = await start();
    const quitter = await h.open(transport);
    quitter.write(encodeHello({ name: 'ghost', membership: true }));
    expect(await quitter.read(6)).toEqual(AUTH_OFFER);
    quitter.destroy();
    await waitFor(() => h.daemon.connectionCount === 0, 'the half-done handshake to end');
    expect(await (await h.open(transport)).handshake('ghost')).toBe('#ghost#localhost');
    expect(h.daemon.sessionCount).toBe(1);
  });

  it('handshake - a silent connection is closed at the timeout, and a client connecting meanwhile is accepted at once', async () => {
    // Spread stalls every accept for up to 1 s behind a silent socket (captures section 4).
    const h = await start({ handshakeTimeoutMs: 1_500 });
    const silent = await h.open(transport);
    const normal = await h.open(transport);
    expect(await normal.handshake('afters')).toBe('#afters#localhost');
    expect(silent.ended).toBe(false);
    expect(await silent.readToEnd()).toEqual(Buffer.alloc(0));
    expect(h.daemon.counters.sessionsRejected).toEqual({ incomplete_hello: 1 });
    expect(normal.ended).toBe(false);
  });

  it('handshake - an empty name gets an invented #r<digits>-<digits>#localhost of at most 10 characters', async () => {
    const h = await start();
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const group = await (await h.open(transport)).handshake('');
      const user = /^#(r\d+-\d+)#localhost$/.exec(group)?.[1];
      expect(user, group).toBeDefined();
      expect((user as string).length).toBeLessThanOrEqual(10);
      names.add(group);
    }
    expect(names.size).toBe(5);
  });

  it('handshake - a hello and auth choice written one byte at a time are accepted', async () => {
    const h = await start();
    const client = await h.open(transport);
    const hello = encodeHello({ name: 'slowpoke', membership: true });
    for (const byte of hello) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    for (const byte of NULL_CHOICE.subarray(0, 10)) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    client.write(NULL_CHOICE.subarray(10));
    expect(await client.readAccept()).toBe('#slowpoke#localhost');
  });

  it('handshake - hello, auth choice and a join pipelined in one write are all served', async () => {
    const h = await start();
    const client = await h.open(transport);
    const join = encodeMessage({ type: ServiceType.JOIN, sender: '#pipe#localhost', groups: ['demo'], hint: hintFromMessType(0) });
    client.write(Buffer.concat([encodeHello({ name: 'pipe', membership: true }), NULL_CHOICE, join]));
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    expect(await client.read(20)).toEqual(accept501('#pipe#localhost'));
    const joined = await client.readMessage();
    expect(joined.header.sender).toBe('demo');
    expect(membershipOf(joined).vsSets).toEqual([['#pipe#localhost']]);
  });

  it('handshake - past maxSessions a hello gets REJECT_QUOTA 0xfd then close', async () => {
    const h = await start({ maxSessions: 2 });
    const first = await h.connect('q1', { transport });
    await h.connect('q2', { transport });
    const third = await h.open(transport);
    third.write(encodeHello({ name: 'q3', membership: true }));
    expect(await third.readToEnd()).toEqual(hex('fd'));
    expect(h.daemon.counters.sessionsRejected).toEqual({ quota: 1 });

    first.client.kill(first.group);
    await first.client.closed();
    expect(await (await h.open(transport)).handshake('q3')).toBe('#q3#localhost');
  });

  it('handshake - bytes that follow a rejected hello are ignored and the daemon keeps serving', async () => {
    const h = await start();
    const client = await h.open(transport);
    client.write(hex(`05 00 01 01 03 ${ascii('a#b')}`));
    expect(await client.read(1)).toEqual(hex('fb'));
    // A pipelining client sends its auth choice without waiting for the offer.
    client.write(NULL_CHOICE);
    await client.closed();
    expect(await (await h.open(transport)).handshake('after')).toBe('#after#localhost');
  });

  it('handshake - bytes that follow an auth reject are ignored and the daemon keeps serving', async () => {
    const h = await start({ handshakeTimeoutMs: 200 });
    const client = await h.open(transport);
    client.write(hex(`05 00 01 01 02 ${ascii('v5')}`));
    expect(await client.read(6)).toEqual(AUTH_OFFER);
    client.write(hex(ascii('NU')));
    expect(await client.read(1)).toEqual(hex('f7'));
    client.write(NULL_CHOICE);
    await client.closed();
    expect(await (await h.open(transport)).handshake('after')).toBe('#after#localhost');
  });

  it('handshake - a rejected peer that never closes its side is cut off after one more handshake timeout', async () => {
    const h = await start({ handshakeTimeoutMs: 200 });
    const client = await h.open(transport, { allowHalfOpen: true });
    client.write(hex(`05 00 01 01 03 ${ascii('a#b')}`));
    expect(await client.read(1)).toEqual(hex('fb'));
    // Trickled bytes do not keep the socket; once it is gone a write fails and the client closes.
    await waitFor(() => {
      client.write(hex('00'));
      return client.ended;
    }, 'the daemon to drop the half-open connection');
  });
});
