import { describe, expect, it } from 'vitest';
import { defaultDaemonConfig, parseDaemonConfigYaml, DAEMON_SECTION_DEFAULTS, LOG_SECTION_DEFAULTS, RING_SECTION_DEFAULTS } from '../src/index.ts';
import { problemsOf, summaries } from './helpers.ts';

const FULL = `
daemon:
  name: box1
  listen:
    - tcp:127.0.0.1:4803
    - tcp:[::1]:4803
    - unix:/tmp/4803
  max_sessions: 500
  handshake_timeout_ms: 2000
  session_queue_max_messages: 2000
  session_queue_max_bytes: 1048576
  session_queue_full_policy: drop_oldest
  auth_methods: [NULL]
log:
  level: debug
  file: /var/log/ringlog-%h.log
segment:
  port: 4803
  addresses: [10.50.0.255]
  daemons:
    - name: box1
      address: 10.50.0.1
      virtual_id: 7
      interfaces:
        - { types: [C], address: 127.0.0.1 }
        - { types: [D], address: 10.50.0.1 }
    - name: box2
      address: 10.50.0.2
  timeouts_ms: { token: 1250, hurry: 500, alive: 250, join: 250, rep: 625, seg: 500, gather: 1250, form: 1250, lookup: 30000 }
  key_file: /etc/ringlog/segment.key
  ring: { packet_bytes: 8000, personal_window_packets: 20, global_window_packets: 160, idle_token_hold_ms: 0, mode: broadcast }
`;

