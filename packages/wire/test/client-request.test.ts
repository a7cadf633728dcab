/**
 * classifyClientMessage against every rule of spec §6.3 "Daemon validation", through the
 * path a daemon uses: FrameDecoder with CLIENT_FRAME_LIMITS, then classification. Where
 * section 5 of the captures recorded what upstream did, the test names say so.
 */
import { describe, expect, it } from 'vitest';
import {
  classifyClientMessage,
  CLIENT_FRAME_LIMITS,
  type ClientRequest,
  CONTROL_MESS_MASK,
  decodeMessage,
  ENDIAN_MARKER,
  encodeMessage,
  hintFromMessType,
  HINT_ALLOWED_MASK,
  Limits,
  type MessageFields,
  messTypeFromHint,
  REGULAR_MESS_MASK,
  ServiceType,
  WireErrorCode,
  WireProtocolError,
} from '../src/internal.ts';
import { connectionRecords, isMessageRecord, loadCaptures } from './support/captures.ts';
import { decodeChunked, encodeBigEndian } from './support/frames.ts';

const SESSION = '#alice#localhost';
const ACTION_BITS = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, ServiceType.JOIN, ServiceType.LEAVE, ServiceType.KILL];

function frame(fields: Partial<MessageFields> & { readonly type: number }): Buffer {
  return encodeMessage({ sender: SESSION, groups: ['demo'], hint: hintFromMessType(0), ...fields });
}

/** Decodes one client frame as a daemon would and classifies it; decoder errors come back as is. */
function classify(bytes: Buffer, session = SESSION): ClientRequest | WireProtocolError {
  const outcome = decodeChunked(bytes, CLIENT_FRAME_LIMITS);
  if (outcome.error !== null) return outcome.error;
  expect(outcome.frames).toHaveLength(1);
  return classifyClientMessage(outcome.frames[0] as NonNullable<(typeof outcome.frames)[0]>, session);
}

function expectRejected(result: ClientRequest | WireProtocolError, code: string): void {
  expect(result).toBeInstanceOf(WireProtocolError);
  expect((result as WireProtocolError).code).toBe(code);
}

function expectKind(result: ClientRequest | WireProtocolError, kind: ClientRequest['kind']): void {
  if (result instanceof WireProtocolError) throw new Error(`Rejected: ${result.code} ${result.message}`);
  expect(result.kind).toBe(kind);
}

describe('client-request - service and control bits', () => {
  it.each(ACTION_BITS.map((bit) => [bit.toString(16), bit]))('client-request - a lone 0x%s bit is accepted', (_hex, bit) => {
    const result = classify(frame({ type: bit }));
    if (bit === ServiceType.JOIN) expect(result).toEqual({ kind: 'join', group: 'demo' });
    else if (bit === ServiceType.LEAVE) expect(result).toEqual({ kind: 'leave', group: 'demo' });
    else if (bit === ServiceType.KILL) expect(result).toEqual({ kind: 'kill' });
    else expect(result).toMatchObject({ kind: 'multicast', service: bit, selfDiscard: false, groups: ['demo'] });
  });

  it('client-request - every pair of service/control bits is rejected (§5: AGREED|SAFE, JOIN|AGREED closed)', () => {
    for (const a of ACTION_BITS) {
      for (const b of ACTION_BITS) {
        if (a < b) expectRejected(classify(frame({ type: a | b })), WireErrorCode.BAD_SERVICE_TYPE);
      }
    }
  });

  it('client-request - type 0 and SELF_DISCARD alone are rejected (§5: type 0 closed)', () => {
    expectRejected(classify(frame({ type: 0 })), WireErrorCode.BAD_SERVICE_TYPE);
    expectRejected(classify(frame({ type: ServiceType.SELF_DISCARD })), WireErrorCode.BAD_SERVICE_TYPE);
  });

  it('client-request - AGREED|SELF_DISCARD is a self-discarding multicast (§5: alive)', () => {
    expect(classify(frame({ type: ServiceType.AGREED | ServiceType.SELF_DISCARD }))).toMatchObject({ kind: 'multicast', service: ServiceType.AGREED, selfDiscard: true });
  });

  it('client-request - any bit outside services, SELF_DISCARD and JOIN/LEAVE/KILL is rejected', () => {
    const known = REGULAR_MESS_MASK | ServiceType.SELF_DISCARD | CONTROL_MESS_MASK | ENDIAN_MARKER;
    for (let bit = 0; bit < 31; bit++) {
      const extra = 2 ** bit;
      if ((known & extra) !== 0) continue;
      expectRejected(classify(frame({ type: ServiceType.AGREED | extra })), WireErrorCode.BAD_SERVICE_TYPE);
    }
  });
});

