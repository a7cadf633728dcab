/**
 * What sessions receive (spec §6.3, §6.5, §9; captures section 1, conns 1 and 5). "Gets
 * nothing" is checked with a barrier: a later message that must be the next frame.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeMessage, ENDIAN_MARKER, hintFromMessType, type Message, ServiceName, ServiceType } from '@ringlog/wire';
import { type Connected, DAEMON_ID, Harness, isMembership, membershipOf, RING_TIME_SECS, wireType } from './support/harness.ts';

const { AGREED, FIFO, REG_MEMB, CAUSED_BY_JOIN, CAUSED_BY_LEAVE, CAUSED_BY_DISCONNECT, SELF_DISCARD, UNRELIABLE } = ServiceType;
const SERVICES = [ServiceType.UNRELIABLE, ServiceType.RELIABLE, ServiceType.FIFO, ServiceType.CAUSAL, ServiceType.AGREED, ServiceType.SAFE];
const text = (message: Message): string => message.data.toString('latin1');

let harness: Harness;
beforeEach(async () => {
  harness = await Harness.start();
});
afterEach(async () => harness.close());

/** Reads the next frame and checks it is the data message `body` from `sender`. */
async function expectData(receiver: Connected, sender: Connected, body: string): Promise<Message> {
  const message = await receiver.client.readMessage();
  expect(isMembership(message), `expected data "${body}", got type 0x${wireType(message).toString(16)}`).toBe(false);
  expect(message.header.sender).toBe(sender.group);
  expect(text(message)).toBe(body);
  return message;
}

async function expectMembership(receiver: Connected, type: number, group: string, members: string[], changed: string, index: number): Promise<Message> {
  const message = await receiver.client.readMessage();
  expect(wireType(message)).toBe((type | ENDIAN_MARKER) >>> 0);
  expect(message.header.sender).toBe(group);
  expect(message.groups).toEqual(members);
  expect(message.header.hint).toBe(ENDIAN_MARKER);
  expect(membershipOf(message)).toEqual({ groupId: { procId: DAEMON_ID, time: RING_TIME_SECS, index }, vsSets: [[changed]], localVsSetOffset: 0 });
  return message;
}

