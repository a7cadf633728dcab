/**
 * Ring packets for the codec, envelope and transport tests: one hand-written sample of every
 * kind and shape the codec must carry, and a seeded generator of arbitrary valid packets.
 */
import type { CommitPacket, DataPacket, Entry, JoinPacket, MemberInfo, ProbePacket, RingId, RingPacket, TokenAckPacket, TokenPacket } from '../../src/packets.ts';
import type { Prng } from './prng.ts';

const RING: RingId = { rep: 'alpha', repIncarnation: 1_700_000_000_123, seq: 7 };
const OLD_RING: RingId = { rep: 'beta', repIncarnation: 3, seq: 6 };
const BIG = Number.MAX_SAFE_INTEGER;

export function entry(text: string, options: Partial<Entry> = {}): Entry {
  return { safe: false, fragIndex: 0, fragCount: 1, payload: new Uint8Array(Buffer.from(text)), ...options };
}

export const DATA_SAMPLES: readonly DataPacket[] = [
  { kind: 'data', ringId: RING, seq: 1, origin: 'alpha', entries: [entry('hello')] },
  { kind: 'data', ringId: RING, seq: 0, origin: 'b', entries: [] },
  { kind: 'data', ringId: RING, seq: 2 ** 40, origin: 'gamma', entries: [entry(''), entry('safe one', { safe: true }), entry('x'.repeat(3000), { fragIndex: 2, fragCount: 3 })] },
  { kind: 'data', ringId: RING, seq: 12, origin: 'beta', entries: [entry('recovered')], old: { ringId: OLD_RING, seq: 99 } },
  { kind: 'data', ringId: { rep: 'n'.repeat(32), repIncarnation: BIG, seq: BIG }, seq: BIG, origin: 'é'.repeat(16), entries: [entry('', { safe: true, fragIndex: 65_534, fragCount: 65_535 })] },
];

export const TOKEN_SAMPLES: readonly TokenPacket[] = [
  { kind: 'token', ringId: RING, hop: 0, sender: 'alpha', seq: 0, arus: [], rtr: [], backlog: 0, recovered: [], installSeq: -1 },
  { kind: 'token', ringId: RING, hop: 2 ** 33, sender: 'beta', seq: -1, arus: [-1, 0, 5], rtr: [3, 4, 2 ** 50], backlog: 2 ** 40, recovered: [], installSeq: -1 },
  { kind: 'token', ringId: RING, hop: 17, sender: 'gamma', seq: 40, arus: [40, -1, 39], rtr: [], backlog: 3, recovered: [true, false, true], installSeq: 41 },
];

export const TOKEN_ACK_SAMPLES: readonly TokenAckPacket[] = [
  { kind: 'token-ack', ringId: RING, hop: 0, sender: 'alpha' },
  { kind: 'token-ack', ringId: OLD_RING, hop: BIG, sender: 'z' },
];

export const JOIN_SAMPLES: readonly JoinPacket[] = [
  { kind: 'join', sender: 'alpha', incarnation: 1, procSet: ['alpha'], failSet: [], ringSeq: 0 },
  { kind: 'join', sender: 'beta', incarnation: 1_700_000_000_000, procSet: [], failSet: [], ringSeq: -1 },
  { kind: 'join', sender: 'gamma', incarnation: 9, procSet: ['alpha', 'beta', 'gamma'], failSet: ['delta', 'epsilon'], ringSeq: 2 ** 45 },
];

const INFO_FRESH: MemberInfo = { incarnation: 4, oldRingId: null, oldAru: -1, oldHighSeq: -1, oldStable: -1 };
const INFO_OLD: MemberInfo = { incarnation: 5, oldRingId: OLD_RING, oldAru: 10, oldHighSeq: 12, oldStable: 9 };

export const COMMIT_SAMPLES: readonly CommitPacket[] = [
  { kind: 'commit', ringId: RING, hop: 0, sender: 'alpha', members: ['alpha'], incarnations: [1], infos: [null], rotation: 1 },
  {
    kind: 'commit',
    ringId: RING,
    hop: 5,
    sender: 'gamma',
    members: ['alpha', 'beta', 'gamma'],
    incarnations: [1, 5, 4],
    infos: [null, INFO_OLD, INFO_FRESH],
    rotation: 1,
  },
  { kind: 'commit', ringId: RING, hop: 6, sender: 'alpha', members: ['alpha', 'beta'], incarnations: [0, BIG], infos: [INFO_FRESH, INFO_OLD], rotation: 2 },
];

export const PROBE_SAMPLES: readonly ProbePacket[] = [
  { kind: 'probe', sender: 'alpha', incarnation: 0, ringId: RING },
  { kind: 'probe', sender: 'beta', incarnation: BIG, ringId: OLD_RING },
];