describe('client-request - sender, hint and sizes', () => {
  it('client-request - a foreign private name is rejected (§5: closed)', () => {
    expectRejected(classify(frame({ type: ServiceType.AGREED, sender: '#mallory#localhost' })), WireErrorCode.BAD_PRIVATE_NAME);
  });

  it('client-request - the own name with a wrong daemon part is rejected (§5: closed)', () => {
    expectRejected(classify(frame({ type: ServiceType.AGREED, sender: '#alice#otherhost' })), WireErrorCode.BAD_PRIVATE_NAME);
    expectRejected(classify(frame({ type: ServiceType.AGREED, sender: '#alice#localhos' })), WireErrorCode.BAD_PRIVATE_NAME);
  });

  it('client-request - a sender slot without NUL is rejected', () => {
    const bytes = frame({ type: ServiceType.AGREED });
    bytes.fill(0x41, 4, 36);
    expectRejected(classify(bytes), WireErrorCode.BAD_PRIVATE_NAME);
  });

  it('client-request - hint bits: mess_type and marker pass, a stray 0x01 and every other bit fail (§5)', () => {
    expectRejected(classify(frame({ type: ServiceType.AGREED, hint: hintFromMessType(1) | 0x01 })), WireErrorCode.BAD_HINT);
    for (let bit = 0; bit < 32; bit++) {
      const hint = (hintFromMessType(0) | (2 ** bit)) >>> 0;
      const result = classify(frame({ type: ServiceType.AGREED, hint }));
      if (((HINT_ALLOWED_MASK >>> bit) & 1) === 1) expectKind(result, 'multicast');
      else expectRejected(result, WireErrorCode.BAD_HINT);
    }
    expect(classify(frame({ type: ServiceType.AGREED, hint: hintFromMessType(0xffff) }))).toMatchObject({ hint: 0x80ffff80 });
  });

  it('client-request - num_groups 100 is accepted, 101 rejected (§5)', () => {
    const groups = Array.from({ length: 101 }, (_, i) => `g${i}`);
    expect(classify(frame({ type: ServiceType.AGREED, groups: groups.slice(0, 100) }))).toMatchObject({ kind: 'multicast', groups: groups.slice(0, 100) });
    expectRejected(classify(frame({ type: ServiceType.AGREED, groups })), WireErrorCode.BAD_GROUP_COUNT);
    // Classification alone enforces it too, for messages decoded without client limits.
    expectRejected(classifyClientMessage(decodeMessage(frame({ type: ServiceType.AGREED, groups }), false), SESSION), WireErrorCode.BAD_GROUP_COUNT);
  });

  it('client-request - num_groups 0 is accepted and goes nowhere (§5: alive)', () => {
    expect(classify(frame({ type: ServiceType.AGREED, groups: [], data: Buffer.from('x') }))).toMatchObject({ kind: 'multicast', groups: [] });
  });

  it('client-request - a multicast to an empty group name is rejected', () => {
    expectRejected(classify(frame({ type: ServiceType.AGREED, groups: ['demo', ''] })), WireErrorCode.BAD_GROUP_NAME);
  });

  it('client-request - groups are open and may be private groups (captured point-to-point)', () => {
    expect(classify(frame({ type: ServiceType.FIFO, groups: ['#rawb#localhost'] }))).toMatchObject({ kind: 'multicast', groups: ['#rawb#localhost'] });
  });

  it.each([
    [1, 143_120, true],
    [1, 143_121, false],
    [0, 143_152, true],
    [0, 143_153, false],
    [100, 143_152 - 3_200, true],
    [100, 143_152 - 3_199, false],
    [1, 142_720, true],
    [1, 100_000, true],
  ])('client-request - %i group(s) and data_len %i: accepted=%s (cap 143 152 − 32·n)', (groupCount, dataLength, accepted) => {
    const groups = Array.from({ length: groupCount }, (_, i) => `g${i}`);
    const bytes = frame({ type: ServiceType.AGREED, groups, data: Buffer.alloc(dataLength, 0x61) });
    const viaDecoder = classify(bytes);
    const alone = classifyClientMessage(decodeMessage(bytes, false), SESSION);
    if (accepted) {
      expect(viaDecoder).toMatchObject({ kind: 'multicast' });
      expect(alone).toMatchObject({ kind: 'multicast' });
      expect((viaDecoder as { data: Buffer }).data.length).toBe(dataLength);
    } else {
      expectRejected(viaDecoder, WireErrorCode.MESSAGE_TOO_LONG);
      expectRejected(alone, WireErrorCode.MESSAGE_TOO_LONG);
    }
  });

  it('client-request - the limit is 143 152, below libspread and the header field (143 952)', () => {
    expect(Limits.BODY_MAX_BYTES).toBe(100 * 1432 - 48);
    expect(Limits.LIBRARY_BODY_MAX_BYTES - Limits.HEADER_BYTES).toBe(143_952);
  });
});

