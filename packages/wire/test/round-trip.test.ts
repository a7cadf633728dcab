/**
 * Property tests: random valid messages in both directions (little-endian from our encoder,
 * big-endian built by hand) go encode → FrameDecoder in random chunks → decode, and every
 * field comes back equal. Failures print the seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import {
  classifyClientMessage,
  CLIENT_FRAME_LIMITS,
  DAEMON_FRAME_LIMITS,
  encodeGroupId,
  encodeMembershipBody,
  encodeMessage,
  hintFromMessType,
  type MessageFields,
  messTypeFromHint,
  ServiceType,
  vsSetOffset,
} from '../src/internal.ts';
import { decodeChunked, encodeBigEndian, frameSummary, reencodeFrame } from './support/frames.ts';
import { caseSeed, createPrng, type Prng, randomChunkLengths } from './support/prng.ts';

const SERVICES = [ServiceType.UNRELIABLE, ServiceType.RELIABLE, ServiceType.FIFO, ServiceType.CAUSAL, ServiceType.AGREED, ServiceType.SAFE];
const CAUSES = [ServiceType.CAUSED_BY_JOIN, ServiceType.CAUSED_BY_LEAVE, ServiceType.CAUSED_BY_DISCONNECT, ServiceType.CAUSED_BY_NETWORK];

function groupName(prng: Prng): string {
  if (prng.int(5) === 0) return `#${privatePart(prng)}#d${prng.int(1000)}`;
  let name = '';
  for (let length = prng.range(1, 31); length > 0; length--) name += String.fromCharCode(prng.range(0x24, 0x7e));
  return name;
}

function privatePart(prng: Prng): string {
  let name = '';
  for (let length = prng.range(1, 10); length > 0; length--) name += String.fromCharCode(prng.range(0x24, 0x7e));
  return name;
}

interface ClientCase {
  readonly service: number;
  readonly selfDiscard: boolean;
  readonly sender: string;
  readonly groups: string[];
  readonly messType: number;
  readonly data: Buffer;
}

function clientCase(prng: Prng): ClientCase {
  return {
    service: prng.pick(SERVICES),
    selfDiscard: prng.bool(),
    sender: `#${privatePart(prng)}#localhost`,
    groups: Array.from({ length: prng.pick([0, 1, 2, 5, prng.int(101)]) }, () => groupName(prng)),
    messType: prng.int(65_536),
    data: prng.bytes(prng.pick([0, 1, prng.int(64), prng.int(4096)])),
  };
}

function chunks(prng: Prng, length: number): number[] {
  return randomChunkLengths(prng, length, prng.pick([7, 64, 512, length + 1]));
}

describe('round-trip - client to daemon', () => {
  it('round-trip - random multicasts, little- and big-endian, come back field for field', () => {
    for (let run = 0; run < 500; run++) {
      const prng = createPrng(caseSeed(run));
      const c = clientCase(prng);
      const type = c.service | (c.selfDiscard ? ServiceType.SELF_DISCARD : 0);
      const bigEndian = run % 2 === 1;
      const bytes = bigEndian
        ? encodeBigEndian({ type, sender: c.sender, groups: c.groups, messType: c.messType, data: c.data })
        : encodeMessage({ type, sender: c.sender, groups: c.groups, hint: hintFromMessType(c.messType), data: c.data });
      const context = `seed ${prng.seed}`;
      const outcome = decodeChunked(bytes, CLIENT_FRAME_LIMITS, chunks(prng, bytes.length));
      expect(outcome.error, context).toBeNull();
      const message = outcome.frames[0];
      if (message === undefined) throw new Error(`no frame, ${context}`);
      expect(message.header, context).toMatchObject({ type, sender: c.sender, numGroups: c.groups.length, dataLength: c.data.length, littleEndian: !bigEndian });
      expect(messTypeFromHint(message.header.hint), context).toEqual({ messType: c.messType, littleEndian: !bigEndian });
      expect(message.groups, context).toEqual(c.groups);
      expect(message.data.equals(c.data), context).toBe(true);
      const request = classifyClientMessage(message, c.sender);
      expect(request, context).toMatchObject({ kind: 'multicast', service: c.service, selfDiscard: c.selfDiscard, groups: c.groups, hint: message.header.hint });
      if (!bigEndian) expect(reencodeFrame(message), context).toEqual(bytes);
    }
  });

  it('round-trip - random joins and leaves come back as requests', () => {
    for (let run = 0; run < 300; run++) {
      const prng = createPrng(caseSeed(run));
      const sender = `#${privatePart(prng)}#d`;
      let group = groupName(prng);
      if (group.startsWith('#')) group = group.slice(1).replaceAll('#', '$') || 'g';
      const type = prng.pick([ServiceType.JOIN, ServiceType.LEAVE]);
      const bytes = run % 2 === 0
        ? encodeMessage({ type, sender, groups: [group], hint: hintFromMessType(0) })
        : encodeBigEndian({ type, sender, groups: [group], messType: 0 });
      const [message] = decodeChunked(bytes, CLIENT_FRAME_LIMITS, chunks(prng, bytes.length)).frames;
      if (message === undefined) throw new Error(`no frame, seed ${prng.seed}`);
      expect(classifyClientMessage(message, sender), `seed ${prng.seed}`).toEqual({ kind: type === ServiceType.JOIN ? 'join' : 'leave', group });
    }
  });
});

function daemonFrame(prng: Prng): MessageFields {
  const group = groupName(prng).replace(/^#/, 'g');
  switch (prng.int(5)) {
    case 0: {
      const c = clientCase(prng);
      const hint = prng.bool() ? hintFromMessType(c.messType) : ((c.messType & 0xffff) << 8) >>> 0;
      return { type: c.service | (c.selfDiscard ? ServiceType.SELF_DISCARD : 0), sender: c.sender, groups: c.groups, hint, data: c.data };
    }
    case 1: {
      const members = Array.from({ length: prng.range(1, 40) }, () => `#${privatePart(prng)}#d${prng.int(9)}`);
      const vsSets = [members.slice(0, 1), members.slice(1)].filter((set) => set.length > 0);
      const body = { groupId: { procId: prng.int(2 ** 32), time: prng.int(2 ** 32), index: prng.int(2 ** 32) }, vsSets, localVsSetOffset: vsSetOffset(vsSets, prng.int(vsSets.length)) };
      return { type: ServiceType.REG_MEMB | prng.pick(CAUSES), sender: group, groups: members, hint: hintFromMessType(0), data: encodeMembershipBody(body) };
    }
    case 2:
      return { type: ServiceType.TRANSITION, sender: group, groups: [], hint: hintFromMessType(0), data: encodeGroupId({ procId: prng.int(2 ** 32), time: prng.int(2 ** 32), index: prng.int(100) }) };
    case 3:
      return { type: ServiceType.CAUSED_BY_LEAVE, sender: group, groups: [], hint: hintFromMessType(0) };
    default: {
      const c = clientCase(prng);
      return { type: ServiceType.REJECT, oldType: c.service, sender: c.sender, groups: [...c.groups.slice(0, 99), c.sender], hint: hintFromMessType(c.messType), data: c.data };
    }
  }
}

describe('round-trip - daemon to client', () => {
  it('round-trip - random streams of data, membership, transition, self-leave and reject frames', () => {
    for (let run = 0; run < 200; run++) {
      const prng = createPrng(caseSeed(run));
      const fields = Array.from({ length: prng.range(1, 6) }, () => daemonFrame(prng));
      const frames = fields.map((f) => encodeMessage(f));
      const stream = Buffer.concat(frames);
      const context = `seed ${prng.seed}`;
      const outcome = decodeChunked(stream, DAEMON_FRAME_LIMITS, chunks(prng, stream.length));
      expect(outcome.error, context).toBeNull();
      expect(outcome.frames.length, context).toBe(frames.length);
      outcome.frames.forEach((message, i) => {
        const f = fields[i] as MessageFields;
        expect(frameSummary(message), `${context} frame ${i}`).toMatchObject({
          oldType: f.oldType ?? null,
          groups: f.groups,
          data: Buffer.from(f.data ?? []).toString('hex'),
        });
        expect(message.header, `${context} frame ${i}`).toMatchObject({ type: f.type, sender: f.sender, hint: f.hint, littleEndian: true });
        expect(reencodeFrame(message).equals(frames[i] as Buffer), `${context} frame ${i}`).toBe(true);
      });
    }
  });
});
