import { describe, expect, it } from 'vitest';
import { ServiceType } from '@ringlog/wire';
import { ClientUsageError, PreparedMulticast, checkJoinGroup, checkMulticast, serviceBits, serviceOfType } from '../src/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientUsageError);
    return `${(error as ClientUsageError).code} ${(error as ClientUsageError).spreadCode}`;
  }
  return undefined;
}

describe('service', () => {
  it('service - names and bits', () => {
    expect(serviceBits('SAFE')).toBe(0x20);
    expect(serviceBits('AGREED')).toBe(0x10);
    expect(serviceBits(ServiceType.FIFO | ServiceType.SELF_DISCARD)).toBe(0x44);
    expect(serviceOfType(0x50)).toBe('AGREED');
    expect(serviceOfType(0x1100)).toBe(null);
  });

  it('service - ILLEGAL_SERVICE for no bit, two bits or control bits', () => {
    expect(codeOf(() => serviceBits(0))).toBe('RL_CLIENT_ILLEGAL_SERVICE -12');
    expect(codeOf(() => serviceBits(0x30))).toBe('RL_CLIENT_ILLEGAL_SERVICE -12');
    expect(codeOf(() => serviceBits(ServiceType.JOIN))).toBe('RL_CLIENT_ILLEGAL_SERVICE -12');
    expect(codeOf(() => serviceBits('FAST' as 'SAFE'))).toBe('RL_CLIENT_ILLEGAL_SERVICE -12');
  });

  it('service - ILLEGAL_GROUP for bad join and destination names', () => {
    expect(codeOf(() => checkJoinGroup(''))).toBe('RL_CLIENT_ILLEGAL_GROUP -14');
    expect(codeOf(() => checkJoinGroup('a'.repeat(32)))).toBe('RL_CLIENT_ILLEGAL_GROUP -14');
    expect(codeOf(() => checkJoinGroup('has space'))).toBe('RL_CLIENT_ILLEGAL_GROUP -14');
    expect(codeOf(() => checkJoinGroup('#priv#d'))).toBe('RL_CLIENT_ILLEGAL_GROUP -14');
    expect(codeOf(() => checkJoinGroup('a'.repeat(31)))).toBeUndefined();
    expect(codeOf(() => checkMulticast(['#bob#localhost'], 0, 1, 144_000))).toBeUndefined();
    expect(codeOf(() => checkMulticast(['a\u0000b'], 0, 1, 144_000))).toBe('RL_CLIENT_ILLEGAL_GROUP -14');
  });

  it('service - MESSAGE_TOO_LONG past data + 32 x groups = 144 000', () => {
    expect(codeOf(() => checkMulticast(['g'], 0, 144_000 - 32, 144_000))).toBeUndefined();
    expect(codeOf(() => checkMulticast(['g'], 0, 144_000 - 31, 144_000))).toBe('RL_CLIENT_MESSAGE_TOO_LONG -17');
    expect(codeOf(() => checkMulticast(['g', 'h'], 0, 144_000 - 63, 144_000))).toBe('RL_CLIENT_MESSAGE_TOO_LONG -17');
  });

  it('service - ILLEGAL_MESSAGE for 101 groups or a wide mess_type', () => {
    const groups = Array.from({ length: 101 }, (_, i) => `g${i}`);
    expect(codeOf(() => checkMulticast(groups, 0, 0, 144_000))).toBe('RL_CLIENT_ILLEGAL_MESSAGE -13');
    expect(codeOf(() => checkMulticast(['g'], 0x10000, 0, 144_000))).toBe('RL_CLIENT_ILLEGAL_MESSAGE -13');
  });

  it('prepared multicast - template is the captured SAFE header', () => {
    const prepared = new PreparedMulticast({ service: 'SAFE', groups: ['demo'], messType: 1 });
    const template = prepared.template('#alice#localhost');
    expect(template.length).toBe(48 + 32);
    expect(template.subarray(0, 4)).toEqual(Buffer.from([0xa0, 0, 0, 0x80]));
    expect(template.subarray(40, 44)).toEqual(Buffer.from([0x80, 0x01, 0, 0x80]));
    expect(prepared.matches({ service: 'SAFE', groups: 'demo', messType: 1 })).toBe(true);
    expect(prepared.matches({ service: 'SAFE', groups: ['demo'], messType: 2 })).toBe(false);
    expect(prepared.matches({ service: 'SAFE', groups: ['demo'], messType: 1, selfDiscard: true })).toBe(false);
  });
});
