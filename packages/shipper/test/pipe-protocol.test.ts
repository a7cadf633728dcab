import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  encodePipeAck,
  encodePipeBye,
  encodePipeHello,
  parsePipeHello,
  parsePipeReply,
  PIPE_HELLO_MAX_BYTES,
  PipeByeReason,
} from '../src/pipe-protocol.ts';
import { PipeReplyDecoder } from '../src/pipe-reply-decoder.ts';
import { PipeStreamDecoder, type PipeStreamSink, type PipeViolation } from '../src/pipe-stream-decoder.ts';
import type { PipeHello } from '../src/pipe-protocol.ts';

/** Records what a decoder reports, lines as latin1 text. */
class RecordingSink {
  readonly hellos: PipeHello[] = [];
  readonly lines: string[] = [];
  rawBytes = 0;
  readonly violations: PipeViolation[] = [];
}

function sinkFor(recording: RecordingSink): PipeStreamSink {
  return {
    hello: (hello) => recording.hellos.push(hello),
    lines: (lines, rawBytes) => {
      recording.lines.push(...lines.map((line) => line.toString('latin1')));
      recording.rawBytes += rawBytes;
    },
    violation: (violation) => recording.violations.push(violation),
  };
}

function decode(stream: Buffer, chunkBytes = stream.length, lineMaxBytes?: number) {
  const sink = new RecordingSink();
  const decoder = new PipeStreamDecoder(sinkFor(sink), lineMaxBytes);
  for (let offset = 0; offset < stream.length; offset += chunkBytes) decoder.feed(stream.subarray(offset, offset + chunkBytes));
  return { sink, decoder };
}

const hello = encodePipeHello('web1-4242', 'www');

describe('pipe protocol - hello', () => {
  it('pipe protocol - hello round trip, with and without a group', () => {
    expect(hello.toString()).toBe('RINGLOG-PIPE 1 id=web1-4242 group=www\n');
    expect(parsePipeHello(hello.subarray(0, -1))).toEqual({ ok: true, hello: { version: 1, helperId: 'web1-4242', group: 'www' } });
    const bare = encodePipeHello('h', null);
    expect(parsePipeHello(bare.subarray(0, -1))).toEqual({ ok: true, hello: { version: 1, helperId: 'h', group: null } });
  });

  it('pipe protocol - unknown fields are ignored (later versions add some)', () => {
    const parsed = parsePipeHello(Buffer.from('RINGLOG-PIPE 1 id=x seq=17 group=g'));
    expect(parsed).toEqual({ ok: true, hello: { version: 1, helperId: 'x', group: 'g' } });
  });

  it('pipe protocol - hostile hellos are refused with a reason', () => {
    const refused = [
      '',
      'GET / HTTP/1.1',
      'RINGLOG-PIPE',
      'RINGLOG-PIPE x id=a',
      'RINGLOG-PIPE 1',
      'RINGLOG-PIPE 1 id=',
      'RINGLOG-PIPE 1 id=a id=b',
      'RINGLOG-PIPE 1 id=a group=#private',
      `RINGLOG-PIPE 1 id=a group=${'g'.repeat(32)}`,
      `RINGLOG-PIPE 1 id=${'i'.repeat(65)}`,
      'RINGLOG-PIPE 1 id=a noequals',
      'RINGLOG-PIPE 1 id=a\r',
      'ringlog-pipe 1 id=a',
    ];
    for (const text of refused) expect(parsePipeHello(Buffer.from(text, 'latin1')), text).toMatchObject({ ok: false, reason: 'bad_hello' });
    expect(parsePipeHello(Buffer.from('RINGLOG-PIPE 2 id=a'))).toMatchObject({ ok: false, reason: 'unsupported_version' });
  });

  it('pipe protocol - encoders refuse what the shipper would refuse', () => {
    expect(() => encodePipeHello('has space', null)).toThrow(RangeError);
    expect(() => encodePipeHello('ok', 'bad#group')).toThrow(RangeError);
    expect(() => encodePipeAck(-1)).toThrow(RangeError);
    expect(() => encodePipeAck(1.5)).toThrow(RangeError);
  });
});