describe('delivery - data', () => {
  it.each(SERVICES.map((service) => [ServiceName[service], service] as const))(
    'delivery - %s is delivered with its bit and the endian marker, to the sender too',
    async (_, service) => {
      const a = await harness.member('a', 'demo');
      const b = await harness.member('b', 'demo');
      await a.client.readMessage();
      a.client.send(a.group, service, ['demo'], 'payload', 7);
      for (const receiver of [a, b]) {
        const message = await expectData(receiver, a, 'payload');
        expect(wireType(message)).toBe((service | ENDIAN_MARKER) >>> 0);
        expect(message.groups).toEqual(['demo']);
        expect(message.header.hint).toBe(hintFromMessType(7));
      }
    },
  );

  it('delivery - SELF_DISCARD: the sender gets nothing, the others see 0x800000d0', async () => {
    const a = await harness.member('a', 'demo');
    const b = await harness.member('b', 'demo');
    await a.client.readMessage();
    a.client.send(a.group, AGREED | SELF_DISCARD, ['demo'], 'discarded');
    a.client.send(a.group, AGREED, ['demo'], 'barrier');
    expect(wireType(await expectData(b, a, 'discarded'))).toBe(0x8000_00d0);
    await expectData(b, a, 'barrier');
    await expectData(a, a, 'barrier');
  });

  it('delivery - a message to [demo, other] reaches a session in both groups once, with the full list', async () => {
    const both = await harness.member('both', 'demo');
    both.client.join(both.group, 'other');
    await both.client.readMessage();
    const onlyDemo = await harness.member('d', 'demo');
    const onlyOther = await harness.member('o', 'other');
    await both.client.readMessage();
    await both.client.readMessage();
    const sender = await harness.connect('rawa');
    sender.client.send(sender.group, AGREED | SELF_DISCARD, ['demo', 'other'], 'multigroup self-discard', 0x1234);
    sender.client.send(sender.group, AGREED, ['demo', 'other'], 'barrier');
    for (const receiver of [both, onlyDemo, onlyOther]) {
      const message = await expectData(receiver, sender, 'multigroup self-discard');
      expect(message.groups).toEqual(['demo', 'other']);
      expect(message.header.hint).toBe(0x8012_3480);
      await expectData(receiver, sender, 'barrier');
    }
  });

  it('delivery - point-to-point to #rawb#localhost reaches rawb alone', async () => {
    const rawb = await harness.member('rawb', 'demo');
    const rawa = await harness.member('rawa', 'demo');
    await rawb.client.readMessage();
    rawa.client.send(rawa.group, FIFO, ['#rawb#localhost'], 'p2p to rawb', 42);
    rawa.client.send(rawa.group, FIFO, ['#nobody#localhost'], 'to nobody');
    rawa.client.send(rawa.group, FIFO, ['demo'], 'barrier');
    const message = await expectData(rawb, rawa, 'p2p to rawb');
    expect(wireType(message)).toBe(0x8000_0084);
    expect(message.groups).toEqual(['#rawb#localhost']);
    expect(message.header.hint).toBe(0x8000_2a80);
    await expectData(rawb, rawa, 'barrier');
    await expectData(rawa, rawa, 'barrier');
  });

  it('delivery - groups are open: a non-member reaches the members and does not get its own copy', async () => {
    const member = await harness.member('m', 'demo');
    const outsider = await harness.connect('out');
    outsider.client.send(outsider.group, AGREED, ['demo'], 'from outside');
    outsider.client.send(outsider.group, AGREED, [outsider.group], 'barrier');
    await expectData(member, outsider, 'from outside');
    await expectData(outsider, outsider, 'barrier');
  });

  it('delivery - num_groups 0 is accepted and delivered to nobody', async () => {
    const a = await harness.member('a', 'demo');
    const b = await harness.member('b', 'demo');
    await a.client.readMessage();
    a.client.send(a.group, AGREED, [], 'to no group');
    a.client.send(a.group, AGREED, ['demo'], 'barrier');
    await expectData(a, a, 'barrier');
    await expectData(b, a, 'barrier');
    expect(harness.daemon.counters.protocolViolations).toEqual({});
  });

  it('delivery - UNRELIABLE comes back to a sender that is a member (captured 0x80000081)', async () => {
    const rawa = await harness.member('rawa', 'demo');
    rawa.client.send(rawa.group, UNRELIABLE, ['demo'], 'unreliable to demo');
    expect(wireType(await expectData(rawa, rawa, 'unreliable to demo'))).toBe(0x8000_0081);
  });

  it('delivery - mess_type and hint reach the receiver byte for byte', async () => {
    const a = await harness.member('a', 'demo');
    for (const messType of [0, 1, 42, 0x1234, 0xffff]) {
      a.client.send(a.group, AGREED, ['demo'], `m${messType}`, messType);
      const frame = await a.client.readFrame();
      expect(frame.readUInt32LE(40)).toBe(hintFromMessType(messType));
    }
  });

  it('delivery - a big-endian header is delivered re-marked little-endian, hint kept as sent', async () => {
    const a = await harness.member('a', 'demo');
    const payload = Buffer.from('big');
    const frame = Buffer.alloc(48 + 32 + payload.length);
    frame.writeUInt32BE(AGREED, 0);
    frame.write(a.group, 4, 'latin1');
    frame.writeInt32BE(1, 36);
    frame.writeUInt32BE(0x1234 << 8, 40);
    frame.writeInt32BE(payload.length, 44);
    frame.write('demo', 48, 'latin1');
    payload.copy(frame, 80);
    a.client.write(frame);
    const delivered = await a.client.readFrame();
    expect(delivered.readUInt32LE(0)).toBe(0x8000_0090);
    expect(delivered.subarray(40, 44)).toEqual(frame.subarray(40, 44));
    expect(delivered.readInt32LE(36)).toBe(1);
    expect(delivered.readInt32LE(44)).toBe(3);
    expect(delivered.subarray(48)).toEqual(frame.subarray(48));
  });

  it('delivery - two senders interleaving 400 messages each: both receivers see one identical sequence', async () => {
    const receivers = [await harness.member('r1', 'demo'), await harness.member('r2', 'demo')];
    await receivers[0]!.client.readMessage();
    const senders = [await harness.connect('s1'), await harness.connect('s2')];
    const perSender = 400;
    for (let i = 0; i < perSender; i += 20) {
      for (const sender of senders) {
        const batch: Buffer[] = [];
        for (let j = i; j < i + 20; j++) {
          batch.push(encodeMessage({ type: AGREED, sender: sender.group, groups: ['demo'], hint: hintFromMessType(0), data: Buffer.from(`${sender.group} ${j}`) }));
        }
        sender.client.write(Buffer.concat(batch));
      }
    }
    const sequences: string[][] = [];
    for (const receiver of receivers) {
      const seen: string[] = [];
      for (let n = 0; n < perSender * senders.length; n++) seen.push(text(await receiver.client.readMessage()));
      sequences.push(seen);
    }
    expect(sequences[1]).toEqual(sequences[0]);
    for (const sender of senders) {
      const own = sequences[0]!.filter((line) => line.startsWith(`${sender.group} `));
      expect(own).toEqual(Array.from({ length: perSender }, (_, j) => `${sender.group} ${j}`));
    }
  });
});

