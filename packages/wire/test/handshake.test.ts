/**
 * The connect handshake (spec §6.2): section 2 of the captures replayed through our
 * parse/encode functions, every prefix of every captured handshake record, and the edges
 * of the name, version and flag rules.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptHasPatchByte,
  encodeAccept,
  encodeAuthChoice,
  encodeAuthOffer,
  encodeHello,
  encodeReject,
  hasAuthPhase,
  hasPatchByte,
  type Hello,
  Limits,
  parseAccept,
  parseAuthChoice,
  parseAuthOffer,
  parseHello,
  type ParseResult,
  ResultCode,
  versionNumber,
} from '../src/internal.ts';
import { type CaptureRecord, connectionRecords, type HandshakeVariant, loadCaptures, recordLabel } from './support/captures.ts';
import { recordKind } from './support/descriptions.ts';

const captures = loadCaptures();
const DAEMON_NAME = 'localhost';
const ALLOWED_AUTH = ['NULL'];

function hello(version: readonly [number, number, number?], flags: number, name: Buffer | string): Buffer {
  const [major, minor, patch] = version;
  const nameBytes = typeof name === 'string' ? Buffer.from(name, 'latin1') : name;
  const head = patch === undefined ? [major, minor, flags, nameBytes.length & 0xff] : [major, minor, patch, flags, nameBytes.length & 0xff];
  return Buffer.concat([Buffer.from(head), nameBytes]);
}

function okValue<T>(result: ParseResult<T>): T {
  if (result.status !== 'ok') throw new Error(`Expected ok, got ${JSON.stringify(result)}`);
  return result.value;
}

/**
 * What upstream Spread answers to `sent`, built only from our encoders: reject byte, or
 * auth offer then (for ≥ 3.16) the choice's verdict, then the accept. A short auth choice
 * leaves parseAuthChoice incomplete; the daemon's single recv() turns that into REJECT_AUTH.
 */
function daemonReply(helloBytes: Buffer, authChoice: Buffer | undefined): { reply: Buffer; choice: ParseResult<readonly string[]> | null } {
  const parsed = parseHello(helloBytes);
  if (parsed.status === 'reject') return { reply: encodeReject(parsed.code), choice: null };
  const client = okValue(parsed);
  const accept = encodeAccept(client.version, `#${client.name}#${DAEMON_NAME}`);
  if (!hasAuthPhase(client.version)) return { reply: accept, choice: null };
  const offer = encodeAuthOffer(ALLOWED_AUTH);
  const choice = parseAuthChoice(authChoice ?? Buffer.alloc(0));
  const allowed = choice.status === 'ok' && choice.value.every((m) => ALLOWED_AUTH.includes(m));
  return { reply: Buffer.concat([offer, allowed ? accept : encodeReject(ResultCode.REJECT_AUTH)]), choice };
}

/** Section 2 abbreviates 90-byte choices with "..."; the section 1 records of the same runs hold them whole. */
function fullAuthChoice(variant: HandshakeVariant): Buffer | undefined {
  const part = variant.sent[1];
  if (part === undefined) return undefined;
  if (variant.label.includes('short auth choice')) return part.bytes;
  const padded = Buffer.concat([part.bytes, Buffer.alloc(Limits.AUTH_CHOICE_BYTES - part.bytes.length)]);
  const captured = captures.records.some((r) => recordKind(r) === 'auth-choice' && r.bytes.equals(padded));
  if (!captured) throw new Error(`No captured auth choice matches ${variant.label}`);
  return padded;
}