describe('pipe protocol - stream decoder', () => {
  const body = Buffer.from('first line\r\nsecond\n\nthird \xff\xfe bytes\n', 'latin1');
  const stream = Buffer.concat([hello, body]);

  it('pipe protocol - hello then lines; raw bytes count every byte after the hello', () => {
    const { sink, decoder } = decode(stream);
    expect(sink.hellos).toHaveLength(1);
    expect(sink.lines).toEqual(['first line', 'second', 'third \xff\xfe bytes']);
    expect(sink.rawBytes).toBe(body.length);
    expect(sink.violations).toEqual([]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('pipe protocol - byte by byte gives the same result as one chunk', () => {
    const { sink } = decode(stream, 1);
    expect(sink.lines).toEqual(['first line', 'second', 'third \xff\xfe bytes']);
    expect(sink.rawBytes).toBe(body.length);
  });

  it('pipe protocol - every split point gives the same lines and counts', () => {
    for (let split = 1; split < stream.length; split++) {
      const sink = new RecordingSink();
      const decoder = new PipeStreamDecoder(sinkFor(sink));
      decoder.feed(stream.subarray(0, split));
      decoder.feed(stream.subarray(split));
      expect(sink.lines.join('|'), `split at ${split}`).toBe('first line|second|third \xff\xfe bytes');
      expect(sink.rawBytes).toBe(body.length);
    }
  });

  it('pipe protocol - a partial line is held, not counted, until its LF', () => {
    const { sink, decoder } = decode(Buffer.concat([hello, Buffer.from('done\nhalf a li')]));
    expect(sink.lines).toEqual(['done']);
    expect(sink.rawBytes).toBe(5);
    expect(decoder.pendingBytes).toBe(9);
    decoder.feed(Buffer.from('ne\n'));
    expect(sink.lines).toEqual(['done', 'half a line']);
    expect(sink.rawBytes).toBe(5 + 12);
  });

  it('pipe protocol - random bytes instead of a hello are a bad hello, and nothing after counts', () => {
    for (let round = 0; round < 50; round++) {
      const junk = randomBytes(1 + (round * 37) % 2000);
      const { sink, decoder } = decode(junk, 1 + (round % 7));
      decoder.end();
      expect(sink.lines).toEqual([]);
      if (sink.violations.length > 0) expect(sink.violations[0]?.type).toMatch(/^(bad_hello|unsupported_version)$/);
      expect(sink.violations.length).toBeLessThanOrEqual(1);
    }
  });

  it('pipe protocol - a hello without LF within the limit is refused early', () => {
    const { sink } = decode(Buffer.alloc(PIPE_HELLO_MAX_BYTES + 1, 0x41));
    expect(sink.violations).toEqual([{ type: 'bad_hello', detail: `no LF within ${PIPE_HELLO_MAX_BYTES} bytes` }]);
  });

  it('pipe protocol - random bytes after a good hello are lines (any byte but LF is legal)', () => {
    const junk = randomBytes(50_000);
    const { sink } = decode(Buffer.concat([hello, junk, Buffer.from('\n')]), 333);
    const expected = junk.toString('latin1').split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
    expect(sink.lines).toEqual(expected);
    expect(sink.rawBytes).toBe(junk.length + 1);
    expect(sink.violations).toEqual([]);
  });

  it('pipe protocol - an overlong line: lines before it count, then the decoder fails and ignores the rest', () => {
    const { sink, decoder } = decode(Buffer.concat([hello, Buffer.from(`ok\n${'x'.repeat(40)}\nlater\n`)]), 7, 32);
    expect(sink.lines).toEqual(['ok']);
    expect(sink.rawBytes).toBe(3);
    expect(sink.violations).toMatchObject([{ type: 'overlong_line' }]);
    expect(decoder.state).toBe('failed');
    decoder.feed(Buffer.from('more\n'));
    expect(sink.lines).toEqual(['ok']);
  });

  it('pipe protocol - an overlong partial line fails without waiting for its LF', () => {
    const { sink } = decode(Buffer.concat([hello, Buffer.alloc(33, 0x61)]), 5, 32);
    expect(sink.violations).toEqual([{ type: 'overlong_line', bytes: 33 }]);
  });

  it('pipe protocol - end() in the middle of a line or hello is a violation; at a boundary it is not', () => {
    const half = decode(Buffer.concat([hello, Buffer.from('whole\nhal')]));
    half.decoder.end();
    expect(half.sink.violations).toEqual([{ type: 'half_line', bytes: 3 }]);
    const halfHello = decode(hello.subarray(0, 10));
    halfHello.decoder.end();
    expect(halfHello.sink.violations).toMatchObject([{ type: 'bad_hello' }]);
    const clean = decode(Buffer.concat([hello, Buffer.from('whole\n')]));
    clean.decoder.end();
    expect(clean.sink.violations).toEqual([]);
  });

  it('pipe protocol - a second hello-looking line is just a line', () => {
    const { sink } = decode(Buffer.concat([hello, hello]));
    expect(sink.hellos).toHaveLength(1);
    expect(sink.lines).toEqual([hello.toString().trimEnd()]);
  });
});

describe('pipe protocol - replies', () => {
  it('pipe protocol - ACK and BYE round trip through the reply decoder, split anywhere', () => {
    const stream = Buffer.concat([encodePipeAck(0), encodePipeAck(123_456_789), encodePipeBye(PipeByeReason.SHUTDOWN)]);
    for (let split = 0; split <= stream.length; split++) {
      const decoder = new PipeReplyDecoder();
      const events = [...decoder.feed(stream.subarray(0, split)), ...decoder.feed(stream.subarray(split))];
      expect(events).toEqual([
        { type: 'ack', bytes: 0 },
        { type: 'ack', bytes: 123_456_789 },
        { type: 'bye', reason: 'shutdown' },
      ]);
    }
  });

  it('pipe protocol - hostile replies are one violation, then silence', () => {
    for (const junk of ['ACK -1\n', 'ACK 12x\n', 'HELLO\n', 'ACK 99999999999999999\n', `ACK ${'1'.repeat(80)}`]) {
      const decoder = new PipeReplyDecoder();
      const events = decoder.feed(Buffer.from(junk));
      expect(events, junk).toMatchObject([{ type: 'violation' }]);
      expect(decoder.feed(encodePipeAck(5))).toEqual([]);
    }
    expect(parsePipeReply(Buffer.from('ACK 7'))).toEqual({ type: 'ack', bytes: 7 });
    expect(parsePipeReply(Buffer.from('BYE Upper'))).toBeNull();
  });
});
