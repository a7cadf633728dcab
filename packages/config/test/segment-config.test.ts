import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseDaemonConfigYaml,
  RING_SECTION_DEFAULTS,
  RING_TIMEOUT_DEFAULTS_MS,
  ringTimeoutsFromConfig,
  segmentDaemonPort,
  segmentRingMode,
} from '../src/index.ts';
import { KEY_FILE_REQUIRED_MESSAGE } from '../src/internal.ts';
import { problemsOf, summaries } from './helpers.ts';

/** A YAML config for daemon d1 with the given segment body (indented two spaces). */
const withSegment = (...lines: string[]): string => ['daemon: { name: d1 }', 'segment:', ...lines.map((line) => `  ${line}`), ''].join('\n');
const parse = (text: string, file = '/etc/ringlog/ringlogd.yaml') => parseDaemonConfigYaml(text, file);
const problems = (text: string): string[] => summaries(problemsOf(() => parse(text)));

const THREE_LOCAL = [
  'addresses: [127.0.0.255]',
  'key_file: /etc/ringlog/segment.key',
  'daemons:',
  '  - { name: d1, address: 127.0.0.1, port: 4901 }',
  '  - { name: d2, address: 127.0.0.1, port: 4911 }',
  '  - { name: d3, address: 127.0.0.1, port: 4921 }',
];

describe('segment config - per-daemon ports', () => {
  it('segment config - three daemons on one address with their own ports', () => {
    const segment = parse(withSegment(...THREE_LOCAL)).segment;
    expect(segment?.daemons.map((daemon) => daemon.port)).toEqual([4901, 4911, 4921]);
    expect(segment?.daemons.map((daemon) => segmentDaemonPort(segment, daemon))).toEqual([4901, 4911, 4921]);
  });

  it('segment config - a daemon without a port uses the segment port', () => {
    const segment = parse(
      withSegment('port: 5000', 'addresses: [10.0.0.255]', 'key_file: k', 'daemons:', '  - { name: d1, address: 10.0.0.1 }', '  - { name: d2, address: 10.0.0.1, port: 5002 }'),
    ).segment;
    expect(segment === undefined ? [] : segment.daemons.map((daemon) => segmentDaemonPort(segment, daemon))).toEqual([5000, 5002]);
  });

  it('segment config - ports out of range or of the wrong type', () => {
    const daemons = ['0', '65535', '70000', '-1', '4.5', '"4901"', 'null'].map((port, index) => `  - { name: d${index + 1}, address: 10.0.0.${index + 1}, port: ${port} }`);
    expect(problems(withSegment('addresses: [10.0.0.255]', 'key_file: k', 'daemons:', ...daemons))).toEqual([
      '6:segment.daemons[0].port: must be >= 1 (got 0)',
      '7:segment.daemons[1].port: must be <= 65534 (got 65535)',
      '8:segment.daemons[2].port: must be <= 65534 (got 70000)',
      '9:segment.daemons[3].port: must be >= 1 (got -1)',
      '10:segment.daemons[4].port: must be an integer (got 4.5)',
      '11:segment.daemons[5].port: must be an integer (got "4901")',
      '12:segment.daemons[6].port: must be an integer (got nothing)',
    ]);
  });

  it('segment config - the same address and port twice, given or by default, is an error at the later daemon', () => {
    const text = withSegment(
      'addresses: [127.0.0.255]',
      'key_file: k',
      'daemons:',
      '  - { name: d1, address: 127.0.0.1, port: 4901 }',
      '  - { name: d2, address: 127.0.0.1, port: 4901 }',
      '  - { name: d3, address: 127.0.0.1 }',
      '  - { name: d4, address: 127.0.0.1, port: 4803 }',
      '  - { name: d5, address: 127.0.0.2, port: 4901 }',
    );
    expect(problems(text)).toEqual([
      '7:segment.daemons[1].port: duplicate daemon address and port 127.0.0.1:4901 (also daemons[0])',
      '9:segment.daemons[3].port: duplicate daemon address and port 127.0.0.1:4803 (also daemons[2])',
    ]);
  });

  it('segment config - IPv6 spellings of one address clash, shown in brackets', () => {
    const text = withSegment('addresses: [ff02::1]', 'key_file: k', 'daemons:', '  - { name: d1, address: "fd00::1", port: 4901 }', '  - { name: d2, address: "fd00:0::1", port: 4901 }');
    expect(problems(text)).toEqual(['7:segment.daemons[1].port: duplicate daemon address and port [fd00:0::1]:4901 (also daemons[0])']);
  });

  it('segment config - ports one apart on one address clash: the token uses port + 1', () => {
    const text = withSegment('addresses: [127.0.0.255]', 'key_file: k', 'daemons:', '  - { name: d1, address: 127.0.0.1, port: 4901 }', '  - { name: d2, address: 127.0.0.1, port: 4900 }');
    expect(problems(text)).toEqual([
      "7:segment.daemons[1].port: port 4900 on 127.0.0.1 is next to daemons[0]'s port 4901: each daemon also uses port + 1 for the token, so daemons on one address need ports at least 2 apart",
    ]);
  });
});

