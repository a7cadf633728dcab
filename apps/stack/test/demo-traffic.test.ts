import { mulberry32 } from '@ringlog/prng';
import { describe, expect, it } from 'vitest';
import { clfTime, DEMO_VHOSTS, demoAccessLine } from '../src/demo-traffic.ts';

const COMBINED_WITH_VHOST = /^(\S+) 198\.51\.100\.\d+ - \S+ \[(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000)\] "(GET|POST|HEAD) \/\S* HTTP\/1\.1" \d{3} (\d+|-) "[^"]*" "[^"]*"$/;

describe('demo traffic', () => {
  it('demo traffic - lines are Apache combined with the vhost first, over every demo vhost, the same for a seed', () => {
    const now = new Date(Date.UTC(2026, 10, 22, 10, 0, 0));
    const random = mulberry32(1);
    const lines = Array.from({ length: 2000 }, () => demoAccessLine(random, now));
    const seen = new Set<string>();
    for (const line of lines) {
      const match = COMBINED_WITH_VHOST.exec(line);
      expect(match, line).not.toBeNull();
      expect(match![2]).toBe('22/Nov/2026:10:00:00 +0000');
      seen.add(match![1]!);
    }
    expect([...seen].sort()).toEqual(DEMO_VHOSTS.map((vhost) => vhost.name).sort());
    const again = mulberry32(1);
    expect(Array.from({ length: 2000 }, () => demoAccessLine(again, now))).toEqual(lines);
  });

  it('demo traffic - clfTime is Apache %t in UTC', () => {
    expect(clfTime(new Date(Date.UTC(2026, 0, 5, 3, 4, 5)))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});
