/**
 * FrameDecoder under every fragmentation: captured frame sequences split at every single
 * point, fed one byte at a time, in seeded random chunk sizes and in the TCP read sizes the
 * capture proxy saw. The same frames must come out in the same order every time, and the
 * decoder must hold exactly the bytes of the frame it is waiting for.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_LIMITS,
  DAEMON_FRAME_LIMITS,
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  type FrameDecoderOptions,
  hintFromMessType,
  type Message,
  ServiceType,
  WireErrorCode,
  WireProtocolError,
} from '../src/internal.ts';
import { type CaptureRecord, connectionRecords, isMessageRecord, loadCaptures } from './support/captures.ts';
import { decodeChunked, frameLength, frameSummary } from './support/frames.ts';
import { caseSeed, createPrng, randomChunkLengths } from './support/prng.ts';

const captures = loadCaptures();

function messages(section: number, conn: number, direction: CaptureRecord['direction']): Buffer[] {
  return connectionRecords(captures, section, conn)
    .filter((r) => r.direction === direction && isMessageRecord(r))
    .map((r) => r.bytes);
}

/** A daemon REJECT_MESS (never captured: the default policy permits everything). */
const rejectFrame = encodeMessage({
  type: ServiceType.REJECT | ServiceType.SELF_DISCARD,
  oldType: ServiceType.AGREED | ServiceType.SELF_DISCARD,
  sender: '#alice#localhost',
  groups: ['demo', '#alice#localhost'],
  hint: hintFromMessType(7),
  data: Buffer.from('refused'),
});

interface Sequence {
  readonly name: string;
  readonly options: FrameDecoderOptions;
  readonly frames: readonly Buffer[];
}

const sequences: readonly Sequence[] = [
  { name: '§8 merge: joins, transition, two network views (D->C)', options: DAEMON_FRAME_LIMITS, frames: [...messages(8, 1, 'D->C'), rejectFrame] },
  { name: '§1 alice: membership, data, self-leave (D->C)', options: DAEMON_FRAME_LIMITS, frames: messages(1, 1, 'D->C') },
  { name: '§1 alice and rawa: join, sends, leave, kill (C->D)', options: CLIENT_FRAME_LIMITS, frames: [...messages(1, 1, 'C->D'), ...messages(1, 5, 'C->D')] },
];

function reference(sequence: Sequence): Record<string, unknown>[] {
  return sequence.frames.map((frame) => frameSummary(decodeMessage(frame, sequence.options.fromDaemon)));
}

function expectFrames(outcome: ReturnType<typeof decodeChunked>, expected: Record<string, unknown>[], context: string): void {
  expect(outcome.error, context).toBeNull();
  expect(outcome.bufferedBytes, context).toBe(0);
  expect(outcome.frames.map(frameSummary), context).toEqual(expected);
}

describe.each(sequences.map((s) => [s.name, s] as const))('frame-decoder - %s', (_name, sequence) => {
  const stream = Buffer.concat(sequence.frames);
  const expected = reference(sequence);

  it('frame-decoder - the whole stream in one chunk gives every frame', () => {
    expect(sequence.frames.length).toBeGreaterThanOrEqual(4);
    expectFrames(decodeChunked(stream, sequence.options), expected, 'one chunk');
  });

  it('frame-decoder - split at every single point gives the same frames', () => {
    for (let split = 0; split <= stream.length; split++) {
      expectFrames(decodeChunked(stream, sequence.options, [split, stream.length - split]), expected, `split at ${split}`);
    }
  });

  it('frame-decoder - one byte at a time delivers each frame on its last byte and buffers only its bytes', () => {
    const delivered: Message[] = [];
    const decoder = new FrameDecoder({ onFrame: (m) => delivered.push(m) }, sequence.options);
    const ends: number[] = [];
    sequence.frames.reduce((end, frame) => (ends.push(end + frame.length), end + frame.length), 0);
    let frameStart = 0;
    for (let i = 0; i < stream.length; i++) {
      expect(decoder.push(stream.subarray(i, i + 1))).toBeNull();
      const complete = ends.filter((end) => end <= i + 1).length;
      expect(delivered.length, `after byte ${i}`).toBe(complete);
      if (ends.includes(i + 1)) frameStart = i + 1;
      expect(decoder.bufferedBytes, `after byte ${i}`).toBe(i + 1 - frameStart);
    }
    expect(delivered.map(frameSummary)).toEqual(expected);
    expect(delivered.map((m) => frameLength(m, sequence.options.fromDaemon))).toEqual(sequence.frames.map((f) => f.length));
  });

  it('frame-decoder - seeded random chunk sizes give the same frames', () => {
    for (let run = 0; run < 300; run++) {
      const prng = createPrng(caseSeed(run));
      const maxChunk = prng.pick([2, 7, 48, 49, 100, 300]);
      const lengths = randomChunkLengths(prng, stream.length, maxChunk);
      expectFrames(decodeChunked(stream, sequence.options, lengths), expected, `seed ${prng.seed}, chunks ${lengths.join(',')}`);
    }
  });

  it('frame-decoder - empty chunks between bytes change nothing', () => {
    const lengths = [...stream].flatMap(() => [0, 1, 0]);
    expectFrames(decodeChunked(stream, sequence.options, lengths), expected, 'empty chunks');
  });
});