describe('daemon config - YAML', () => {
  it('daemon config - an empty file gives the defaults', () => {
    expect(parseDaemonConfigYaml('', 'empty.yaml')).toEqual(defaultDaemonConfig());
    expect(parseDaemonConfigYaml('# only a comment\n', 'c.yaml')).toEqual(defaultDaemonConfig());
    expect(defaultDaemonConfig()).toEqual({ daemon: DAEMON_SECTION_DEFAULTS, log: LOG_SECTION_DEFAULTS });
  });

  it('daemon config - reads every key of the documented shape', () => {
    const config = parseDaemonConfigYaml(FULL, 'full.yaml');
    expect(config.daemon).toEqual({
      name: 'box1',
      listen: ['tcp:127.0.0.1:4803', 'tcp:[::1]:4803', 'unix:/tmp/4803'],
      max_sessions: 500,
      handshake_timeout_ms: 2000,
      session_queue_max_messages: 2000,
      session_queue_max_bytes: 1048576,
      session_queue_full_policy: 'drop_oldest',
      auth_methods: ['NULL'],
    });
    expect(config.log).toEqual({ level: 'debug', file: '/var/log/ringlog-%h.log' });
    expect(config.segment?.daemons[0]?.interfaces).toEqual([
      { types: ['C'], address: '127.0.0.1' },
      { types: ['D'], address: '10.50.0.1' },
    ]);
    expect(config.segment?.timeouts_ms?.lookup).toBe(30000);
    expect(config.segment?.key_file).toBe('/etc/ringlog/segment.key');
    expect(config.segment?.ring).toEqual({ packet_bytes: 8000, personal_window_packets: 20, global_window_packets: 160, idle_token_hold_ms: 0, mode: 'broadcast' });
  });

  it('daemon config - partial sections get defaults for the rest', () => {
    const config = parseDaemonConfigYaml('daemon:\n  name: solo\nlog: {}\n', 'p.yaml');
    expect(config.daemon.name).toBe('solo');
    expect(config.daemon.listen).toEqual(DAEMON_SECTION_DEFAULTS.listen);
    expect(config.log.level).toBe('info');
    expect(config.segment).toBeUndefined();
  });

  it('daemon config - the result is deep-frozen and not shared between calls', () => {
    const first = parseDaemonConfigYaml('', 'a.yaml');
    const second = parseDaemonConfigYaml('', 'b.yaml');
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.daemon.listen)).toBe(true);
    expect(first.daemon.listen).not.toBe(second.daemon.listen);
    expect(() => (first.daemon.listen as string[]).push('x')).toThrow(TypeError);
    expect(Object.isFrozen(DAEMON_SECTION_DEFAULTS.listen)).toBe(false);
  });

  it('daemon config - bare NULL and quoted "NULL" both mean the NULL auth method', () => {
    expect(parseDaemonConfigYaml('daemon: { auth_methods: [NULL] }', 'n.yaml').daemon.auth_methods).toEqual(['NULL']);
    expect(parseDaemonConfigYaml('daemon: { auth_methods: ["NULL"] }', 'n.yaml').daemon.auth_methods).toEqual(['NULL']);
  });

  it('daemon config - unknown keys are rejected with their line and column, with a suggestion', () => {
    const problems = problemsOf(() => parseDaemonConfigYaml('daemon:\n  nmae: x\n  listen: []\nextra: 1\n', 'u.yaml'));
    expect(problems).toEqual([
      { file: 'u.yaml', line: 2, column: 3, path: 'daemon.nmae', message: 'unknown key (did you mean "name"?)' },
      { file: 'u.yaml', line: 4, column: 1, path: 'extra', message: 'unknown key' },
    ]);
  });

  it('daemon config - every problem is reported at once, in file order', () => {
    const text = [
      'daemon:',
      '  name: "has space"',
      '  listen: [tcp:127.0.0.1:70000, "unix:rel", "tcp:::1:1", tcp:127.0.0.1:1, tcp:127.0.0.1:1]',
      '  max_sessions: -1',
      '  handshake_timeout_ms: 1.5',
      '  auth_methods: [NULL, IP]',
      '  session_queue_full_policy: drop',
      'log: { level: verbose, file: 3 }',
    ].join('\n');
    expect(summaries(problemsOf(() => parseDaemonConfigYaml(text, 'm.yaml')))).toEqual([
      '2:daemon.name: must be 1..19 characters in 0x24..0x7e (no "#", no whitespace) (got "has space")',
      '3:daemon.listen[0]: port "70000" must be an integer 0..65535',
      '3:daemon.listen[1]: unix socket path "rel" must be absolute',
      '3:daemon.listen[2]: IPv6 hosts go in brackets, e.g. tcp:[::1]:1',
      '3:daemon.listen[4]: duplicate listener "tcp:127.0.0.1:1"',
      '4:daemon.max_sessions: must be >= 0 (got -1)',
      '5:daemon.handshake_timeout_ms: must be an integer (got 1.5)',
      '6:daemon.auth_methods[1]: auth method "IP" is not implemented; ringlog implements only NULL',
      '7:daemon.session_queue_full_policy: must be one of "disconnect", "drop_oldest" (got "drop")',
      '8:log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
      '8:log.file: must be a string (got 3)',
    ]);
  });

  it('daemon config - the error message has one file:line:column: path: message line per problem', () => {
    try {
      parseDaemonConfigYaml('daemon:\n  name: ""\nbad: 1\n', 'e.yaml');
      expect.unreachable();
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      expect(lines[0]).toBe('Invalid configuration (2 problems):');
      expect(lines[1]).toMatch(/^e\.yaml:2:9: daemon\.name: must be 1\.\.19/);
      expect(lines[2]).toBe('e.yaml:3:1: bad: unknown key');
    }
  });

  it('daemon config - daemon names: 19 characters at most, no "#", no whitespace', () => {
    expect(parseDaemonConfigYaml(`daemon: { name: ${'a'.repeat(19)} }`, 'n.yaml').daemon.name).toHaveLength(19);
    for (const name of ['a'.repeat(20), 'a#b', '"a b"', '""', '"tab\\there"', 'é']) {
      expect(summaries(problemsOf(() => parseDaemonConfigYaml(`daemon: { name: ${name} }`, 'n.yaml')))[0]).toMatch(/^1:daemon\.name: must be 1\.\.19/);
    }
  });

  it('daemon config - YAML syntax errors are problems with lines', () => {
    const problems = problemsOf(() => parseDaemonConfigYaml('daemon:\n  name: a\n  name: b\nlog: [\n', 's.yaml'));
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.every((problem) => problem.path === '(yaml)' && problem.file === 's.yaml')).toBe(true);
    expect(problems.map((problem) => problem.line)).toContain(3);
  });

  it('daemon config - the root must be a mapping', () => {
    expect(summaries(problemsOf(() => parseDaemonConfigYaml('- a\n- b\n', 'r.yaml')))).toEqual(['1:(root): must be a mapping (got a list)']);
    expect(summaries(problemsOf(() => parseDaemonConfigYaml('just text', 'r.yaml')))).toEqual(['1:(root): must be a mapping (got "just text")']);
  });
});