describe('delivery - membership', () => {
  const ZED = '#zed#localhost';
  const AMY = '#amy#localhost';
  const MAX = '#max#localhost';

  it('delivery - each join sends REG_MEMB|CAUSED_BY_JOIN to all members: sorted list, vs_set = joiner, index 1, 2, 3', async () => {
    const zed = await harness.connect('zed');
    zed.client.join(zed.group, 'demo');
    await expectMembership(zed, REG_MEMB | CAUSED_BY_JOIN, 'demo', [ZED], ZED, 1);
    const amy = await harness.connect('amy');
    amy.client.join(amy.group, 'demo');
    const toAmy = await expectMembership(amy, REG_MEMB | CAUSED_BY_JOIN, 'demo', [AMY, ZED], AMY, 2);
    const toZed = await expectMembership(zed, REG_MEMB | CAUSED_BY_JOIN, 'demo', [AMY, ZED], AMY, 2);
    expect(toZed).toEqual(toAmy);
    const max = await harness.connect('max');
    max.client.join(max.group, 'demo');
    for (const receiver of [max, zed, amy]) {
      await expectMembership(receiver, REG_MEMB | CAUSED_BY_JOIN, 'demo', [AMY, MAX, ZED], MAX, 3);
    }
  });

  it('delivery - a leave sends CAUSED_BY_LEAVE to the rest and an empty self-leave to the leaver', async () => {
    const zed = await harness.member('zed', 'demo');
    const amy = await harness.member('amy', 'demo');
    await zed.client.readMessage();
    amy.client.leave(amy.group, 'demo');
    const selfLeave = await amy.client.readFrame();
    expect(selfLeave).toEqual(encodeMessage({ type: CAUSED_BY_LEAVE, sender: 'demo', groups: [], hint: ENDIAN_MARKER }));
    expect(selfLeave.readUInt32LE(0)).toBe(0x8000_0280);
    expect(selfLeave.length).toBe(48);
    await expectMembership(zed, REG_MEMB | CAUSED_BY_LEAVE, 'demo', [ZED], AMY, 3);
  });

  it.each(['socket close', 'KILL'] as const)('delivery - a %s sends CAUSED_BY_DISCONNECT to the others', async (how) => {
    const zed = await harness.member('zed', 'demo');
    const amy = await harness.member('amy', 'demo');
    amy.client.join(amy.group, 'other');
    await amy.client.readMessage();
    const max = await harness.member('max', 'other');
    await zed.client.readMessage();
    if (how === 'KILL') {
      amy.client.kill(amy.group);
      await amy.client.closed();
    } else {
      amy.client.destroy();
    }
    const toZed = await expectMembership(zed, REG_MEMB | CAUSED_BY_DISCONNECT, 'demo', [ZED], AMY, 3);
    expect(wireType(toZed)).toBe(0x8000_1480);
    await expectMembership(max, REG_MEMB | CAUSED_BY_DISCONNECT, 'other', [MAX], AMY, 3);
    expect(harness.daemon.counters.sessionsEnded).toEqual({ [how === 'KILL' ? 'client_kill' : 'client_closed']: 1 });
  });

  it('delivery - a session connected with membership flag 0 gets data but no membership messages', async () => {
    const quiet = await harness.connect('quiet', { membership: false });
    quiet.client.join(quiet.group, 'demo');
    const loud = await harness.member('loud', 'demo');
    loud.client.send(loud.group, AGREED, ['demo'], 'first');
    await expectData(quiet, loud, 'first');
    await expectData(loud, loud, 'first');
    loud.client.leave(loud.group, 'demo');
    loud.client.join(loud.group, 'demo');
    loud.client.send(loud.group, AGREED, ['demo'], 'second');
    await expectData(quiet, loud, 'second');
    quiet.client.leave(quiet.group, 'demo');
    quiet.client.send(quiet.group, AGREED, [quiet.group], 'barrier');
    await expectData(quiet, quiet, 'barrier');
    expect(wireType(await loud.client.readMessage())).toBe(0x8000_0280);
    expect(wireType(await loud.client.readMessage())).toBe(0x8000_1180);
    await expectData(loud, loud, 'second');
    expect(wireType(await loud.client.readMessage())).toBe(0x8000_1280);
  });

  it('delivery - joining twice is ignored', async () => {
    const zed = await harness.member('zed', 'demo');
    zed.client.join(zed.group, 'demo');
    zed.client.send(zed.group, AGREED, ['demo'], 'barrier');
    await expectData(zed, zed, 'barrier');
    const amy = await harness.connect('amy');
    amy.client.join(amy.group, 'demo');
    await expectMembership(zed, REG_MEMB | CAUSED_BY_JOIN, 'demo', [AMY, ZED], AMY, 2);
  });

  it('delivery - leaving a group you are not in is ignored', async () => {
    const zed = await harness.member('zed', 'demo');
    const amy = await harness.connect('amy');
    amy.client.leave(amy.group, 'demo');
    amy.client.leave(amy.group, 'nowhere');
    amy.client.send(amy.group, AGREED, ['demo', amy.group], 'barrier');
    await expectData(amy, amy, 'barrier');
    await expectData(zed, amy, 'barrier');
    expect(harness.daemon.delivery.groups.get('demo')?.index).toBe(1);
  });

  it('delivery - a group that empties is forgotten and restarts at index 1', async () => {
    const zed = await harness.member('zed', 'demo');
    const amy = await harness.member('amy', 'demo');
    zed.client.leave(zed.group, 'demo');
    amy.client.leave(amy.group, 'demo');
    await amy.client.readMessage();
    await amy.client.readMessage();
    expect(harness.daemon.delivery.groups.get('demo')).toBeUndefined();
    amy.client.join(amy.group, 'demo');
    await expectMembership(amy, REG_MEMB | CAUSED_BY_JOIN, 'demo', [AMY], AMY, 1);
  });
});