describe('segment config - key file', () => {
  it('segment config - required with more than one daemon', () => {
    const text = withSegment('addresses: [10.0.0.255]', 'daemons:', '  - { name: d1, address: 10.0.0.1 }', '  - { name: d2, address: 10.0.0.2 }');
    expect(problems(text)).toEqual([`3:segment: ${KEY_FILE_REQUIRED_MESSAGE}`]);
    expect(KEY_FILE_REQUIRED_MESSAGE).toMatch(/^segment\.key_file is required when the segment has more than one daemon: every packet between daemons is authenticated/);
  });

  it('segment config - optional for a daemon alone', () => {
    const segment = parse(withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]')).segment;
    expect(segment?.key_file).toBeUndefined();
  });

  it('segment config - a relative path resolves against the config file\'s directory; an absolute one is kept', () => {
    const relative = withSegment('addresses: [10.0.0.255]', 'key_file: keys/segment.key', 'daemons: [{ name: d1, address: 10.0.0.1 }]');
    expect(parse(relative, '/etc/ringlog/ringlogd.yaml').segment?.key_file).toBe('/etc/ringlog/keys/segment.key');
    expect(parse(relative, 'ringlogd.yaml').segment?.key_file).toBe(join(resolve('.'), 'keys/segment.key'));
    const config = parse(relative.replace('keys/segment.key', '/srv/k'));
    expect(config.segment?.key_file).toBe('/srv/k');
    expect(Object.isFrozen(parse(relative).segment)).toBe(true);
  });

  it('segment config - an empty path, a NUL, a non-string and an over-long path are refused', () => {
    const base = (keyFile: string): string => withSegment('addresses: [10.0.0.255]', `key_file: ${keyFile}`, 'daemons: [{ name: d1, address: 10.0.0.1 }]');
    expect(problems(base('""'))).toEqual(['4:segment.key_file: must name the file holding the segment key (got an empty path)']);
    expect(problems(base('"/a\\0b"'))).toEqual(['4:segment.key_file: must not contain NUL']);
    expect(problems(base('[a]'))).toEqual(['4:segment.key_file: must be a string (got a list)']);
    expect(problems(base(`/${'x'.repeat(5000)}`))[0]).toBe(`4:segment.key_file: must be a path of at most 4096 characters (got "/${'x'.repeat(55)}...)`);
  });
});

describe('segment config - ring', () => {
  const ring = (body: string): string => withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]', `ring: ${body}`);

  it('segment config - every ring key has a default, also when the section is absent', () => {
    expect(parse(ring('{}')).segment?.ring).toEqual(RING_SECTION_DEFAULTS);
    expect(parse(withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]')).segment?.ring).toEqual({
      packet_bytes: 1400,
      personal_window_packets: 64,
      global_window_packets: 1024,
      idle_token_hold_ms: 5,
      mode: 'auto',
    });
    expect(parse(ring('{ idle_token_hold_ms: 0 }')).segment?.ring.idle_token_hold_ms).toBe(0);
  });

  it('segment config - ranges, unknown keys and unknown modes', () => {
    const text = ring('{ packet_bytes: 511, personal_window_packets: 0, global_window_packets: 100001, idle_token_hold_ms: 1001, mode: anycast, window: 3 }');
    expect(problems(text)).toEqual([
      '5:segment.ring.packet_bytes: must be >= 512 (got 511)',
      '5:segment.ring.personal_window_packets: must be >= 1 (got 0)',
      '5:segment.ring.global_window_packets: must be <= 100000 (got 100001)',
      '5:segment.ring.idle_token_hold_ms: must be <= 1000 (got 1001)',
      '5:segment.ring.mode: must be one of "auto", "unicast", "broadcast", "multicast" (got "anycast")',
      '5:segment.ring.window: unknown key',
    ]);
    expect(problems(ring('{ packet_bytes: 65001, personal_window_packets: 10001 }'))).toEqual([
      '5:segment.ring.packet_bytes: must be <= 65000 (got 65001)',
      '5:segment.ring.personal_window_packets: must be <= 10000 (got 10001)',
    ]);
    expect(problems(ring('[]'))).toEqual(['5:segment.ring: must be a mapping (got a list)']);
  });

  it('segment config - the personal window may not exceed the global one (as Spread\'s PersonalWindow <= Window)', () => {
    expect(problems(ring('{ personal_window_packets: 200, global_window_packets: 100 }'))).toEqual([
      '5:segment.ring.personal_window_packets: must not exceed global_window_packets (100) (got 200)',
    ]);
    expect(parse(ring('{ personal_window_packets: 100, global_window_packets: 100 }')).segment?.ring.personal_window_packets).toBe(100);
  });

  it('segment config - auto is unicast', () => {
    expect(segmentRingMode({ ring: RING_SECTION_DEFAULTS })).toBe('unicast');
    for (const mode of ['unicast', 'broadcast', 'multicast'] as const) expect(segmentRingMode({ ring: { ...RING_SECTION_DEFAULTS, mode } })).toBe(mode);
  });

  it.each([
    ['multicast', '239.1.2.3', undefined],
    ['multicast', '224.0.0.1', undefined],
    ['multicast', '10.0.0.255', 'ring mode multicast sends to segment.addresses[0] (10.0.0.255), which must be an IPv4 multicast address (224.0.0.0/4)'],
    ['multicast', 'ff02::1', 'ring mode multicast sends to segment.addresses[0] (ff02::1), which must be an IPv4 multicast address (224.0.0.0/4)'],
    ['broadcast', '10.0.0.255', undefined],
    ['broadcast', 'ff02::1', 'ring mode broadcast sends to segment.addresses[0] (ff02::1), which must be an IPv4 address (IPv6 has no broadcast)'],
    ['broadcast', '239.1.2.3', 'ring mode broadcast sends to segment.addresses[0] (239.1.2.3), a multicast address: use mode multicast, or a broadcast address'],
    ['unicast', 'ff02::1', undefined],
    ['auto', '239.1.2.3', undefined],
  ])('segment config - mode %s with segment address %s', (mode, address, message) => {
    const text = withSegment(`addresses: ["${address}", 10.0.0.254]`, 'daemons: [{ name: d1, address: 10.0.0.1 }]', `ring: { mode: ${mode} }`);
    if (message === undefined) expect(parse(text).segment?.ring.mode).toBe(mode);
    else expect(problems(text)).toEqual([`5:segment.ring.mode: ${message}`]);
  });
});