describe('handshake - section 2 variants', () => {
  it.each(captures.handshakeVariants.map((v) => [v.label, v] as const))('handshake - our daemon reply equals the captured one: %s', (_label, variant) => {
    const sentHello = variant.sent[0]?.bytes ?? Buffer.alloc(0);
    expect(okOrReject(parseHello(sentHello))).toBe(true);
    const { reply } = daemonReply(sentHello, fullAuthChoice(variant));
    expect(reply.toString('hex')).toBe(variant.got.toString('hex'));
    // "timeout" means the daemon accepted and kept the session open; "closed" means it rejected.
    expect(variant.outcome === 'closed').toBe(reply.at(-1) !== undefined && reply.readInt8(reply.length - 1) < 0);
  });

  const variant = (prefix: string): HandshakeVariant => {
    const found = captures.handshakeVariants.find((v) => v.label.startsWith(prefix));
    if (found === undefined) throw new Error(`No variant ${prefix}`);
    return found;
  };
  const sentHello = (prefix: string): Buffer => variant(prefix).sent[0]?.bytes ?? Buffer.alloc(0);

  it('handshake - lib 3.00 is rejected with REJECT_VERSION (f9)', () => {
    expect(parseHello(sentHello('lib 3.00'))).toMatchObject({ status: 'reject', code: ResultCode.REJECT_VERSION });
    expect(encodeReject(ResultCode.REJECT_VERSION)).toEqual(Buffer.from([0xf9]));
  });

  it('handshake - lib 3.14 sends no patch byte and gets no auth phase and no patch byte back', () => {
    const value = okValue(parseHello(sentHello('lib 3.14')));
    expect(value).toMatchObject({ major: 3, minor: 14, patch: 0, version: 31_400, name: 'v2' });
    expect([hasPatchByte(value.version), hasAuthPhase(value.version), acceptHasPatchByte(value.version)]).toEqual([false, false, false]);
    expect(encodeHello(value)).toEqual(sentHello('lib 3.14'));
  });

  it('handshake - lib 3.15.0 sends a patch byte, gets no auth phase, and a patch byte back', () => {
    const value = okValue(parseHello(sentHello('lib 3.15.0')));
    expect(value).toMatchObject({ major: 3, minor: 15, patch: 0, version: 31_500, name: 'v3' });
    expect([hasPatchByte(value.version), hasAuthPhase(value.version), acceptHasPatchByte(value.version)]).toEqual([true, false, true]);
  });

  it('handshake - lib 4.0.0 choosing IP gets the offer, then f7 because IP is not allowed', () => {
    const v = variant('lib 4.0.0');
    expect(okValue(parseHello(sentHello('lib 4.0.0'))).version).toBe(40_000);
    const { choice } = daemonReply(sentHello('lib 4.0.0'), fullAuthChoice(v));
    expect(choice).toEqual({ status: 'ok', value: ['IP'], bytesUsed: 90 });
    expect(v.got).toEqual(Buffer.concat([encodeAuthOffer(['NULL']), Buffer.from([0xf7])]));
  });

  it('handshake - a 4-byte auth choice stays incomplete (the daemon turns the wait into f7)', () => {
    const v = variant('lib 5.0.1 short auth choice');
    expect(v.sent[1]?.bytes).toEqual(Buffer.from('NULL', 'latin1'));
    expect(parseAuthChoice(v.sent[1]?.bytes ?? Buffer.alloc(0))).toEqual({ status: 'incomplete' });
    // The capture's raw reads confirm the client wrote exactly 4 bytes after its hello.
    const chunks = captures.rawChunks.filter((c) => c.section === 1 && (c.conn === 12 || c.conn === 18) && c.direction === 'C->D');
    expect(chunks.map((c) => c.length)).toEqual([7, 4, 7, 4]);
  });

  it('handshake - flags 0x10 means no membership, priority 1', () => {
    const value = okValue(parseHello(sentHello('lib 5.0.1 flags=0x10')));
    expect(value).toMatchObject({ membership: false, priority: 1, name: 'v6' });
    expect(encodeHello(value)).toEqual(sentHello('lib 5.0.1 flags=0x10'));
  });
});

function okOrReject<T>(result: ParseResult<T>): boolean {
  return result.status === 'ok' || result.status === 'reject';
}

type Parser = (bytes: Buffer) => ParseResult<unknown>;

function parserFor(record: CaptureRecord): Parser | null {
  const kind = recordKind(record);
  if (kind === 'hello') return parseHello;
  if (kind === 'auth-list') return parseAuthOffer;
  if (kind === 'auth-choice') return parseAuthChoice;
  if (kind !== 'accept') return null;
  const helloRecord = connectionRecords(captures, record.section, record.conn).find((r) => recordKind(r) === 'hello');
  const version = okValue(parseHello(helloRecord?.bytes ?? Buffer.alloc(0))).version;
  return (bytes) => parseAccept(bytes, version);
}

