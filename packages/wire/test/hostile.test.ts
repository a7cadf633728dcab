/**
 * Hostile bytes: seeded random buffers, mutated captured frames and hand-made absurd
 * headers. The decoder must return frames or a WireProtocolError and never throw, hold no
 * more than the frame it is waiting for, and refuse all input after its first error.
 * Randomized cases print their seed; rerun one with RINGLOG_TEST_SEED.
 */
import { describe, expect, it } from 'vitest';
import {
  bodyBytes,
  classifyClientMessage,
  CLIENT_FRAME_LIMITS,
  DAEMON_FRAME_LIMITS,
  decodeHeader,
  ENDIAN_MARKER,
  encodeMessage,
  FrameDecoder,
  type FrameDecoderOptions,
  HeaderOffset,
  hintFromMessType,
  Limits,
  type Message,
  parseAccept,
  parseAuthChoice,
  parseAuthOffer,
  parseHello,
  ResultCode,
  ServiceType,
  WireErrorCode,
  WireProtocolError,
} from '../src/internal.ts';
import { isMessageRecord, loadCaptures } from './support/captures.ts';
import { frameLength } from './support/frames.ts';
import { caseSeed, createPrng, flipBits, type Prng, randomChunkLengths } from './support/prng.ts';

const ERROR_CODES = new Set<string>(Object.values(WireErrorCode));
const SESSION = '#rawa#localhost';
const LIMITS: readonly (readonly [string, FrameDecoderOptions])[] = [
  ['client', CLIENT_FRAME_LIMITS],
  ['daemon', DAEMON_FRAME_LIMITS],
];

const capturedFrames = loadCaptures().records.filter(isMessageRecord);

/** Plain checks in the hot loops: expect() per pushed byte would make the fuzz slow. */
function check(condition: boolean, prng: Prng, what: string): void {
  if (!condition) throw new Error(`${what} (seed ${prng.seed}; rerun with RINGLOG_TEST_SEED)`);
}

/**
 * Feeds `stream` in random chunks and checks the decoder's contract after every push:
 * no throw; on success it holds exactly the undelivered tail, which is shorter than a
 * header or than the frame that header announces; after an error it holds nothing and
 * answers every later push with the same error.
 */
function feedAndCheck(stream: Buffer, options: FrameDecoderOptions, prng: Prng): { frames: Message[]; error: WireProtocolError | null } {
  const frames: Message[] = [];
  const decoder = new FrameDecoder({ onFrame: (m) => frames.push(m) }, options);
  let pushed = 0;
  let consumed = 0;
  let counted = 0;
  for (const length of randomChunkLengths(prng, stream.length, prng.pick([1, 16, 64, 1024]))) {
    const error = decoder.push(stream.subarray(pushed, pushed + length));
    pushed += length;
    if (error !== null) {
      check(error instanceof WireProtocolError && ERROR_CODES.has(error.code), prng, `unexpected error ${String(error)}`);
      check(decoder.bufferedBytes === 0, prng, 'a failed decoder holds bytes');
      const delivered = frames.length;
      check(decoder.push(stream) === error && decoder.push(Buffer.alloc(0)) === error, prng, 'a failed decoder took input');
      check(frames.length === delivered && decoder.bufferedBytes === 0, prng, 'a failed decoder delivered or held bytes');
      return { frames, error };
    }
    for (; counted < frames.length; counted++) consumed += frameLength(frames[counted] as Message, options.fromDaemon);
    check(decoder.bufferedBytes === pushed - consumed, prng, `holds ${decoder.bufferedBytes}, expected ${pushed - consumed}`);
    if (pushed - consumed >= Limits.HEADER_BYTES) {
      const header = decodeHeader(stream, consumed);
      const announced = Limits.HEADER_BYTES + bodyBytes(header.type, header.numGroups, header.dataLength, options.fromDaemon);
      check(pushed - consumed < announced, prng, 'holds a whole frame without delivering it');
    }
  }
  return { frames, error: null };
}

/** Frames that made it through must classify (as a request or an error) without throwing. */
function classifyAll(frames: readonly Message[]): void {
  for (const frame of frames) {
    const result = classifyClientMessage(frame, SESSION);
    if (result instanceof WireProtocolError) expect(ERROR_CODES.has(result.code)).toBe(true);
    else expect(['multicast', 'join', 'leave', 'kill']).toContain(result.kind);
  }
}

/** A plausible little-endian header with small random counts, then random bytes. */
function plausibleStream(prng: Prng): Buffer {
  const header = Buffer.alloc(Limits.HEADER_BYTES);
  header.writeUInt32LE((prng.pick([0x01, 0x10, 0x20, 0x50, ServiceType.JOIN, ServiceType.KILL, ServiceType.REJECT, prng.int(2 ** 32)]) | ENDIAN_MARKER) >>> 0, 0);
  header.write(prng.bool() ? SESSION : 'x'.repeat(32), HeaderOffset.SENDER, 'latin1');
  header.writeInt32LE(prng.range(-2, 4), HeaderOffset.NUM_GROUPS);
  header.writeUInt32LE(prng.bool() ? hintFromMessType(prng.int(65_536)) : prng.int(2 ** 32), HeaderOffset.HINT);
  header.writeInt32LE(prng.range(-2, 64), HeaderOffset.DATA_LENGTH);
  const body = prng.bytes(prng.int(300));
  if (prng.bool()) for (let i = 31; i < body.length; i += 32) body[i] = 0;
  return Buffer.concat([header, body]);
}

