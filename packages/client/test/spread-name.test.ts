import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseSpreadName, SpreadConnectError } from '../src/index.ts';

describe('parseSpreadName', () => {
  it('spread name - empty and bare port mean a unix socket in /tmp', () => {
    expect(parseSpreadName('')).toEqual({ kind: 'unix', path: '/tmp/4803' });
    expect(parseSpreadName('4803')).toEqual({ kind: 'unix', path: '/tmp/4803' });
    expect(parseSpreadName('4903')).toEqual({ kind: 'unix', path: '/tmp/4903' });
  });

  it('spread name - port@host means TCP', () => {
    expect(parseSpreadName('4803@localhost')).toEqual({ kind: 'tcp', host: 'localhost', port: 4803 });
    expect(parseSpreadName('4903@127.0.0.1')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4903 });
  });

  it('spread name - explicit tcp: and unix: forms', () => {
    expect(parseSpreadName('tcp:127.0.0.1:4803')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4803 });
    expect(parseSpreadName('tcp:[::1]:4803')).toEqual({ kind: 'tcp', host: '::1', port: 4803 });
    expect(parseSpreadName('unix:/var/run/spread.sock')).toEqual({ kind: 'unix', path: '/var/run/spread.sock' });
  });

  it('spread name - anything else is ILLEGAL_SPREAD (-1)', () => {
    for (const bad of ['abc', '4803@', '@host', '0', '70000', '48 03', 'tcp:host', 'tcp::4803', 'unix:', '-1@h', 'x@host']) {
      let caught: unknown;
      try {
        parseSpreadName(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(SpreadConnectError);
      expect((caught as SpreadConnectError).spreadCode).toBe(-1);
      expect((caught as SpreadConnectError).code).toBe('RL_CLIENT_ILLEGAL_SPREAD');
    }
  });

  it('spread name - formatEndpoint round-trips', () => {
    for (const text of ['4803@127.0.0.1', 'unix:/tmp/x', 'tcp:[::1]:4803']) {
      expect(formatEndpoint(parseSpreadName(text))).toBe(text);
    }
  });
});