export const ALL_SAMPLES: readonly RingPacket[] = [...DATA_SAMPLES, ...TOKEN_SAMPLES, ...TOKEN_ACK_SAMPLES, ...JOIN_SAMPLES, ...COMMIT_SAMPLES, ...PROBE_SAMPLES];

// ---- seeded generator ----

const NAME_PARTS = ['a', 'b', 'node', 'é', '日本', '-', '_', '9'];

export function randomName(prng: Prng): string {
  let name = '';
  const parts = prng.range(1, 6);
  for (let i = 0; i < parts; i++) {
    const next = name + prng.pick(NAME_PARTS);
    if (Buffer.byteLength(next) > 32) break;
    name = next;
  }
  return name;
}

function distinctNames(prng: Prng, max: number): string[] {
  const names = new Set<string>();
  const count = prng.int(max + 1);
  for (let i = 0; i < count; i++) names.add(fitName(`${i}${randomName(prng)}`));
  return [...names];
}

/** Cuts a name to 32 UTF-8 bytes (the names here have no surrogate pairs to split). */
function fitName(name: string): string {
  let fitted = name;
  while (Buffer.byteLength(fitted) > 32) fitted = fitted.slice(0, -1);
  return fitted;
}

/** A safe integer >= min, biased toward edge values. */
export function randomInt(prng: Prng, min: number): number {
  return prng.pick([min, min + 1, 0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, prng.int(1000), prng.int(2 ** 52)].filter((value) => value >= min));
}

function randomRingId(prng: Prng): RingId {
  return { rep: randomName(prng), repIncarnation: randomInt(prng, 0), seq: randomInt(prng, 0) };
}

function randomEntry(prng: Prng): Entry {
  const fragCount = prng.pick([1, 1, 2, 3, 65_535]);
  return { safe: prng.bool(), fragIndex: prng.int(fragCount), fragCount, payload: new Uint8Array(prng.bytes(prng.pick([0, 1, 7, prng.int(200)]))) };
}

function randomInfo(prng: Prng): MemberInfo | null {
  if (prng.int(3) === 0) return null;
  return {
    incarnation: randomInt(prng, 0),
    oldRingId: prng.bool() ? randomRingId(prng) : null,
    oldAru: randomInt(prng, -1),
    oldHighSeq: randomInt(prng, -1),
    oldStable: randomInt(prng, -1),
  };
}

function times<T>(prng: Prng, max: number, make: () => T): T[] {
  return Array.from({ length: prng.int(max + 1) }, make);
}

export function randomPacket(prng: Prng): RingPacket {
  switch (prng.int(6)) {
    case 0: {
      const packet: DataPacket = { kind: 'data', ringId: randomRingId(prng), seq: randomInt(prng, 0), origin: randomName(prng), entries: times(prng, 4, () => randomEntry(prng)) };
      return prng.bool() ? packet : { ...packet, old: { ringId: randomRingId(prng), seq: randomInt(prng, 0) } };
    }
    case 1: {
      const arus = times(prng, 6, () => randomInt(prng, -1));
      const recovered = prng.bool() ? [] : arus.map(() => prng.bool());
      const rtr = times(prng, 6, () => randomInt(prng, 0));
      return { kind: 'token', ringId: randomRingId(prng), hop: randomInt(prng, 0), sender: randomName(prng), seq: randomInt(prng, -1), arus, rtr, backlog: randomInt(prng, 0), recovered, installSeq: randomInt(prng, -1) };
    }
    case 2:
      return { kind: 'token-ack', ringId: randomRingId(prng), hop: randomInt(prng, 0), sender: randomName(prng) };
    case 3:
      return { kind: 'join', sender: randomName(prng), incarnation: randomInt(prng, 0), procSet: distinctNames(prng, 5), failSet: distinctNames(prng, 3), ringSeq: randomInt(prng, -1) };
    case 4: {
      const members = distinctNames(prng, 5);
      if (members.length === 0) members.push('solo');
      return {
        kind: 'commit',
        ringId: randomRingId(prng),
        hop: randomInt(prng, 0),
        sender: randomName(prng),
        members,
        incarnations: members.map(() => randomInt(prng, 0)),
        infos: members.map(() => randomInfo(prng)),
        rotation: prng.pick([1, 2] as const),
      };
    }
    default:
      return { kind: 'probe', sender: randomName(prng), incarnation: randomInt(prng, 0), ringId: randomRingId(prng) };
  }
}

/** Payloads as plain Uint8Arrays, so packets built from Buffers compare equal to decoded ones. */
export function plain(packet: RingPacket): RingPacket {
  if (packet.kind !== 'data') return packet;
  return { ...packet, entries: packet.entries.map((e) => ({ ...e, payload: new Uint8Array(e.payload) })) };
}
