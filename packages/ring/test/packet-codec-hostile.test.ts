/**
 * Hostile bytes for the packet decoder: every truncation point of every sample, seeded random
 * buffers, mutated encodings and hand-made absurd fields. The decoder must throw a
 * RingPacketError (never a RangeError or TypeError) or return a packet that re-encodes to the
 * very bytes it came from. Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import { RingErrorCode, RingPacketError } from '../src/errors.ts';
import { ByteWriter, decodeRingPacket, encodeRingPacket, RingPacketTag } from '../src/packet-codec.ts';
import { ALL_SAMPLES, randomPacket } from './support/packets.ts';
import { caseSeed, createPrng, flipBits, type Prng } from './support/prng.ts';

type Outcome = { ok: true } | { ok: false; code: string };

/** Decodes; a packet must re-encode to the same bytes, an error must be a RingPacketError. */
function outcome(bytes: Uint8Array, context: string): Outcome {
  let packet;
  try {
    packet = decodeRingPacket(bytes);
  } catch (error) {
    if (!(error instanceof RingPacketError)) throw new Error(`${context}: threw ${String(error)}`, { cause: error });
    if (error.code !== RingErrorCode.PACKET_TRUNCATED && error.code !== RingErrorCode.PACKET_INVALID) throw new Error(`${context}: code ${error.code}`, { cause: error });
    return { ok: false, code: error.code };
  }
  if (!encodeRingPacket(packet).equals(bytes)) throw new Error(`${context}: decoded packet does not re-encode to its bytes`);
  return { ok: true };
}