describe('frame-decoder - captured TCP reads', () => {
  it.each([
    [7, 1],
    [8, 1],
    [1, 1],
    [1, 5],
  ])('frame-decoder - §%i conn %i D->C frames arrive whole in the proxy read sizes', (section, conn) => {
    const records = connectionRecords(captures, section, conn).filter((r) => r.direction === 'D->C');
    const stream = Buffer.concat(records.map((r) => r.bytes));
    const handshakeBytes = records.filter((r) => !isMessageRecord(r)).reduce((sum, r) => sum + r.bytes.length, 0);
    const chunks = captures.rawChunks.filter((c) => c.section === section && c.conn === conn && c.direction === 'D->C');
    // Cut the reads at the end of the handshake; the decoder sees only what follows it.
    const lengths: number[] = [];
    let offset = 0;
    for (const chunk of chunks) {
      const start = Math.max(offset, handshakeBytes);
      const end = offset + chunk.length;
      if (end > start) lengths.push(end - start);
      offset = end;
    }
    const frames = records.filter(isMessageRecord).map((r) => r.bytes);
    const outcome = decodeChunked(stream.subarray(handshakeBytes), DAEMON_FRAME_LIMITS, lengths);
    expectFrames(outcome, frames.map((f) => frameSummary(decodeMessage(f, true))), `§${section} conn ${conn}`);
  });

  it('frame-decoder - the §7 transition split 48 + 12 is held, then delivered', () => {
    const transition = connectionRecords(captures, 7, 1).find((r) => r.description.includes('TRANSITION_MESS'));
    if (transition === undefined) throw new Error('no transition record');
    const delivered: Message[] = [];
    const decoder = new FrameDecoder({ onFrame: (m) => delivered.push(m) }, DAEMON_FRAME_LIMITS);
    expect(decoder.push(transition.bytes.subarray(0, 48))).toBeNull();
    expect([delivered.length, decoder.bufferedBytes]).toEqual([0, 48]);
    expect(decoder.push(transition.bytes.subarray(48))).toBeNull();
    expect([delivered.length, decoder.bufferedBytes]).toEqual([1, 0]);
  });
});

describe('frame-decoder - behaviour', () => {
  const [first, second] = messages(1, 5, 'C->D');

  it('frame-decoder - a frame inside one chunk is a view of it, a split frame is a copy', () => {
    if (second === undefined) throw new Error('no frames');
    const chunk = Buffer.from(second);
    expect(second.subarray(-23).toString()).toBe('multigroup self-discard');
    const [whole] = decodeChunked(chunk, CLIENT_FRAME_LIMITS).frames;
    const [split] = decodeChunked(chunk, CLIENT_FRAME_LIMITS, [50, chunk.length - 50]).frames;
    const payload = whole?.data.toString('latin1');
    chunk.fill(0x21, chunk.length - 4);
    // Callers must not reuse a chunk while its frames are in use: the decoder does not copy them.
    expect(whole?.data.toString('latin1')).not.toBe(payload);
    expect(split?.data.toString('latin1')).toBe(payload);
  });

  it('frame-decoder - a sink that fails the decoder stops delivery at once, for good', () => {
    if (first === undefined || second === undefined) throw new Error('no frames');
    const delivered: Message[] = [];
    const refusal = new WireProtocolError(WireErrorCode.BAD_SERVICE_TYPE, 'refused by the session');
    const decoder: FrameDecoder = new FrameDecoder(
      { onFrame: (m) => (delivered.push(m), decoder.fail(refusal)) },
      CLIENT_FRAME_LIMITS,
    );
    expect(decoder.push(Buffer.concat([first, second, first]))).toBe(refusal);
    expect(delivered).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.push(second)).toBe(refusal);
    expect(delivered).toHaveLength(1);
  });

  it('frame-decoder - a client REJECT bit carries no old_type; a daemon REJECT does', () => {
    const fromDaemon = decodeChunked(rejectFrame, DAEMON_FRAME_LIMITS).frames[0];
    expect(fromDaemon?.oldType).toBe(ServiceType.AGREED | ServiceType.SELF_DISCARD);
    expect(fromDaemon?.groups).toEqual(['demo', '#alice#localhost']);
    expect(fromDaemon?.data.toString()).toBe('refused');
    const asClient = encodeMessage({ type: ServiceType.REJECT, sender: '#a#d', groups: ['g'], hint: hintFromMessType(0) });
    const fromClient = decodeChunked(asClient, CLIENT_FRAME_LIMITS).frames[0];
    expect([fromClient?.oldType, fromClient?.groups]).toEqual([null, ['g']]);
  });

  it('frame-decoder - decodeMessage throws on short, long or inconsistent buffers', () => {
    if (first === undefined) throw new Error('no frames');
    for (const bytes of [first.subarray(0, 47), first.subarray(0, first.length - 1), Buffer.concat([first, Buffer.alloc(1)])]) {
      expect(() => decodeMessage(bytes, false)).toThrow(WireProtocolError);
    }
  });
});
