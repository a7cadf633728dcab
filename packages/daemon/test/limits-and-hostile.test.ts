/**
 * Hostile and out-of-limit input (spec §6.3 "Daemon validation", captures section 5). Each
 * violation ends the offending session only: after every case a bystander pair in the same
 * group still exchanges a message, the violation is counted, and a warn line names the session.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeMessage, hintFromMessType, Limits, type Message, type MessageFields, ServiceType, WireErrorCode } from '@ringlog/wire';
import { type Connected, Harness, isMembership, type LogLine, memoryLogger, PINO_WARN, waitFor } from './support/harness.ts';
import { BASE_SEED, createPrng, type Prng } from './support/prng.ts';
import type { RawClient } from './support/raw-client.ts';

const { AGREED, SAFE, JOIN, KILL, LEAVE, SELF_DISCARD } = ServiceType;
const BAD = '#bad#localhost';

let harness: Harness;
let lines: LogLine[];
let watch: Connected;
let peer: Connected;
let pings = 0;

beforeEach(async () => {
  const log = memoryLogger();
  lines = log.lines;
  harness = await Harness.start({ handshakeTimeoutMs: 300 }, { logger: log.logger });
  watch = await harness.member('watch', 'demo');
  peer = await harness.member('peer', 'demo');
  await watch.client.readMessage();
});
afterEach(async () => harness.close());

const isPingFrom = (sender: Connected, body: string) => (m: Message): boolean =>
  !isMembership(m) && m.header.sender === sender.group && m.data.toString('latin1') === body;

/** The bystanders still exchange messages through the daemon. */
async function bystandersWork(): Promise<void> {
  const body = `ping ${pings++}`;
  watch.client.send(watch.group, AGREED, ['demo'], body);
  await watch.client.readMessageWhere(isPingFrom(watch, body));
  await peer.client.readMessageWhere(isPingFrom(watch, body));
}

function frame(fields: Partial<MessageFields> = {}): Buffer {
  return encodeMessage({ type: AGREED, sender: BAD, groups: ['demo'], hint: hintFromMessType(1), data: Buffer.from('x'), ...fields });
}

function patched(bytes: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeInt32LE(value, offset);
  return copy;
}

const NUM_GROUPS_AT = 36;
const DATA_LENGTH_AT = 44;

const VIOLATIONS: ReadonlyArray<readonly [string, () => Buffer, string]> = [
  ['two service bits (AGREED|SAFE)', () => frame({ type: AGREED | SAFE }), WireErrorCode.BAD_SERVICE_TYPE],
  ['type 0', () => frame({ type: 0 }), WireErrorCode.BAD_SERVICE_TYPE],
  ['JOIN|AGREED', () => frame({ type: JOIN | AGREED, data: Buffer.alloc(0) }), WireErrorCode.BAD_SERVICE_TYPE],
  ['an unknown type bit (0x00080000)', () => frame({ type: AGREED | 0x0008_0000 }), WireErrorCode.BAD_SERVICE_TYPE],
  ['a foreign private name in the header', () => frame({ sender: '#watch#localhost' }), WireErrorCode.BAD_PRIVATE_NAME],
  ['a wrong daemon name in the header', () => frame({ sender: '#bad#otherhost' }), WireErrorCode.BAD_PRIVATE_NAME],
  ['num_groups 101', () => frame({ groups: Array.from({ length: 101 }, (_, i) => `g${i}`) }), WireErrorCode.BAD_GROUP_COUNT],
  ['a hint with the stray bit 0x01', () => frame({ hint: 0x8000_0181 }), WireErrorCode.BAD_HINT],
  ['data_len 143121 with 1 group', () => frame({ data: Buffer.alloc(143_121) }), WireErrorCode.MESSAGE_TOO_LONG],
  ['a negative data_len', () => patched(frame({ data: Buffer.alloc(0) }), DATA_LENGTH_AT, -1), WireErrorCode.BAD_DATA_LENGTH],
  ['num_groups -1', () => patched(frame({ groups: [] }), NUM_GROUPS_AT, -1), WireErrorCode.BAD_GROUP_COUNT],
  ['a group slot without NUL', () => {
    const bytes = frame();
    bytes.fill(0x78, 48, 80);
    return bytes;
  }, WireErrorCode.BAD_GROUP_NAME],
  ['a join of "a b"', () => frame({ type: JOIN, groups: ['a b'], data: Buffer.alloc(0) }), WireErrorCode.BAD_GROUP_NAME],
  ['a join of a private group', () => frame({ type: JOIN, groups: ['#watch#localhost'], data: Buffer.alloc(0) }), WireErrorCode.BAD_GROUP_NAME],
  ['a leave naming two groups', () => frame({ type: LEAVE, groups: ['demo', 'other'], data: Buffer.alloc(0) }), WireErrorCode.BAD_GROUP_COUNT],
  ['a KILL with SELF_DISCARD', () => frame({ type: KILL | SELF_DISCARD, groups: [BAD], data: Buffer.alloc(0) }), WireErrorCode.BAD_GROUP_COUNT],
];

