/**
 * The 48-byte header: the byte-symmetric endian marker, hint ⇄ mess_type in both byte
 * orders, and header decoding of captured and hand-built big-endian bytes.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeHeader,
  ENDIAN_MARKER,
  hintFromMessType,
  HINT_ALLOWED_MASK,
  isLittleEndianMarked,
  messTypeFromHint,
  ServiceType,
  swap32,
} from '../src/internal.ts';
import { encodeBigEndian } from './support/frames.ts';

describe('header - endian marker and hint', () => {
  it('header - the marker and the allowed hint mask are byte-symmetric', () => {
    expect(swap32(ENDIAN_MARKER)).toBe(ENDIAN_MARKER);
    expect(swap32(HINT_ALLOWED_MASK)).toBe(HINT_ALLOWED_MASK);
    expect(isLittleEndianMarked(0x8000_0080)).toBe(true);
    expect(isLittleEndianMarked(0x8000_0000)).toBe(false);
    expect(isLittleEndianMarked(0x0000_0080)).toBe(false);
  });

  it.each([
    [0, 0x8000_0080],
    [1, 0x8000_0180],
    [42, 0x8000_2a80],
    [0x1234, 0x8012_3480],
    [0xffff, 0x80ff_ff80],
    [0x1_0001, 0x8000_0180],
  ])('header - mess_type %i is hint 0x%s little-endian and reads back from either order', (messType, hint) => {
    expect(hintFromMessType(messType)).toBe(hint);
    expect(messTypeFromHint(hint)).toEqual({ messType: messType & 0xffff, littleEndian: true });
    // A big-endian sender writes (mess_type << 8) unmarked in network order; we read it little-endian.
    const bigEndianRead = swap32(((messType & 0xffff) << 8) >>> 0);
    expect(messTypeFromHint(bigEndianRead)).toEqual({ messType: messType & 0xffff, littleEndian: false });
  });

  it('header - swap32 reverses bytes and is its own inverse', () => {
    expect(swap32(0x1122_3344)).toBe(0x4433_2211);
    for (const value of [0, 1, 0xff, 0x8000_0000, 0xffff_ffff, 0xdead_beef]) expect(swap32(swap32(value))).toBe(value >>> 0);
  });
});

describe('header - decoding', () => {
  it('header - the captured SAFE header from spec §6.3 decodes', () => {
    const bytes = Buffer.concat([
      Buffer.from('a0000080', 'hex'),
      Buffer.from('#alice#localhost'.padEnd(32, '\0'), 'latin1'),
      Buffer.from('01000000' + '80010080' + '11000000', 'hex'),
    ]);
    expect(decodeHeader(bytes)).toEqual({ type: ServiceType.SAFE, sender: '#alice#localhost', numGroups: 1, hint: 0x8000_0180, dataLength: 17, littleEndian: true });
  });

  it('header - a big-endian header decodes to host values, hint left raw', () => {
    const bytes = encodeBigEndian({ type: ServiceType.SAFE | ServiceType.SELF_DISCARD, sender: '#b#d', groups: ['g', 'h'], messType: 7, data: Buffer.alloc(300) });
    expect(decodeHeader(bytes)).toEqual({ type: 0x60, sender: '#b#d', numGroups: 2, hint: 0x0007_0000, dataLength: 300, littleEndian: false });
  });

  it('header - decodes at an offset and reports a sender without NUL as null', () => {
    const bytes = Buffer.alloc(60, 0x41);
    bytes.writeUInt32LE(0x8000_0090, 12);
    expect(decodeHeader(bytes, 12)).toMatchObject({ type: ServiceType.AGREED, sender: null, littleEndian: true });
  });
});