describe('segment config - daemons', () => {
  it('segment config - 1..128 daemons', () => {
    const daemons = (count: number): string[] => ['daemons:', ...Array.from({ length: count }, (_, index) => `  - { name: d${index + 1}, address: 10.0.${Math.floor(index / 200)}.${(index % 200) + 1} }`)];
    expect(parse(withSegment('addresses: [10.0.0.255]', 'key_file: k', ...daemons(128))).segment?.daemons).toHaveLength(128);
    expect(problems(withSegment('addresses: [10.0.0.255]', 'key_file: k', ...daemons(129)))).toEqual(['6:segment.daemons: must list 1..128 daemons, this one included (got a list)']);
    expect(problems(withSegment('addresses: [10.0.0.255]', 'daemons: []'))).toEqual([
      '1:daemon.name: daemon "d1" is not one of segment.daemons',
      '4:segment.daemons: must list 1..128 daemons, this one included (got a list)',
    ]);
  });

  it('segment config - daemon.name must be in segment.daemons, also with ports', () => {
    const text = withSegment(...THREE_LOCAL).replace('name: d1 }', 'name: d4 }');
    expect(problems(text)).toEqual(['1:daemon.name: daemon "d4" is not one of segment.daemons']);
  });
});

describe('segment config - ring timeouts', () => {
  it('segment config - no segment or no timeouts_ms gives ringlog\'s tuned defaults, as a fresh object', () => {
    expect(RING_TIMEOUT_DEFAULTS_MS).toEqual({ tokenLossMs: 800, tokenRetransmitMs: 100, joinMs: 100, gatherMs: 500, formMs: 800, lookupMs: 1000 });
    expect(ringTimeoutsFromConfig()).toEqual(RING_TIMEOUT_DEFAULTS_MS);
    const segment = parse(withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]')).segment;
    expect(ringTimeoutsFromConfig(segment)).toEqual(RING_TIMEOUT_DEFAULTS_MS);
    expect(ringTimeoutsFromConfig(segment)).not.toBe(RING_TIMEOUT_DEFAULTS_MS);
  });

  it('segment config - token, hurry, join, gather, form and lookup map to the ring; alive, rep and seg are not used', () => {
    const timeouts = 'timeouts_ms: { token: 1, hurry: 2, alive: 3, join: 4, rep: 5, seg: 6, gather: 7, form: 8, lookup: 9 }';
    const segment = parse(withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]', timeouts)).segment;
    expect(ringTimeoutsFromConfig(segment)).toEqual({ tokenLossMs: 1, tokenRetransmitMs: 2, joinMs: 4, gatherMs: 7, formMs: 8, lookupMs: 9 });
  });

  it('segment config - timeouts_ms stays all or none', () => {
    const text = withSegment('addresses: [10.0.0.255]', 'daemons: [{ name: d1, address: 10.0.0.1 }]', 'timeouts_ms: { token: 800, hurry: 100 }');
    expect(problems(text)[0]).toBe('5:segment.timeouts_ms: missing required key "alive"');
  });
});