describe('daemon config - segment', () => {
  const segment = (body: string): string => `daemon: { name: a }\nsegment:\n${body}`;

  it('daemon config - segment needs addresses and daemons; port defaults to 4803', () => {
    const config = parseDaemonConfigYaml(segment('  addresses: [10.0.0.255]\n  daemons: [{ name: a, address: 10.0.0.1 }]\n'), 's.yaml');
    expect(config.segment).toEqual({ port: 4803, addresses: ['10.0.0.255'], daemons: [{ name: 'a', address: '10.0.0.1' }], ring: RING_SECTION_DEFAULTS });
    expect(summaries(problemsOf(() => parseDaemonConfigYaml(segment('  port: 4803\n'), 's.yaml')))).toEqual([
      '3:segment: missing required key "addresses"',
      '3:segment: missing required key "daemons"',
    ]);
  });

  it('daemon config - segment daemons: duplicates, the D rule, addresses and timeouts', () => {
    const text = segment(
      [
        '  addresses: [0.0.0.0, 10.0.0.256]',
        '  daemons:',
        '    - { name: a, address: 10.0.0.1, interfaces: [{ types: [C], address: 127.0.0.1 }] }',
        '    - { name: a, address: 10.0.0.1, virtual_id: 3 }',
        '    - { name: c, address: 224.0.0.1, virtual_id: 3 }',
        '    - { name: d, address: "not a host!", interfaces: [{ types: [X], address: 1.2.3.4:5 }] }',
        '  timeouts_ms: { token: 10 }',
      ].join('\n'),
    );
    const found = summaries(problemsOf(() => parseDaemonConfigYaml(text, 's.yaml')));
    expect(found).toEqual(
      expect.arrayContaining([
        '3:segment.addresses[0]: a segment address must not be the unspecified address',
        '3:segment.addresses[1]: must be an IPv4 or IPv6 address (no port)',
        "5:segment.daemons[0].interfaces: the interfaces must include a D (or untyped) entry for the daemon's own address 10.0.0.1",
        '6:segment.daemons[1].name: duplicate daemon name "a" (also daemons[0])',
        '6:segment.daemons[1].address: duplicate daemon address and port 10.0.0.1:4803 (also daemons[0])',
        "7:segment.daemons[2].address: a daemon's address must not be a multicast address",
        '7:segment.daemons[2].virtual_id: duplicate virtual_id 3 (also daemons[1])',
        '8:segment.daemons[3].address: must be an IP address (no port) or a host name',
        '8:segment.daemons[3].interfaces[0].types[0]: must be one of "D", "C", "M" (got "X")',
        '8:segment.daemons[3].interfaces[0].address: must be an IPv4 or IPv6 address (no port)',
        '9:segment.timeouts_ms: missing required key "lookup"',
      ]),
    );
  });

  it('daemon config - daemon.name must be one of the segment daemons', () => {
    const text = 'daemon: { name: zed }\nsegment: { addresses: [10.0.0.255], daemons: [{ name: a, address: 10.0.0.1 }] }\n';
    expect(summaries(problemsOf(() => parseDaemonConfigYaml(text, 's.yaml')))).toEqual(['1:daemon.name: daemon "zed" is not one of segment.daemons']);
  });

  it('daemon config - an interface on the unspecified address covers the D rule; a host name is allowed as address', () => {
    const text = segment(
      '  addresses: [ff02::1]\n  key_file: k\n  daemons:\n    - { name: a, address: fd00::1, interfaces: [{ types: [D, C], address: "::" }] }\n    - { name: b, address: b.example.org }\n',
    );
    expect(parseDaemonConfigYaml(text, 'v6.yaml').segment?.daemons).toHaveLength(2);
  });
});
