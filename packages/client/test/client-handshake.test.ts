import { describe, expect, it } from 'vitest';
import { ClientHandshake, type HandshakeStep } from '../src/internal.ts';

// Captured from upstream 5.0.1 (spread-5.0.1-captures.txt, conn 1).
const OFFER = Buffer.from('054e554c4c20', 'hex');
const ACCEPT = Buffer.concat([Buffer.from('0105000110', 'hex'), Buffer.from('#alice#localhost', 'latin1')]);

function handshake(): ClientHandshake {
  return new ClientHandshake({ name: 'alice', membership: true, priority: 0, authMethods: ['NULL'] });
}

function feedBytewise(machine: ClientHandshake, bytes: Buffer): { steps: HandshakeStep[]; sent: Buffer[] } {
  const steps: HandshakeStep[] = [];
  const sent: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const step = machine.push(bytes.subarray(i, i + 1));
    steps.push(step);
    if (step.status !== 'rejected' && step.send !== null) sent.push(step.send);
    if (step.status !== 'continue') break;
  }
  return { steps, sent };
}

describe('ClientHandshake', () => {
  it('handshake - hello is the captured 10 bytes', () => {
    expect(handshake().hello()).toEqual(Buffer.from('05000101056' + '16c696365', 'hex'));
  });

  it('handshake - one byte at a time reaches accept, sending the 90-byte choice once', () => {
    const machine = handshake();
    const { steps, sent } = feedBytewise(machine, Buffer.concat([OFFER, ACCEPT]));
    const last = steps.at(-1) as HandshakeStep;
    expect(last.status).toBe('accepted');
    if (last.status !== 'accepted') return;
    expect(last.accept).toEqual({ major: 5, minor: 0, patch: 1, privateGroup: '#alice#localhost' });
    expect(last.rest.length).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.length).toBe(90);
    expect(sent[0]?.subarray(0, 5)).toEqual(Buffer.from('NULL\u0000', 'latin1'));
    expect(steps.slice(0, -1).every((step) => step.status === 'continue')).toBe(true);
    expect(machine.phase).toBe('done');
  });

  it('handshake - bytes after the accept are handed back as rest', () => {
    const machine = handshake();
    machine.push(OFFER);
    const step = machine.push(Buffer.concat([ACCEPT, Buffer.from([1, 2, 3])]));
    expect(step.status).toBe('accepted');
    if (step.status === 'accepted') expect(step.rest).toEqual(Buffer.from([1, 2, 3]));
  });

  it('handshake - a reject byte instead of the offer (-6 not unique)', () => {
    const step = handshake().push(Buffer.from([0xfa]));
    expect(step).toMatchObject({ status: 'rejected', spreadCode: -6, authUnavailable: false });
  });

  it('handshake - a reject byte instead of the accept (-9 auth)', () => {
    const machine = handshake();
    machine.push(OFFER);
    expect(machine.push(Buffer.from([0xf7]))).toMatchObject({ status: 'rejected', spreadCode: -9 });
  });

  it('handshake - no usable auth method is REJECT_AUTH', () => {
    const machine = new ClientHandshake({ name: 'a', membership: true, priority: 0, authMethods: ['PWORD'] });
    expect(machine.push(OFFER)).toMatchObject({ status: 'rejected', spreadCode: -9, authUnavailable: true });
  });

  it('handshake - old-style reject codes -3, -5, -7 come through', () => {
    for (const code of [-3, -5, -7]) {
      const byte = Buffer.alloc(1);
      byte.writeInt8(code);
      expect(handshake().push(byte)).toMatchObject({ status: 'rejected', spreadCode: code });
    }
  });
});
