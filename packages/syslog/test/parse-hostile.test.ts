import { describe, expect, it } from 'vitest';
import { parseSyslogMessage, SyslogParseFailureReason } from '../src/index.ts';
import { trimTrailer } from '../src/internal.ts';
import { mulberry32, testSeed } from './support/random.ts';

const REASONS = new Set<string>(Object.values(SyslogParseFailureReason));

const VALID_FRAMES = [
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}\'su root\' failed',
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appl\\]ication"][examplePriority@32473 class="high"] msg',
  '<190>Nov 22 10:00:00 web1 nginx: 192.0.2.1 - - [22/Nov/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 612\r\n',
  '<86>Jan  5 10:00:00 web1 sshd[4242]: Accepted publickey\n',
  '<30>2024-01-15T10:00:00.123456+00:00 web1 systemd[1]: Started foo.',
];

/** Every result is either a well-formed message or a failure with a known reason. */
function expectWellFormed(frame: Buffer, describeInput: string): void {
  let result;
  try {
    result = parseSyslogMessage(frame);
  } catch (error) {
    throw new Error(`parseSyslogMessage threw on ${describeInput}: ${String(error)}`, { cause: error });
  }
  if (!result.ok) {
    expect(REASONS.has(result.reason), describeInput).toBe(true);
    return;
  }
  expect(result.facility, describeInput).toBeLessThanOrEqual(23);
  expect(result.severity, describeInput).toBeLessThanOrEqual(7);
  expect(result.message.buffer, describeInput).toBe(frame.buffer);
  expect(result.message.byteOffset + result.message.length, describeInput).toBeLessThanOrEqual(frame.byteOffset + frame.length);
}

describe('hostile - PRI', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['\n', 'empty'],
    ['\r\n', 'empty'],
    ['\0', 'empty'],
    ['no pri here', 'no_pri'],
    [' <13>x', 'no_pri'],
    ['\0<13>x', 'no_pri'],
    ['<999>Nov 22 10:00:00 h a: m', 'bad_pri'],
    ['<192>x', 'bad_pri'],
    ['<01>x', 'bad_pri'],
    ['<00>x', 'bad_pri'],
    ['<>x', 'bad_pri'],
    ['<', 'bad_pri'],
    ['<13', 'bad_pri'],
    ['<1234>x', 'bad_pri'],
    ['<1a>x', 'bad_pri'],
    ['<-1>x', 'bad_pri'],
  ];
  for (const [frame, reason] of cases) {
    it(`hostile - ${JSON.stringify(frame)} fails with ${reason}`, () => {
      expect(parseSyslogMessage(Buffer.from(frame))).toEqual({ ok: false, reason });
    });
  }

  it('hostile - PRI bounds 0 and 191 are accepted', () => {
    expect(parseSyslogMessage(Buffer.from('<0>x'))).toMatchObject({ ok: true, facility: 0, severity: 0 });
    expect(parseSyslogMessage(Buffer.from('<191>x'))).toMatchObject({ ok: true, facility: 23, severity: 7 });
  });
});

describe('hostile - trailers and sizes', () => {
  it('hostile - exactly one trailing LF, CRLF or NUL is stripped', () => {
    expect(trimTrailer(Buffer.from('a\n\n')).toString()).toBe('a\n');
    expect(trimTrailer(Buffer.from('a\r\n')).toString()).toBe('a');
    expect(trimTrailer(Buffer.from('a\0\0')).toString()).toBe('a\0');
    expect(trimTrailer(Buffer.from('a\r')).toString()).toBe('a\r');
    const result = parseSyslogMessage(Buffer.from('<13>Nov 22 10:00:00 h a: m\0'));
    expect(result.ok && result.message.toString()).toBe('m');
  });

  it('hostile - NUL bytes inside MSG are kept', () => {
    const result = parseSyslogMessage(Buffer.from('<13>Nov 22 10:00:00 h a: x\0y\0z'));
    expect(result.ok && [...result.message]).toEqual([0x78, 0, 0x79, 0, 0x7a]);
  });

  it('hostile - oversized frames fail with too_long, at the default and a configured limit', () => {
    const big = Buffer.alloc(65_537, 0x61);
    big.write('<13>');
    expect(parseSyslogMessage(big)).toEqual({ ok: false, reason: 'too_long' });
    expect(parseSyslogMessage(big.subarray(0, 65_536)).ok).toBe(true);
    expect(parseSyslogMessage(Buffer.from('<13>abcdef'), { frameBytesMax: 8 })).toEqual({ ok: false, reason: 'too_long' });
  });
});

describe('hostile - never throws', () => {
  it('hostile - every truncation of valid frames gives a message or a failure', () => {
    for (const text of VALID_FRAMES) {
      const frame = Buffer.from(text);
      for (let length = 0; length <= frame.length; length += 1) {
        expectWellFormed(frame.subarray(0, length), `${JSON.stringify(text)} truncated to ${length}`);
        expectWellFormed(frame.subarray(length), `${JSON.stringify(text)} from offset ${length}`);
      }
    }
  });

  it('hostile - random bytes and mutated valid frames (seeded)', () => {
    const seed = testSeed();
    const random = mulberry32(seed);
    const alphabet = Buffer.from('<>0123456789 -[]="\\:\n\r\0TZ.@abc\u{feff}');
    try {
      for (let round = 0; round < 3000; round += 1) {
        const frame = randomFrame(random, alphabet);
        expectWellFormed(frame, `round ${round} ${frame.toString('hex')}`);
      }
    } catch (error) {
      console.error(`hostile random test failed with seed ${seed} (reproduce with RINGLOG_SEED=${seed})`);
      throw error;
    }
  });
});

function randomFrame(random: () => number, alphabet: Buffer): Buffer {
  const kind = Math.floor(random() * 3);
  if (kind === 0) {
    const frame = Buffer.alloc(Math.floor(random() * 200));
    for (let index = 0; index < frame.length; index += 1) frame[index] = Math.floor(random() * 256);
    return frame;
  }
  const base = Buffer.from(VALID_FRAMES[Math.floor(random() * VALID_FRAMES.length)]!);
  const mutations = 1 + Math.floor(random() * 4);
  for (let count = 0; count < mutations; count += 1) {
    const index = Math.floor(random() * base.length);
    base[index] = kind === 1 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)]!;
  }
  return base.subarray(0, Math.floor(random() * (base.length + 1)));
}
