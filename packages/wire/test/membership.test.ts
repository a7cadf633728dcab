/**
 * Membership bodies (spec §6.5): the captured bodies, their vs_set offsets, and a decoder
 * that rejects truncated bodies and absurd counts with a WireProtocolError before it
 * allocates anything for them.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeGroupId,
  decodeMembershipBody,
  decodeMessage,
  encodeGroupId,
  encodeMembershipBody,
  type MembershipBody,
  ServiceType,
  vsSetOffset,
  WireErrorCode,
  WireProtocolError,
} from '../src/internal.ts';
import { isMessageRecord, loadCaptures, recordLabel } from './support/captures.ts';
import { caseSeed, createPrng, flipBits } from './support/prng.ts';

const captures = loadCaptures();
const memberships = captures.records
  .filter((r) => r.direction === 'D->C' && isMessageRecord(r))
  .map((r) => ({ record: r, message: decodeMessage(r.bytes, true) }))
  .filter(({ message }) => (message.header.type & ServiceType.REG_MEMB) !== 0);

function expectBadBody(body: Buffer, context: string): void {
  let thrown: unknown = null;
  try {
    decodeMembershipBody(body);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, context).toBeInstanceOf(WireProtocolError);
  expect((thrown as WireProtocolError).code, context).toBe(WireErrorCode.BAD_MEMBERSHIP_BODY);
}

describe('membership - captured bodies', () => {
  it('membership - the captures hold join, network and merge bodies', () => {
    expect(memberships.length).toBe(12);
    expect(memberships.map(({ message }) => message.data.length)).toContain(124);
  });

  it.each(memberships.map((m) => [recordLabel(m.record), m] as const))('membership - body round-trips and names the change: %s', (_label, { message }) => {
    const body = decodeMembershipBody(message.data);
    expect(encodeMembershipBody(body)).toEqual(message.data);
    const members = body.vsSets.flat();
    for (const member of members) expect(message.groups).toContain(member);
    if ((message.header.type & ServiceType.CAUSED_BY_NETWORK) === 0) {
      // JOIN / LEAVE / DISCONNECT: one vs_set holding only the member that changed, offset 0.
      expect(body.vsSets).toHaveLength(1);
      expect(body.vsSets[0]).toHaveLength(1);
      expect(body.localVsSetOffset).toBe(0);
      expect(message.data.length).toBe(56);
    } else {
      expect([...members].sort()).toEqual([...message.groups].sort());
    }
  });

  it('membership - the §8 merge has two vs_sets and the local one at offset 36', () => {
    const merge = memberships.find(({ message }) => message.data.length === 124);
    const body = decodeMembershipBody(merge?.message.data ?? Buffer.alloc(0));
    expect(body.vsSets).toEqual([['#w3#d3'], ['#w1#d1', '#w2#d2']]);
    expect(body.localVsSetOffset).toBe(36);
    expect(vsSetOffset(body.vsSets, 1)).toBe(36);
    expect(vsSetOffset(body.vsSets, 0)).toBe(0);
  });

  it('membership - every proper prefix of every captured body is rejected', () => {
    for (const { record, message } of memberships) {
      for (let length = 0; length < message.data.length; length++) {
        expectBadBody(message.data.subarray(0, length), `${recordLabel(record)} prefix ${length}`);
      }
    }
  });

  it('membership - TRANSITION bodies are the old view\'s group id, equal to the view before them', () => {
    const transitions = captures.records
      .filter((r) => r.description.includes('TRANSITION_MESS'))
      .map((r) => decodeMessage(r.bytes, true));
    expect(transitions).toHaveLength(2);
    for (const transition of transitions) {
      expect(transition.data.length).toBe(12);
      expect(encodeGroupId(decodeGroupId(transition.data))).toEqual(transition.data);
    }
    expect(decodeGroupId(transitions[0]?.data ?? Buffer.alloc(12))).toEqual({ procId: 1_552_775_919, time: 1_795_307_359, index: 3 });
  });
});

describe('membership - hostile bodies', () => {
  const valid = encodeMembershipBody({ groupId: { procId: 1, time: 2, index: 3 }, vsSets: [['#a#d1'], ['#b#d2', '#c#d2']], localVsSetOffset: 36 });

  it('membership - a group id needs 12 bytes', () => {
    for (let length = 0; length < 12; length++) expect(() => decodeGroupId(Buffer.alloc(length))).toThrow(WireProtocolError);
    expect(decodeGroupId(Buffer.from('ffffffff0000000001000000', 'hex'))).toEqual({ procId: 0xffff_ffff, time: 0, index: 1 });
  });

  it.each([
    ['num_vs_sets 2^32−1', 12, 0xffff_ffff],
    ['num_vs_sets 2^31', 12, 0x8000_0000],
    ['num_vs_sets one too many', 12, 3],
    ['members 2^32−1 in set 0', 20, 0xffff_ffff],
    ['members beyond the body in set 0', 20, 4],
    ['members 2^32−1 in set 1', 56, 0xffff_ffff],
    ['members one too many in set 1', 56, 3],
  ])('membership - %s is rejected', (_label, offset, value) => {
    const body = Buffer.from(valid);
    body.writeUInt32LE(value, offset);
    expectBadBody(body, _label);
  });

  it('membership - a member slot without NUL is rejected', () => {
    const body = Buffer.from(valid);
    body.fill(0x41, 24, 56);
    expectBadBody(body, 'no NUL');
  });

  it('membership - zero vs_sets and empty vs_sets decode', () => {
    const empty: MembershipBody = { groupId: { procId: 0, time: 0, index: 0 }, vsSets: [], localVsSetOffset: 0 };
    expect(decodeMembershipBody(encodeMembershipBody(empty))).toEqual(empty);
    const hollow: MembershipBody = { groupId: { procId: 9, time: 9, index: 9 }, vsSets: [[], ['#x#y']], localVsSetOffset: 4 };
    expect(decodeMembershipBody(encodeMembershipBody(hollow))).toEqual(hollow);
  });

  it('membership - random bytes decode or fail with BAD_MEMBERSHIP_BODY, never anything else', () => {
    for (let run = 0; run < 2000; run++) {
      const prng = createPrng(caseSeed(run));
      const body = run % 2 === 0 ? prng.bytes(prng.int(200)) : Buffer.from(valid);
      if (run % 2 === 1) flipBits(prng, body, prng.range(1, 4));
      try {
        const decoded = decodeMembershipBody(body);
        const size = 20 + decoded.vsSets.reduce((sum, set) => sum + 4 + 32 * set.length, 0);
        expect(size, `seed ${prng.seed}`).toBeLessThanOrEqual(body.length);
      } catch (error) {
        expect(error, `seed ${prng.seed}`).toBeInstanceOf(WireProtocolError);
        expect((error as WireProtocolError).code, `seed ${prng.seed}`).toBe(WireErrorCode.BAD_MEMBERSHIP_BODY);
      }
    }
  });

  it('membership - random bodies round-trip', () => {
    for (let run = 0; run < 300; run++) {
      const prng = createPrng(caseSeed(run));
      const vsSets = Array.from({ length: prng.int(5) }, () =>
        Array.from({ length: prng.int(6) }, () => `#${'m'.repeat(prng.range(1, 10))}#d${prng.int(100)}`),
      );
      const body: MembershipBody = {
        groupId: { procId: prng.int(2 ** 32), time: prng.int(2 ** 32), index: prng.int(2 ** 32) },
        vsSets,
        localVsSetOffset: vsSetOffset(vsSets, prng.int(vsSets.length + 1)),
      };
      expect(decodeMembershipBody(encodeMembershipBody(body)), `seed ${prng.seed}`).toEqual(body);
    }
  });
});