describe('handshake - every split point', () => {
  const parsable = captures.records
    .filter((r) => parserFor(r) !== null)
    .filter((r) => (parserFor(r) as Parser)(r.bytes).status === 'ok')
    .map((r) => [recordLabel(r), r] as const);

  it('handshake - the captures hold ok hellos, offers, choices and accepts to split', () => {
    const kinds = new Set(parsable.map(([, r]) => recordKind(r)));
    expect([...kinds].sort()).toEqual(['accept', 'auth-choice', 'auth-list', 'hello']);
  });

  it.each(parsable)('handshake - incomplete for every proper prefix, then ok: %s', (_label, record) => {
    const parse = parserFor(record) as Parser;
    for (let length = 0; length < record.bytes.length; length++) {
      expect(parse(record.bytes.subarray(0, length)), `prefix of ${length} bytes`).toEqual({ status: 'incomplete' });
    }
    expect(parse(record.bytes)).toMatchObject({ status: 'ok', bytesUsed: record.bytes.length });
    // Bytes of the next phase in the same read are left for the caller.
    const withMore = Buffer.concat([record.bytes, Buffer.from([0x80, 0x00, 0x01, 0x80])]);
    expect(parse(withMore)).toEqual(parse(record.bytes));
  });

  it('handshake - an illegal character rejects only once the whole name is in', () => {
    const bytes = hello([5, 0, 1], 1, 'a#b');
    for (let length = 0; length < bytes.length; length++) {
      expect(parseHello(bytes.subarray(0, length))).toEqual({ status: 'incomplete' });
    }
    expect(parseHello(bytes)).toMatchObject({ status: 'reject', code: ResultCode.REJECT_ILLEGAL_NAME });
  });

  it('handshake - an 11-byte name length rejects as soon as the length byte arrives', () => {
    const bytes = hello([5, 0, 1], 1, 'abcdefghijk');
    for (let length = 0; length < 5; length++) expect(parseHello(bytes.subarray(0, length))).toEqual({ status: 'incomplete' });
    for (let length = 5; length <= bytes.length; length++) {
      expect(parseHello(bytes.subarray(0, length))).toMatchObject({ status: 'reject', code: ResultCode.REJECT_ILLEGAL_NAME });
    }
  });
});

describe('handshake - hello rules', () => {
  it.each([
    ['length 11', hello([5, 0, 1], 1, 'abcdefghijk')],
    ['length -1', Buffer.from([5, 0, 1, 1, 0xff])],
    ['length -128', Buffer.from([5, 0, 1, 1, 0x80])],
    ['"a#b"', hello([5, 0, 1], 1, 'a#b')],
    ['a space', hello([5, 0, 1], 1, 'a b')],
    ['0x7f', hello([5, 0, 1], 1, Buffer.from([0x61, 0x7f]))],
    ['"!"', hello([5, 0, 1], 1, '!')],
    ['a double quote', hello([5, 0, 1], 1, '"')],
    ['"#"', hello([5, 0, 1], 1, '#')],
    ['0x80', hello([5, 0, 1], 1, Buffer.from([0x80]))],
    ['0xff', hello([5, 0, 1], 1, Buffer.from([0x62, 0xff]))],
    ['NUL', hello([5, 0, 1], 1, Buffer.from([0x62, 0x00]))],
  ])('handshake - name with %s is REJECT_ILLEGAL_NAME', (_label, bytes) => {
    expect(parseHello(bytes)).toMatchObject({ status: 'reject', code: ResultCode.REJECT_ILLEGAL_NAME });
    expect(encodeReject(ResultCode.REJECT_ILLEGAL_NAME)).toEqual(Buffer.from([0xfb]));
  });

  it.each([
    ['empty', ''],
    ['10 characters', 'abcdefghij'],
    ['"$" and "~"', '$~'],
    ['digits and dashes', 'r3497-9'],
  ])('handshake - name %s is accepted', (_label, name) => {
    expect(okValue(parseHello(hello([5, 0, 1], 1, name))).name).toBe(name);
  });

  it.each([
    [[2, 99] as const, false],
    [[3, 0] as const, false],
    [[3, 1] as const, true],
    [[3, 14] as const, true],
  ])('handshake - version %j without patch byte: accepted=%s', (version, accepted) => {
    const result = parseHello(hello(version, 1, 'v'));
    if (accepted) expect(result.status).toBe('ok');
    else expect(result).toMatchObject({ status: 'reject', code: ResultCode.REJECT_VERSION });
  });

  it('handshake - version thresholds follow the daemon (patch byte > 3.14, accept patch ≥ 3.15, auth ≥ 3.16)', () => {
    expect(hasPatchByte(versionNumber(3, 14, 0))).toBe(false);
    expect(hasPatchByte(versionNumber(3, 15, 0))).toBe(true);
    expect(acceptHasPatchByte(versionNumber(3, 14, 99))).toBe(false);
    expect(acceptHasPatchByte(versionNumber(3, 15, 0))).toBe(true);
    expect(hasAuthPhase(versionNumber(3, 15, 99))).toBe(false);
    expect(hasAuthPhase(versionNumber(3, 16, 0))).toBe(true);
    expect(okValue(parseHello(hello([3, 15, 7], 1, 'v'))).patch).toBe(7);
  });

  it.each([
    [0x00, false, 0],
    [0x01, true, 0],
    [0x02, false, 0],
    [0x03, true, 0],
    [0x10, false, 1],
    [0x11, true, 1],
    [0xf1, true, 15],
  ])('handshake - flags %i give membership %s and priority %s', (flags, membership, priority) => {
    expect(okValue(parseHello(hello([5, 0, 1], flags, 'f')))).toMatchObject({ membership, priority });
  });

  it('handshake - encodeHello speaks 5.0.1, maps priority ≥ 1 to 0x10 and truncates names to 10 bytes', () => {
    expect(encodeHello({ membership: true, name: 'alice' })).toEqual(Buffer.from('0500010105616c696365', 'hex'));
    expect(encodeHello({ membership: false, priority: 5, name: '' })).toEqual(Buffer.from([5, 0, 1, 0x10, 0]));
    const long: Hello = okValue(parseHello(encodeHello({ membership: true, name: 'abcdefghijklmnop' })));
    expect(long.name).toBe('abcdefghij');
  });
});