describe('hostile - one violation closes only the offender', () => {
  it.each(VIOLATIONS)('hostile - %s closes the offender alone', async (_, build, code) => {
    const bad = await harness.member('bad', 'demo');
    await watch.client.readMessage();
    await peer.client.readMessage();
    bad.client.write(build());
    await bad.client.closed();
    const gone = await peer.client.readMessageWhere(isMembership);
    expect(gone.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
    expect(gone.groups).toEqual([peer.group, watch.group]);
    await bystandersWork();
    expect(harness.daemon.counters.protocolViolations).toEqual({ [code]: 1 });
    expect(harness.daemon.counters.sessionsEnded).toEqual({ protocol_violation: 1 });
    const warn = lines.filter((line) => line.level === PINO_WARN);
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatchObject({ session: BAD, error_code: code, stage: 'decode' });
    expect(harness.daemon.sessionCount).toBe(2);
  });

  it('hostile - data_len 0x7fffffff closes the session right after the 48-byte header', async () => {
    const bad = await harness.connect('bad');
    bad.client.write(patched(frame({ data: Buffer.alloc(0) }), DATA_LENGTH_AT, 0x7fff_ffff));
    // Only the header is sent: the daemon must judge it without waiting for (or buffering) a body.
    await bad.client.closed();
    await bystandersWork();
    expect(harness.daemon.counters.protocolViolations).toEqual({ [WireErrorCode.MESSAGE_TOO_LONG]: 1 });
    expect(lines.find((line) => line.level === PINO_WARN)).toMatchObject({ session: BAD, error_code: WireErrorCode.MESSAGE_TOO_LONG });
  });

  it('hostile - random garbage after the handshake closes the session', async () => {
    const prng = createPrng(BASE_SEED);
    for (let i = 0; i < 10; i++) {
      const bad = await harness.connect(`bad${i}`);
      bad.client.write(prng.bytes(48 + prng.int(200)));
      await bad.client.closed().catch((error: unknown) => {
        throw new Error(`seed ${prng.seed} case ${i}: ${String(error)}`);
      });
      await bystandersWork();
    }
    const total = Object.values(harness.daemon.counters.protocolViolations).reduce((a, b) => a + b, 0);
    expect(total).toBe(10);
  });

  it('hostile - an HTTP request instead of a hello gets 0xfb and close', async () => {
    const client = await harness.open();
    // 'G' 'E' reads as library 71.69, 'T' as its patch, ' ' as flags and '/' (47) as the name length.
    client.write(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', 'latin1'));
    expect(await client.readToEnd()).toEqual(Buffer.from([0xfb]));
    await bystandersWork();
  });

  it('hostile - random garbage instead of a hello is rejected or timed out, and never disturbs others', async () => {
    const prng = createPrng(BASE_SEED + 1);
    const clients: RawClient[] = [];
    for (let i = 0; i < 30; i++) {
      const client = await harness.open(i % 2 === 0 ? 'tcp' : 'unix');
      client.write(prng.bytes(1 + prng.int(120)));
      clients.push(client);
    }
    await bystandersWork();
    // A reject byte closes at once; an incomplete hello or auth choice ends at the timeout.
    const closed = await Promise.all(clients.map(async (client) => client.closed().then(() => true, () => false)));
    expect(closed.filter((c) => !c).length, `seed ${prng.seed}`).toBe(harness.daemon.sessionCount - 2);
    await bystandersWork();
  });
});

describe('hostile - limits that are accepted', () => {
  it('hostile - num_groups 100 is accepted and delivered once', async () => {
    const sender = await harness.connect('bad');
    const groups = ['demo', ...Array.from({ length: 99 }, (_, i) => `g${i}`)];
    sender.client.write(frame({ groups, data: Buffer.from('hundred') }));
    const message = await peer.client.readMessageWhere((m) => m.header.sender === BAD);
    expect(message.groups).toEqual(groups);
    await bystandersWork();
    expect(harness.daemon.counters.protocolViolations).toEqual({});
  });

  it('hostile - data_len 143120 with 1 group is accepted (Spread aborts one byte later; we refuse)', async () => {
    const sender = await harness.member('bad', 'demo');
    const data = Buffer.alloc(Limits.BODY_MAX_BYTES - 32, 0x5a);
    expect(data.length).toBe(143_120);
    sender.client.write(frame({ data }));
    const own = await sender.client.readMessage();
    expect(own.data.equals(data)).toBe(true);
    const seen = await peer.client.readMessageWhere((m) => m.header.sender === BAD && !isMembership(m));
    expect(seen.data.length).toBe(143_120);
    await bystandersWork();
  });
});

describe('hostile - session lifecycle edges', () => {
  it('hostile - frames pipelined after a KILL are ignored: no ghost member', async () => {
    const bad = await harness.connect('bad');
    bad.client.write(Buffer.concat([
      frame({ type: KILL, groups: [BAD], data: Buffer.alloc(0) }),
      frame({ type: JOIN, groups: ['demo'], data: Buffer.alloc(0) }),
      frame({ type: AGREED, groups: ['demo'], data: Buffer.from('from beyond') }),
    ]));
    await bad.client.closed();
    await bystandersWork();
    expect(harness.daemon.delivery.groups.get('demo')?.members.map((m) => m.privateGroup)).toEqual([peer.group, watch.group]);
    const next = await harness.member('next', 'demo');
    const joined = await peer.client.readMessageWhere(isMembership);
    expect(joined.groups).toEqual([next.group, peer.group, watch.group]);
    expect(peer.client.available).toBe(0);
  });

  it('hostile - a peer that sends KILL, then trickles bytes and never closes, is cut off 5 s later', async () => {
    const bad = await harness.open('tcp', { allowHalfOpen: true });
    const group = await bad.handshake('bad');
    bad.kill(group);
    await waitFor(() => harness.daemon.sessionCount === 2, 'the KILL to end the session');
    await waitFor(() => {
      bad.write(Buffer.from([0]));
      return bad.ended;
    }, 'the daemon to drop the connection', 15_000);
    await bystandersWork();
  });

  it('hostile - a close in the middle of a frame leaves no trace', async () => {
    const bad = await harness.member('bad', 'demo');
    await watch.client.readMessage();
    await peer.client.readMessage();
    bad.client.write(frame({ data: Buffer.alloc(1000) }).subarray(0, 500));
    bad.client.destroy();
    const gone = await peer.client.readMessageWhere(isMembership);
    expect(gone.header.type).toBe(ServiceType.REG_MEMB | ServiceType.CAUSED_BY_DISCONNECT);
    await bystandersWork();
    expect(harness.daemon.counters.protocolViolations).toEqual({});
  });
});

/** A valid frame for `sender` of a random kind, then maybe mutated. */
function fuzzFrame(prng: Prng, sender: string): Buffer {
  const kind = prng.int(6);
  const groups = [['demo'], ['demo', 'other'], ['#peer#localhost'], [], [sender]][prng.int(5)] as string[];
  let bytes: Buffer;
  if (kind === 0) bytes = encodeMessage({ type: JOIN, sender, groups: [prng.pick(['demo', 'other', 'f1'])], hint: hintFromMessType(0) });
  else if (kind === 1) bytes = encodeMessage({ type: LEAVE, sender, groups: [prng.pick(['demo', 'other', 'f1'])], hint: hintFromMessType(0) });
  else if (kind === 2 && prng.int(8) === 0) bytes = encodeMessage({ type: KILL, sender, groups: [sender], hint: hintFromMessType(0) });
  else {
    const service = 1 << prng.int(6);
    bytes = encodeMessage({ type: service | (prng.int(4) === 0 ? SELF_DISCARD : 0), sender, groups, hint: hintFromMessType(prng.int(0x10000)), data: prng.bytes(prng.int(300)) });
  }
  switch (prng.int(6)) {
    case 0:
      return bytes;
    case 1: {
      const at = prng.int(Math.min(bytes.length, 48 + 64));
      bytes[at] = prng.int(256);
      return bytes;
    }
    case 2: {
      const field = prng.pick([0, NUM_GROUPS_AT, 40, DATA_LENGTH_AT]);
      return patched(bytes, field, prng.pick([0, -1, 1, 100, 101, 0x7fff_ffff, -0x8000_0000, prng.int(0x1_0000_0000) | 0]));
    }
    case 3:
      return bytes.subarray(0, prng.int(bytes.length));
    case 4:
      return Buffer.concat([bytes, prng.bytes(prng.int(64))]);
    default:
      return prng.bytes(prng.int(120));
  }
}

describe('hostile - fuzz', () => {
  it('hostile - 1000 seeded random frames from 4 clients at once never disturb a bystander', async () => {
    const frames = 1000;
    const fuzzers = 4;
    let sent = 0;
    let done = false;
    const opened: RawClient[] = [];
    const runFuzzer = async (index: number): Promise<void> => {
      const prng = createPrng(BASE_SEED + 100 + index);
      let generation = 0;
      let current: Connected | null = null;
      while (sent < frames) {
        if (current === null || current.client.ended) {
          current?.client.destroy();
          current = await harness.connect(`f${index}g${generation++}`);
          opened.push(current.client);
        }
        current.client.write(fuzzFrame(prng, current.group));
        sent++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const bystanderLoop = async (): Promise<void> => {
      while (!done) await bystandersWork();
    };
    const bystanders = bystanderLoop();
    await Promise.all(Array.from({ length: fuzzers }, (_, i) => runFuzzer(i))).catch((error: unknown) => {
      throw new Error(`seed ${BASE_SEED}: ${String(error)}`);
    });
    done = true;
    await bystanders;
    await bystandersWork();

    const counters = harness.daemon.counters;
    const violations = Object.values(counters.protocolViolations).reduce((a, b) => a + b, 0);
    expect(violations, `seed ${BASE_SEED}`).toBeGreaterThan(10);
    expect(counters.sessionsEnded.protocol_violation).toBe(violations);
    expect(lines.filter((line) => line.level === PINO_WARN && typeof line.session === 'string' && line.session.startsWith('#f'))).toHaveLength(violations);

    // Close every fuzzer: only the bystanders remain, and no group keeps a ghost member.
    for (const client of opened) client.destroy();
    await waitFor(() => harness.daemon.sessionCount === 2, 'fuzzer sessions to end');
    expect([...harness.daemon.delivery.groups.groupsOf(peer.group)]).toEqual(['demo']);
    expect(harness.daemon.delivery.groups.get('demo')?.members.map((m) => m.privateGroup)).toEqual([peer.group, watch.group]);
    expect(harness.daemon.delivery.groups.size).toBe(1);
    await bystandersWork();
  });
});
