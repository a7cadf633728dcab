import { describe, expect, it } from 'vitest';
import { parseSpreadConf } from '../src/index.ts';
import { selectDaemon } from '../src/internal.ts';

const CONF = parseSpreadConf('Spread_Segment 10.0.0.255:4803 {\n box1 10.0.0.1\n box2 10.0.0.2\n}\n', 'spread.conf');

describe('daemon selection', () => {
  it('selection - a daemon named with -n never lists the host interfaces (a sandbox may forbid netlink)', () => {
    const addresses = (): string[] => {
      throw new Error('interfaces listed');
    };
    expect(selectDaemon(CONF, 'box2', addresses).daemon.name).toBe('box2');
  });

  it('selection - without a name, the daemon whose address is on this host', () => {
    expect(selectDaemon(CONF, undefined, () => ['127.0.0.1', '10.0.0.1']).daemon.name).toBe('box1');
    expect(selectDaemon(CONF, undefined, ['10.0.0.2']).daemon.name).toBe('box2');
  });
});
