import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../src/log-line-format.ts';

describe('log line format', () => {
  it('log line format - a pino line becomes time, level, message and fields', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 22, 10, 0, 1, 234), pid: 7, hostname: 'h', name: 'ringlogd', msg: 'ringlogd started', daemonName: 'd1', listen: ['tcp:127.0.0.1:4901'], note: 'two words' });
    expect(formatLogLine(line)).toBe('10:00:01.234 INFO  ringlogd started daemonName=d1 listen=["tcp:127.0.0.1:4901"] note="two words"');
  });

  it.each(['plain text', '{not json', '{"level":"x","msg":"m"}', '{"msg":"no level"}'])('log line format - %s is shown as it is', (line) => {
    expect(formatLogLine(line)).toBe(line);
  });
});