describe('handshake - offer, choice and accept', () => {
  it('handshake - auth offers: reject codes, an empty list, several methods', () => {
    expect(parseAuthOffer(Buffer.from([0xfd]))).toMatchObject({ status: 'reject', code: ResultCode.REJECT_QUOTA });
    expect(parseAuthOffer(Buffer.from([0xfa]))).toMatchObject({ status: 'reject', code: ResultCode.REJECT_NOT_UNIQUE });
    expect(parseAuthOffer(encodeAuthOffer([]))).toEqual({ status: 'ok', value: [], bytesUsed: 1 });
    expect(parseAuthOffer(encodeAuthOffer(['NULL', 'IP']))).toEqual({ status: 'ok', value: ['NULL', 'IP'], bytesUsed: 9 });
  });

  it('handshake - auth choices keep three slots of 30 bytes with a NUL in each', () => {
    const four = encodeAuthChoice(['A', 'B', 'C', 'D']);
    expect(four.length).toBe(90);
    expect(okValue(parseAuthChoice(four))).toEqual(['A', 'B', 'C']);
    const long = encodeAuthChoice(['x'.repeat(40)]);
    expect(long[29]).toBe(0);
    expect(okValue(parseAuthChoice(long))).toEqual(['x'.repeat(29)]);
    expect(okValue(parseAuthChoice(Buffer.alloc(90)))).toEqual([]);
    expect(okValue(parseAuthChoice(encodeAuthChoice(['', 'IP'])))).toEqual(['IP']);
  });

  it('handshake - a peer slot without NUL is read as its 30 bytes', () => {
    const bytes = Buffer.concat([Buffer.alloc(30, 0x41), Buffer.from('NULL'), Buffer.alloc(56)]);
    expect(okValue(parseAuthChoice(bytes))).toEqual(['A'.repeat(30), 'NULL']);
  });

  it('handshake - accepts for every version class, and rejects the library refuses', () => {
    expect(encodeAccept(31_400, '#v2#localhost')).toEqual(Buffer.concat([Buffer.from([1, 5, 0, 13]), Buffer.from('#v2#localhost')]));
    expect(okValue(parseAccept(encodeAccept(31_400, '#v2#localhost'), 31_400))).toEqual({ major: 5, minor: 0, patch: 0, privateGroup: '#v2#localhost' });
    expect(parseAccept(Buffer.from([0xf7]), 50_001)).toMatchObject({ status: 'reject', code: ResultCode.REJECT_AUTH });
    expect(parseAccept(Buffer.from([1, 2, 0, 1, 3, 0x23, 0x61, 0x23]), 50_001)).toMatchObject({ status: 'reject', code: ResultCode.REJECT_VERSION });
    expect(parseAccept(Buffer.from([1, 5, 0, 1, 32]), 50_001)).toMatchObject({ status: 'reject', code: ResultCode.REJECT_VERSION });
  });

  it('handshake - every result code encodes as one signed byte', () => {
    for (const code of Object.values(ResultCode)) {
      const bytes = encodeReject(code);
      expect(bytes.length).toBe(1);
      expect(bytes.readInt8(0)).toBe(code);
    }
  });
});