function expectDecodeError(bytes: Uint8Array, code: string, pattern?: RegExp): void {
  let caught: unknown;
  try {
    decodeRingPacket(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RingPacketError);
  expect((caught as RingPacketError).code).toBe(code);
  if (pattern !== undefined) expect((caught as RingPacketError).message).toMatch(pattern);
}

const TRUNCATED = RingErrorCode.PACKET_TRUNCATED;
const INVALID = RingErrorCode.PACKET_INVALID;

describe('packet-codec hostile - truncation and trailing bytes', () => {
  it('packet-codec hostile - every prefix of every sample is TRUNCATED', () => {
    let prefixes = 0;
    for (const [index, packet] of ALL_SAMPLES.entries()) {
      const bytes = encodeRingPacket(packet);
      for (let length = 0; length < bytes.length; length++) {
        const result = outcome(bytes.subarray(0, length), `sample ${index} cut at ${length}`);
        expect(result, `sample ${index} cut at ${length}`).toEqual({ ok: false, code: TRUNCATED });
        prefixes++;
      }
    }
    expect(prefixes).toBeGreaterThan(3000);
  });

  it('packet-codec hostile - a byte after any sample is INVALID', () => {
    for (const packet of ALL_SAMPLES) expectDecodeError(Buffer.concat([encodeRingPacket(packet), Buffer.from([0])]), INVALID, /trailing/);
  });
});

describe('packet-codec hostile - seeded fuzz', () => {
  it('packet-codec hostile - 4000 random buffers throw RingPacketError or decode canonically', () => {
    const seen = new Set<string>();
    for (let run = 0; run < 4000; run++) {
      const prng = createPrng(caseSeed(run));
      const bytes = prng.bytes(prng.int(160));
      // Half start with a real tag so the fuzz reaches past the first byte.
      if (bytes.length > 0 && run % 2 === 0) bytes[0] = prng.range(1, 6);
      const result = outcome(bytes, `seed ${prng.seed}`);
      seen.add(result.ok ? 'ok' : result.code);
    }
    expect(seen).toContain(TRUNCATED);
    expect(seen).toContain(INVALID);
  });

  it('packet-codec hostile - 4000 mutated encodings throw RingPacketError or decode canonically', () => {
    let decoded = 0;
    for (let run = 0; run < 4000; run++) {
      const prng = createPrng(caseSeed(run));
      const result = outcome(mutate(prng, encodeRingPacket(randomPacket(prng))), `seed ${prng.seed}`);
      if (result.ok) decoded++;
    }
    // Some mutations land in payloads or numbers and still decode: the canonical check ran on them.
    expect(decoded).toBeGreaterThan(100);
  });
});

function mutate(prng: Prng, encoded: Buffer): Buffer {
  const bytes = Buffer.from(encoded);
  switch (prng.int(5)) {
    case 0:
      flipBits(prng, bytes, prng.range(1, 4));
      return bytes;
    case 1:
      return bytes.subarray(0, prng.int(bytes.length));
    case 2:
      return Buffer.concat([bytes, prng.bytes(prng.range(1, 20))]);
    case 3: {
      // Large values where counts and lengths may sit.
      const at = prng.int(Math.max(1, bytes.length - 1));
      if (at + 2 <= bytes.length) bytes.writeUInt16BE(prng.pick([0, 1, 0xffff, prng.int(0x10000)]), at);
      return bytes;
    }
    default: {
      const at = prng.int(bytes.length);
      bytes[at] = prng.pick([0, 1, 2, 0x20, 0x21, 0x7f, 0xff]);
      return bytes;
    }
  }
}

// ---- hand-made packets ----

function raw(build: (w: ByteWriter) => void): Buffer {
  const writer = new ByteWriter();
  build(writer);
  return Buffer.from(writer.finish());
}

function name(w: ByteWriter, text: string): void {
  const bytes = Buffer.from(text);
  w.u8(bytes.length);
  w.bytes(bytes);
}

function ringId(w: ByteWriter, seq = 2): void {
  name(w, 'rep');
  w.f64(1);
  w.f64(seq);
}

interface TokenFields {
  hop?: number;
  seq?: number;
  backlog?: number;
  arusCount?: number;
  arus?: number[];
  recoveredCount?: number;
  recovered?: number[];
  installSeq?: number;
}

function token(fields: TokenFields = {}): Buffer {
  const arus = fields.arus ?? [0, 1];
  const recovered = fields.recovered ?? [];
  return raw((w) => {
    w.u8(RingPacketTag.token);
    ringId(w);
    w.f64(fields.hop ?? 1);
    name(w, 's');
    w.f64(fields.seq ?? 3);
    w.u16(fields.arusCount ?? arus.length);
    for (const aru of arus) w.f64(aru);
    w.u16(0);
    w.f64(fields.backlog ?? 0);
    w.u16(fields.recoveredCount ?? recovered.length);
    for (const flag of recovered) w.u8(flag);
    w.f64(fields.installSeq ?? -1);
  });
}

interface EntryFields {
  flags?: number;
  fragIndex?: number;
  fragCount?: number;
  length?: number;
  payload?: Buffer;
}

function data(entry: EntryFields = {}, options: { oldFlag?: number; count?: number; seq?: number } = {}): Buffer {
  const payload = entry.payload ?? Buffer.from('hi');
  return raw((w) => {
    w.u8(RingPacketTag.data);
    ringId(w);
    w.f64(options.seq ?? 1);
    name(w, 'origin');
    w.u8(options.oldFlag ?? 0);
    w.u16(options.count ?? 1);
    w.u8(entry.flags ?? 1);
    w.u16(entry.fragIndex ?? 0);
    w.u16(entry.fragCount ?? 1);
    w.u32(entry.length ?? payload.length);
    w.bytes(payload);
  });
}

function commit(members: string[], options: { rotation?: number; count?: number; infoFlag?: number } = {}): Buffer {
  return raw((w) => {
    w.u8(RingPacketTag.commit);
    ringId(w);
    w.f64(1);
    name(w, 's');
    w.u8(options.rotation ?? 1);
    w.u16(options.count ?? members.length);
    for (const member of members) {
      name(w, member);
      w.f64(1);
      w.u8(options.infoFlag ?? 0);
    }
  });
}

function join(procSet: string[], count = procSet.length): Buffer {
  return raw((w) => {
    w.u8(RingPacketTag.join);
    name(w, 's');
    w.f64(1);
    w.u16(count);
    for (const member of procSet) name(w, member);
    w.u16(0);
    w.f64(0);
  });
}

describe('packet-codec hostile - hand-made fields', () => {
  it('packet-codec hostile - the builders make valid packets', () => {
    for (const bytes of [token(), token({ recovered: [1, 0] }), data(), commit(['a', 'b']), join(['a', 'b'])]) expect(() => decodeRingPacket(bytes)).not.toThrow();
  });

  it('packet-codec hostile - empty input and unknown kind tags', () => {
    expectDecodeError(Buffer.alloc(0), TRUNCATED);
    for (const tag of [0, 7, 0x80, 0xff]) expectDecodeError(Buffer.from([tag, 0, 0, 0]), INVALID, /kind tag/);
  });

  it('packet-codec hostile - names: empty, too long, not UTF-8', () => {
    const withRep = (rep: Buffer): Buffer => raw((w) => {
      w.u8(RingPacketTag.probe);
      name(w, 's');
      w.f64(1);
      w.u8(rep.length);
      w.bytes(rep);
      w.f64(1);
      w.f64(1);
    });
    expect(() => decodeRingPacket(withRep(Buffer.from('ok')))).not.toThrow();
    expectDecodeError(withRep(Buffer.alloc(0)), INVALID, /length 0/);
    expectDecodeError(withRep(Buffer.alloc(33, 0x61)), INVALID, /length 33/);
    expectDecodeError(withRep(Buffer.from([0x61, 0xff])), INVALID, /UTF-8/);
    expectDecodeError(withRep(Buffer.from([0xc0, 0xaf])), INVALID, /UTF-8/);
    expectDecodeError(withRep(Buffer.from([0xed, 0xa0, 0x80])), INVALID, /UTF-8/);
  });

  it('packet-codec hostile - numbers that are not safe integers in range', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 53, -(2 ** 53), -2]) expectDecodeError(token({ seq: bad }), INVALID, /seq/);
    expectDecodeError(token({ hop: -1 }), INVALID, /hop/);
    expectDecodeError(token({ hop: -0 }), INVALID, /-0/);
    expectDecodeError(token({ arus: [0, -2] }), INVALID, /aru/);
    expectDecodeError(token({ installSeq: -2 }), INVALID, /installSeq/);
    expectDecodeError(token({ backlog: -1 }), INVALID, /backlog/);
    expectDecodeError(token({ backlog: 0.5 }), INVALID, /backlog/);
    expectDecodeError(data({}, { seq: -1 }), INVALID, /seq/);
    expect(() => decodeRingPacket(token({ seq: -1, arus: [-1, -1], installSeq: -1 }))).not.toThrow();
  });

  it('packet-codec hostile - counts larger than the bytes left', () => {
    expectDecodeError(token({ arusCount: 0xffff }), TRUNCATED, /arus count 65535/);
    expectDecodeError(token({ arusCount: 5 }), TRUNCATED, /arus count 5/);
    expectDecodeError(data({}, { count: 0xffff }), TRUNCATED, /entries count 65535/);
    expectDecodeError(commit(['a'], { count: 0xffff }), TRUNCATED, /members count/);
    expectDecodeError(join(['a'], 0xffff), TRUNCATED, /procSet count/);
    expectDecodeError(data({ length: 0xffff_ffff }), TRUNCATED, /payload/);
    expectDecodeError(data({ length: 3 }), TRUNCATED, /payload/);
  });

  it('packet-codec hostile - fragments, flags and array agreement', () => {
    expectDecodeError(data({ fragIndex: 1, fragCount: 1 }), INVALID, /fragIndex/);
    expectDecodeError(data({ fragIndex: 5, fragCount: 3 }), INVALID, /fragIndex/);
    expectDecodeError(data({ fragIndex: 0, fragCount: 0 }), INVALID, /fragCount/);
    expectDecodeError(data({ flags: 2 }), INVALID, /flags/);
    expectDecodeError(data({ flags: 0x81 }), INVALID, /flags/);
    expectDecodeError(data({}, { oldFlag: 2 }), INVALID, /old present/);
    expectDecodeError(token({ recovered: [1, 2] }), INVALID, /recovered/);
    expectDecodeError(token({ recovered: [1] }), INVALID, /1 recovered flags for 2 arus/);
    expectDecodeError(token({ arus: [], recovered: [0] }), INVALID, /recovered flags/);
  });

  it('packet-codec hostile - commit and join member lists', () => {
    expectDecodeError(commit([]), INVALID, /no members/);
    expectDecodeError(commit(['a', 'b', 'a']), INVALID, /twice/);
    expectDecodeError(commit(['a'], { rotation: 0 }), INVALID, /rotation/);
    expectDecodeError(commit(['a'], { rotation: 3 }), INVALID, /rotation/);
    expectDecodeError(commit(['a'], { infoFlag: 2 }), INVALID, /info present/);
    expectDecodeError(join(['a', 'a']), INVALID, /procSet lists a name twice/);
  });
});
