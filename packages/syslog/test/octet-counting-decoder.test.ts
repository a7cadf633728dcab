import { describe, expect, it } from 'vitest';
import { OctetCountingDecoder, SyslogOptionError, type SyslogFramingError } from '../src/index.ts';

const MESSAGES = ['<190>Nov 22 10:00:00 web1 nginx: GET / 200', '<13>1 - h a - - [x@1 a="b\\]"] m\n', 'x', '<13>\u00e9\0 end'];
const STREAM = Buffer.concat(MESSAGES.map((text) => {
  const body = Buffer.from(text);
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}));

function collect(options: ConstructorParameters<typeof OctetCountingDecoder>[0] = {}) {
  const errors: SyslogFramingError[] = [];
  const decoder = new OctetCountingDecoder({ ...options, onError: (error) => errors.push(error) });
  return { decoder, errors };
}

describe('octet counting - framing', () => {
  it('octet counting - one chunk gives every frame, as views', () => {
    const { decoder, errors } = collect();
    const frames = decoder.push(STREAM);
    expect(frames.map((frame) => frame.toString())).toEqual(MESSAGES);
    expect(frames[0]!.buffer).toBe(STREAM.buffer);
    expect(errors).toEqual([]);
    expect(decoder.stats).toEqual({ frames: 4, errors: 0, truncatedFrames: 0, droppedBytes: 0 });
  });

  it('octet counting - split at every chunk boundary', () => {
    for (let cut = 0; cut <= STREAM.length; cut += 1) {
      const { decoder, errors } = collect();
      const frames = [...decoder.push(STREAM.subarray(0, cut)), ...decoder.push(STREAM.subarray(cut))];
      expect(frames.map((frame) => frame.toString()), `cut at ${cut}`).toEqual(MESSAGES);
      expect(errors).toEqual([]);
    }
  });

  it('octet counting - split at every pair of chunk boundaries and byte by byte', () => {
    for (let first = 0; first <= STREAM.length; first += 1) {
      for (let second = first; second <= STREAM.length; second += 7) {
        const { decoder } = collect();
        const frames = [STREAM.subarray(0, first), STREAM.subarray(first, second), STREAM.subarray(second)].flatMap((chunk) => decoder.push(chunk));
        expect(frames.map((frame) => frame.toString()), `cuts at ${first}, ${second}`).toEqual(MESSAGES);
      }
    }
    const { decoder } = collect();
    const frames = [...STREAM].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(frames.map((frame) => frame.toString())).toEqual(MESSAGES);
  });

  it('octet counting - newlines between frames are tolerated', () => {
    const { decoder, errors } = collect();
    expect(decoder.push(Buffer.from('3 abc\n\r\n2 de')).map(String)).toEqual(['abc', 'de']);
    expect(errors).toEqual([]);
  });

  it('octet counting - a frame of exactly frameBytesMax is accepted', () => {
    const { decoder, errors } = collect({ frameBytesMax: 5 });
    expect(decoder.push(Buffer.from('5 abcde')).map(String)).toEqual(['abcde']);
    expect(errors).toEqual([]);
  });
});

describe('octet counting - errors', () => {
  it('octet counting - a length of 10^12 is rejected without buffering, and the stream is dropped', () => {
    const { decoder, errors } = collect();
    const frames = decoder.push(Buffer.from('1000000000000 '));
    expect(frames).toEqual([]);
    expect(errors.map((error) => error.code)).toEqual(['RL_SYSLOG_FRAME_TOO_LONG']);
    expect(decoder.failed).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.push(Buffer.alloc(1_000_000, 0x61))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.stats.droppedBytes).toBeGreaterThanOrEqual(1_000_000);
    expect(errors).toHaveLength(1);
  });

  it('octet counting - the too-long error comes as soon as the digits exceed the maximum', () => {
    const { decoder, errors } = collect({ frameBytesMax: 100 });
    decoder.push(Buffer.from('10'));
    expect(errors).toEqual([]);
    decoder.push(Buffer.from('1'));
    expect(errors.map((error) => error.code)).toEqual(['RL_SYSLOG_FRAME_TOO_LONG']);
  });

  const badLengths: Array<[string, string]> = [
    ['0 ', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
    ['012 abc', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
    [' 3 abc', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
    ['<13>Nov 22 x', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
    ['3abc', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
    ['-3 abc', 'RL_SYSLOG_BAD_FRAME_LENGTH'],
  ];
  for (const [input, code] of badLengths) {
    it(`octet counting - ${JSON.stringify(input)} is ${code}, reported not thrown`, () => {
      const { decoder, errors } = collect();
      expect(() => decoder.push(Buffer.from(input))).not.toThrow();
      expect(errors.map((error) => error.code)).toEqual([code]);
      expect(decoder.stats.errors).toBe(1);
      expect(decoder.failed).toBe(true);
    });
  }

  it('octet counting - frames before a bad length are still delivered', () => {
    const { decoder, errors } = collect();
    expect(decoder.push(Buffer.from('2 ok3xabc')).map(String)).toEqual(['ok']);
    expect(errors).toHaveLength(1);
  });

  it('octet counting - end inside a frame reports a truncated frame', () => {
    const { decoder, errors } = collect();
    decoder.push(Buffer.from('10 abc'));
    expect(decoder.bufferedBytes).toBe(3);
    decoder.end();
    expect(errors.map((error) => error.code)).toEqual(['RL_SYSLOG_TRUNCATED_FRAME']);
    expect(decoder.stats.truncatedFrames).toBe(1);
    expect(decoder.bufferedBytes).toBe(0);
    decoder.end();
    expect(errors).toHaveLength(1);
  });

  it('octet counting - invalid options throw', () => {
    for (const frameBytesMax of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => new OctetCountingDecoder({ frameBytesMax })).toThrow(SyslogOptionError);
    }
  });
});