function mutate(prng: Prng, frame: Buffer): Buffer {
  const bytes = Buffer.from(frame);
  switch (prng.int(5)) {
    case 0:
      flipBits(prng, bytes, prng.range(1, 8));
      return bytes;
    case 1:
      return bytes.subarray(0, prng.int(bytes.length));
    case 2:
      bytes.writeInt32LE(prng.pick([-1, -(2 ** 31), 2 ** 31 - 1, 101, 1_000_001, prng.int(2 ** 31)]), HeaderOffset.NUM_GROUPS);
      return bytes;
    case 3:
      bytes.writeInt32LE(prng.pick([-1, -(2 ** 31), 2 ** 31 - 1, 143_153, prng.int(2 ** 31), bytes.length]), HeaderOffset.DATA_LENGTH);
      return bytes;
    default:
      return Buffer.concat([bytes, prng.bytes(prng.int(100))]);
  }
}

describe('hostile - seeded fuzz', () => {
  it.each(LIMITS)('hostile - %s decoder survives 3000 random buffers', (_name, options) => {
    let delivered = 0;
    for (let run = 0; run < 3000; run++) {
      const prng = createPrng(caseSeed(run));
      const stream = run % 3 === 0 ? prng.bytes(prng.int(400)) : Buffer.concat([plausibleStream(prng), plausibleStream(prng)]);
      const { frames } = feedAndCheck(stream, options, prng);
      delivered += frames.length;
      if (!options.fromDaemon) classifyAll(frames);
    }
    // The plausible half must reach the frame path, not just the length checks.
    expect(delivered).toBeGreaterThan(300);
  });

  it.each(LIMITS)('hostile - %s decoder survives 3000 mutated captured frames', (_name, options) => {
    let errors = 0;
    for (let run = 0; run < 3000; run++) {
      const prng = createPrng(caseSeed(run));
      const stream = Buffer.concat([mutate(prng, prng.pick(capturedFrames).bytes), prng.pick(capturedFrames).bytes]);
      const { frames, error } = feedAndCheck(stream, options, prng);
      if (error !== null) errors++;
      if (!options.fromDaemon) classifyAll(frames);
    }
    expect(errors).toBeGreaterThan(300);
  });

  it('hostile - handshake parsers never throw on random bytes', () => {
    for (let run = 0; run < 3000; run++) {
      const prng = createPrng(caseSeed(run));
      const bytes = prng.bytes(prng.int(120));
      const results = [parseHello(bytes), parseAuthOffer(bytes), parseAuthChoice(bytes), parseAccept(bytes, prng.pick([31_400, 31_500, 50_001]))];
      for (const result of results) {
        expect(['incomplete', 'ok', 'reject'], `seed ${prng.seed}`).toContain(result.status);
        if (result.status === 'ok') expect(result.bytesUsed, `seed ${prng.seed}`).toBeLessThanOrEqual(bytes.length);
        if (result.status === 'reject') expect(result.code, `seed ${prng.seed}`).not.toBe(ResultCode.ACCEPT_SESSION);
      }
    }
  });
});

function header(fields: { numGroups?: number; dataLength?: number; type?: number }): Buffer {
  const bytes = encodeMessage({ type: fields.type ?? ServiceType.AGREED, sender: SESSION, groups: [], hint: hintFromMessType(0) });
  bytes.writeInt32LE(fields.numGroups ?? 0, HeaderOffset.NUM_GROUPS);
  bytes.writeInt32LE(fields.dataLength ?? 0, HeaderOffset.DATA_LENGTH);
  return bytes;
}

function pushOne(bytes: Buffer, options: FrameDecoderOptions): { error: WireProtocolError | null; decoder: FrameDecoder; frames: Message[] } {
  const frames: Message[] = [];
  const decoder = new FrameDecoder({ onFrame: (m) => frames.push(m) }, options);
  return { error: decoder.push(bytes), decoder, frames };
}