describe('client-request - byte order', () => {
  it('client-request - a big-endian header is accepted and normalized (§5: delivered as 0x80000090)', () => {
    const bytes = encodeBigEndian({ type: ServiceType.AGREED, sender: SESSION, groups: ['demo'], messType: 0x1234, data: Buffer.from('abc') });
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 0x10]));
    const [message] = decodeChunked(bytes, CLIENT_FRAME_LIMITS).frames;
    if (message === undefined) throw new Error('no frame');
    expect(message.header).toMatchObject({ type: ServiceType.AGREED, numGroups: 1, dataLength: 3, littleEndian: false });
    expect(messTypeFromHint(message.header.hint)).toEqual({ messType: 0x1234, littleEndian: false });
    const request = classifyClientMessage(message, SESSION);
    expect(request).toMatchObject({ kind: 'multicast', service: ServiceType.AGREED, groups: ['demo'] });
    // Relayed: type re-marked little-endian, the sender's hint kept so receivers see the mismatch.
    const relayed = encodeMessage({ type: ServiceType.AGREED, sender: SESSION, groups: ['demo'], hint: message.header.hint, data: message.data });
    expect(relayed.readUInt32LE(0)).toBe(0x8000_0090);
    expect(relayed.subarray(40, 44)).toEqual(bytes.subarray(40, 44));
  });

  it('client-request - big-endian join, leave and kill classify like little-endian ones', () => {
    expect(classify(encodeBigEndian({ type: ServiceType.JOIN, sender: SESSION, groups: ['demo'], messType: 0 }))).toEqual({ kind: 'join', group: 'demo' });
    expect(classify(encodeBigEndian({ type: ServiceType.LEAVE, sender: SESSION, groups: ['demo'], messType: 0 }))).toEqual({ kind: 'leave', group: 'demo' });
    expect(classify(encodeBigEndian({ type: ServiceType.KILL, sender: SESSION, groups: [SESSION], messType: 0 }))).toEqual({ kind: 'kill' });
  });
});

describe('client-request - join, leave and kill', () => {
  it.each([
    ['no group', []],
    ['two groups', ['a', 'b']],
  ])('client-request - join and leave with %s are rejected', (_label, groups) => {
    for (const type of [ServiceType.JOIN, ServiceType.LEAVE, ServiceType.KILL]) {
      expectRejected(classify(frame({ type, groups })), WireErrorCode.BAD_GROUP_COUNT);
    }
  });

  it.each([
    ['an empty name', ''],
    ['a space', 'a b'],
    ['0x7f', 'a\x7f'],
    ['"#" (0x23, below "$")', 'a#b'],
    ['a private group', '#bob#localhost'],
    ['a control character', 'a\tb'],
  ])('client-request - join and leave of a group with %s are rejected', (_label, group) => {
    for (const type of [ServiceType.JOIN, ServiceType.LEAVE]) {
      expectRejected(classify(frame({ type, groups: [group] })), WireErrorCode.BAD_GROUP_NAME);
    }
  });

  it('client-request - join of 31-character and "$~" names is accepted', () => {
    expect(classify(frame({ type: ServiceType.JOIN, groups: ['g'.repeat(31)] }))).toEqual({ kind: 'join', group: 'g'.repeat(31) });
    expect(classify(frame({ type: ServiceType.JOIN, groups: ['$~'] }))).toEqual({ kind: 'join', group: '$~' });
  });

  it('client-request - JOIN|SELF_DISCARD is rejected', () => {
    expect(classify(frame({ type: ServiceType.JOIN | ServiceType.SELF_DISCARD }))).toBeInstanceOf(WireProtocolError);
  });

  it('client-request - every captured client message classifies as what it is', () => {
    const captures = loadCaptures();
    const kinds = captures.records
      .filter((r) => r.direction === 'C->D' && isMessageRecord(r))
      .map((r) => {
        const accept = connectionRecords(captures, r.section, r.conn).find((a) => a.description.startsWith('ACCEPT_SESSION'));
        const session = accept?.bytes.subarray(5).toString('latin1') ?? '';
        const result = classify(r.bytes, session);
        if (result instanceof WireProtocolError) throw new Error(`line ${r.line}: ${result.message}`);
        return result.kind === 'multicast' ? `${result.kind}:${result.service}:${result.selfDiscard}` : result.kind;
      });
    expect(kinds).toEqual(['join', 'multicast:32:false', 'leave', 'kill', 'kill', 'join', 'multicast:16:true', 'multicast:4:false', 'multicast:1:false', 'kill', 'join', 'join']);
  });
});
