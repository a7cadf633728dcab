/**
 * Group and private names: the 32-byte slots (stop at the first NUL, zero-pad on write)
 * and the character rules of libspread and the daemon.
 */
import { describe, expect, it } from 'vitest';
import {
  isLegalGroupName,
  isLegalPrivateName,
  isPrivateGroupName,
  parsePrivateGroupName,
  privateGroupName,
  readNameSlot,
  writeNameSlot,
  WireErrorCode,
  WireUsageError,
} from '../src/internal.ts';

describe('names - slots', () => {
  it('names - a slot reads up to the first NUL, ignoring garbage after it', () => {
    const slot = Buffer.alloc(32);
    slot.write('#r3497-9#localhost', 0, 'latin1');
    slot[24] = 0x0f;
    expect(readNameSlot(slot, 0)).toBe('#r3497-9#localhost');
  });

  it('names - a slot without NUL in its 32 bytes reads as null, even if a NUL follows', () => {
    expect(readNameSlot(Buffer.concat([Buffer.alloc(32, 0x61), Buffer.alloc(1)]), 0)).toBeNull();
    expect(readNameSlot(Buffer.alloc(32, 0x61), 0)).toBeNull();
  });

  it('names - writing zero-pads the slot and refuses 32-character names', () => {
    const buffer = Buffer.alloc(40, 0xee);
    writeNameSlot(buffer, 4, 'demo');
    expect(buffer.subarray(4, 36)).toEqual(Buffer.concat([Buffer.from('demo'), Buffer.alloc(28)]));
    expect([buffer[3], buffer[36]]).toEqual([0xee, 0xee]);
    writeNameSlot(buffer, 4, 'x'.repeat(31));
    expect(readNameSlot(buffer, 4)).toBe('x'.repeat(31));
    expect(() => writeNameSlot(buffer, 4, 'x'.repeat(32))).toThrow(WireUsageError);
    expect(() => writeNameSlot(buffer, 4, 'x'.repeat(32))).toThrow(expect.objectContaining({ code: WireErrorCode.ENCODE_INVALID }));
  });
});

describe('names - rules', () => {
  it('names - group names are 1..31 characters of "$".."~"', () => {
    for (const name of ['a', '$', '~', 'x'.repeat(31), 'demo-1_2.3']) expect(isLegalGroupName(name), name).toBe(true);
    for (const name of ['', 'x'.repeat(32), 'a b', 'a#b', '#x#y', 'a\x7f', '\x00', 'é']) expect(isLegalGroupName(name), name).toBe(false);
  });

  it('names - private names are 0..10 characters above "#" up to "~"', () => {
    for (const name of ['', 'alice', 'x'.repeat(10), '$~']) expect(isLegalPrivateName(name), name).toBe(true);
    for (const name of ['x'.repeat(11), 'a#b', 'a b', '!', '"', 'a\x7f']) expect(isLegalPrivateName(name), name).toBe(false);
  });

  it('names - private group names split into user and daemon', () => {
    expect(privateGroupName('alice', 'localhost')).toBe('#alice#localhost');
    expect(parsePrivateGroupName('#alice#localhost')).toEqual({ user: 'alice', daemon: 'localhost' });
    expect(parsePrivateGroupName('#r3497-9#localhost')).toEqual({ user: 'r3497-9', daemon: 'localhost' });
    for (const name of ['demo', '##d', '#alice', '']) {
      expect(isPrivateGroupName(name), name).toBe(false);
      expect(parsePrivateGroupName(name), name).toBeNull();
    }
  });
});