describe('hostile - absurd headers', () => {
  it.each(LIMITS)('hostile - %s decoder refuses a 2 GiB data_len after 48 bytes, holding nothing', (_name, options) => {
    const bytes = header({ dataLength: 0x7fff_ffff });
    const decoder = new FrameDecoder({ onFrame: () => undefined }, options);
    for (let i = 0; i < 47; i++) {
      expect(decoder.push(bytes.subarray(i, i + 1))).toBeNull();
      expect(decoder.bufferedBytes).toBe(i + 1);
    }
    expect(decoder.push(bytes.subarray(47))?.code).toBe(WireErrorCode.MESSAGE_TOO_LONG);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('hostile - a big-endian 2 GiB header is refused the same way', () => {
    const bytes = header({});
    bytes.writeUInt32BE(ServiceType.AGREED, 0);
    bytes.writeInt32BE(0x7fff_ffff, HeaderOffset.DATA_LENGTH);
    expect(pushOne(bytes, DAEMON_FRAME_LIMITS).error?.code).toBe(WireErrorCode.MESSAGE_TOO_LONG);
  });

  it.each([
    ['data_len −1', WireErrorCode.BAD_DATA_LENGTH, WireErrorCode.BAD_DATA_LENGTH, { dataLength: -1 }],
    ['data_len −2^31', WireErrorCode.BAD_DATA_LENGTH, WireErrorCode.BAD_DATA_LENGTH, { dataLength: -(2 ** 31) }],
    ['data_len 143 153', WireErrorCode.MESSAGE_TOO_LONG, null, { dataLength: 143_153 }],
    ['num_groups 101', WireErrorCode.BAD_GROUP_COUNT, null, { numGroups: 101 }],
    ['num_groups −1', WireErrorCode.BAD_GROUP_COUNT, WireErrorCode.BAD_GROUP_COUNT, { numGroups: -1 }],
    ['num_groups 2^31−1', WireErrorCode.BAD_GROUP_COUNT, WireErrorCode.BAD_GROUP_COUNT, { numGroups: 2 ** 31 - 1 }],
    ['num_groups 1 000 001', WireErrorCode.BAD_GROUP_COUNT, WireErrorCode.BAD_GROUP_COUNT, { numGroups: 1_000_001 }],
    ['num_groups 100 and data_len 140 000', WireErrorCode.MESSAGE_TOO_LONG, null, { numGroups: 100, dataLength: 140_000 }],
  ] as const)('hostile - %s: client %s, daemon %s', (_label, clientCode, daemonCode, fields) => {
    const bytes = header(fields);
    const client = pushOne(bytes, CLIENT_FRAME_LIMITS);
    expect(client.error?.code).toBe(clientCode);
    expect(client.decoder.bufferedBytes).toBe(0);
    const daemon = pushOne(bytes, DAEMON_FRAME_LIMITS);
    expect(daemon.error?.code ?? null).toBe(daemonCode);
    // A legal but large announcement costs only the bytes that arrived.
    expect(daemon.decoder.bufferedBytes).toBe(daemonCode === null ? 48 : 0);
  });

  it('hostile - the daemon limits admit exactly 64 MiB and buffer only what arrived', () => {
    const atLimit = pushOne(header({ dataLength: DAEMON_FRAME_LIMITS.bodyMaxBytes }), DAEMON_FRAME_LIMITS);
    expect([atLimit.error, atLimit.decoder.bufferedBytes]).toEqual([null, 48]);
    expect(pushOne(header({ dataLength: DAEMON_FRAME_LIMITS.bodyMaxBytes + 1 }), DAEMON_FRAME_LIMITS).error?.code).toBe(WireErrorCode.MESSAGE_TOO_LONG);
  });

  it('hostile - a group slot without NUL is BAD_GROUP_NAME; a sender without NUL reaches the classifier', () => {
    const noGroupNul = encodeMessage({ type: ServiceType.AGREED, sender: SESSION, groups: ['demo'], hint: hintFromMessType(0) });
    noGroupNul.fill(0x61, 48, 80);
    expect(pushOne(noGroupNul, CLIENT_FRAME_LIMITS).error?.code).toBe(WireErrorCode.BAD_GROUP_NAME);
    const noSenderNul = encodeMessage({ type: ServiceType.AGREED, sender: SESSION, groups: ['demo'], hint: hintFromMessType(0) });
    noSenderNul.fill(0x61, 4, 36);
    const { frames } = pushOne(noSenderNul, CLIENT_FRAME_LIMITS);
    expect(frames[0]?.header.sender).toBeNull();
    expect((classifyClientMessage(frames[0] as Message, SESSION) as WireProtocolError).code).toBe(WireErrorCode.BAD_PRIVATE_NAME);
  });

  it('hostile - every type value decodes; the classifier rejects bad services', () => {
    for (const type of [0, 0x7fff_ff7f, ServiceType.REG_MEMB, ServiceType.AGREED | ServiceType.SAFE, ServiceType.REJECT, 0x0040_0000 | 0x10]) {
      const { error, frames } = pushOne(header({ type }), CLIENT_FRAME_LIMITS);
      expect(error).toBeNull();
      expect((classifyClientMessage(frames[0] as Message, SESSION) as WireProtocolError).code).toBe(WireErrorCode.BAD_SERVICE_TYPE);
    }
  });

  it('hostile - joins of names with illegal characters are refused end to end', () => {
    for (const group of ['a b', 'a\x7f', '\xff', '#x#y', '\t']) {
      const bytes = encodeMessage({ type: ServiceType.JOIN, sender: SESSION, groups: [group], hint: hintFromMessType(0) });
      const { error, frames } = pushOne(bytes, CLIENT_FRAME_LIMITS);
      expect(error).toBeNull();
      expect((classifyClientMessage(frames[0] as Message, SESSION) as WireProtocolError).code).toBe(WireErrorCode.BAD_GROUP_NAME);
    }
  });
});
