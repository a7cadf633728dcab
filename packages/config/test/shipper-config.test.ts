import { describe, expect, it } from 'vitest';
import {
  BATCH_SECTION_DEFAULTS,
  INPUT_TYPES,
  LINES_SECTION_DEFAULTS,
  parseShipperConfigYaml,
  SHIPPER_ADMIN_SECTION_DEFAULTS,
  SHIPPER_INPUT_DEFAULTS,
  SHIPPER_LOG_SECTION_DEFAULTS,
  SHIPPER_SECTION_DEFAULTS,
  shipperConfigFromValue,
  shipperInputDefaults,
  SPOOL_SECTION_DEFAULTS,
  spreadInputListeners,
  UPSTREAM_SECTION_DEFAULTS,
} from '../src/index.ts';
import type { InputType } from '../src/index.ts';
import { INPUT_KEYS, inputSettings, SHIPPER_CONFIG_SCHEMA } from '../src/internal.ts';
import { problemsOf } from './helpers.ts';

/** One valid input; tests add sections before it. */
const INPUT = 'inputs:\n  - type: unix\n    group: www\n    path: /run/www.sock\n';

const parse = (text: string) => parseShipperConfigYaml(text, 's.yaml');

/** `line:column: path: message` for every problem. */
function located(text: string): string[] {
  return problemsOf(() => parse(text)).map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`);
}

/** A config whose only input is `lines` (indented for the input's mapping, without the dash). */
function inputWith(lines: string): string {
  return `inputs:\n  - ${lines.trimStart()}`;
}

/** The settings an input of each type must have, for the tests that need a valid one. */
const MINIMAL_INPUTS: Readonly<Record<InputType, Record<string, unknown>>> = {
  unix: { group: 'g', path: '/run/a.sock' },
  syslog_unix: { group: 'g', path: '/run/a.sock' },
  pipe: { group: 'g', path: '/run/a.sock' },
  unix_dgram: { group: 'g', path: '/run/a.sock' },
  syslog_unix_dgram: { group: 'g', path: '/run/a.sock' },
  tcp: { group: 'g', listen: '127.0.0.1:5140' },
  syslog_tcp: { group: 'g', listen: '127.0.0.1:5140' },
  syslog_udp: { group: 'g', listen: '127.0.0.1:5140' },
  http: { group: 'g', listen: '127.0.0.1:5140' },
  file: { group: 'g', paths: ['/var/log/a.log'] },
  spread: { listen: '4803' },
};

/** `daemon: embedded`, so a spread input may take the port a default daemon would use. */
const EMBEDDED = 'shipper: { daemon: embedded }\n';

describe('shipper config - YAML', () => {
  it('shipper config - a file with one input gets every default', () => {
    const config = parse(INPUT);
    expect(config.shipper).toEqual(SHIPPER_SECTION_DEFAULTS);
    expect(config.admin).toEqual(SHIPPER_ADMIN_SECTION_DEFAULTS);
    expect(config.log).toEqual(SHIPPER_LOG_SECTION_DEFAULTS);
    expect(config.lines).toEqual(LINES_SECTION_DEFAULTS);
    expect(config.batch).toEqual(BATCH_SECTION_DEFAULTS);
    expect(config.upstream).toEqual(UPSTREAM_SECTION_DEFAULTS);
    expect(config.spool).toEqual(SPOOL_SECTION_DEFAULTS);
    expect(config.inputs).toEqual([
      { type: 'unix', name: 'unix-0', group: 'www', vhost_buckets: 0, path: '/run/www.sock', mode: '0666', max_connections: 100000, idle_timeout_ms: 0 },
    ]);
    expect(Object.keys(config)).toEqual(['shipper', 'admin', 'log', 'lines', 'batch', 'upstream', 'spool', 'inputs']);
    expect(Object.keys(config.inputs[0] ?? {}).slice(0, 4)).toEqual(['type', 'name', 'group', 'path']);
  });

  it('shipper config - the documented defaults', () => {
    expect(SHIPPER_SECTION_DEFAULTS).toEqual({
      name: 'rlship',
      daemon: '4803',
      embedded_config: '',
      embedded_name: '',
      reconnect_initial_delay_ms: 100,
      reconnect_max_delay_ms: 5000,
      service: 'agreed',
      state_dir: '/var/lib/ringlog-shipper',
    });
    expect(SHIPPER_ADMIN_SECTION_DEFAULTS.listen).toBe('127.0.0.1:9181');
    expect(SHIPPER_LOG_SECTION_DEFAULTS).toEqual({ level: 'info', file: '' });
    expect(LINES_SECTION_DEFAULTS).toEqual({ max_bytes: 65536, overlong: 'split' });
    expect(BATCH_SECTION_DEFAULTS).toEqual({ max_bytes: 65536, max_delay_ms: 5 });
    expect(UPSTREAM_SECTION_DEFAULTS).toEqual({ delivery: 'acknowledged', ack_group: 'ringlog-acks', lagging_collector_max_bytes: 512 * 1048576, window_bytes: 8 * 1048576, memory_max_bytes: 64 * 1048576 });
    expect(SPOOL_SECTION_DEFAULTS).toEqual({ max_bytes: 1073741824, segment_bytes: 64 * 1048576, on_full: 'drop_newest', fsync_interval_ms: 1000 });
    const stream = { vhost_buckets: 0, max_connections: 100000, idle_timeout_ms: 0 };
    expect(SHIPPER_INPUT_DEFAULTS).toEqual({
      unix: { ...stream, mode: '0666' },
      syslog_unix: { ...stream, mode: '0666' },
      pipe: { ...stream, mode: '0666' },
      unix_dgram: { vhost_buckets: 0, mode: '0666' },
      syslog_unix_dgram: { vhost_buckets: 0, mode: '0666' },
      tcp: { ...stream, framing: 'newline' },
      syslog_tcp: { ...stream, framing: 'auto' },
      syslog_udp: { vhost_buckets: 0 },
      file: { vhost_buckets: 0, start_at: 'end', checkpoint_interval_ms: 1000 },
      http: { vhost_buckets: 0, body_max_bytes: 16 * 1048576 },
      spread: { group: '', vhost_buckets: 0, max_connections: 100000 },
    });
    expect(shipperInputDefaults('tcp', 3)).toEqual({ name: 'tcp-3', ...SHIPPER_INPUT_DEFAULTS.tcp });
  });

  it('shipper config - reads every key of every section', () => {
    const text = [
      'shipper: { name: web1, daemon: 4803@logbox, embedded_config: /etc/r.yaml, embedded_name: box1, reconnect_initial_delay_ms: 50, reconnect_max_delay_ms: 50, service: safe, state_dir: /srv/state/ }',
      'admin: { listen: off }',
      'log: { level: debug, file: /var/log/shipper.log }',
      'lines: { max_bytes: 1048576, overlong: truncate }',
      'batch: { max_bytes: 131072, max_delay_ms: 0 }',
      'upstream: { delivery: ordered, ack_group: acks2, lagging_collector_max_bytes: 0, window_bytes: 131072, memory_max_bytes: 0 }',
      'spool: { max_bytes: 1048576, segment_bytes: 1048576, on_full: block, fsync_interval_ms: 0 }',
      INPUT,
    ].join('\n');
    const config = parse(text);
    expect(config.shipper).toEqual({
      name: 'web1',
      daemon: '4803@logbox',
      embedded_config: '/etc/r.yaml',
      embedded_name: 'box1',
      reconnect_initial_delay_ms: 50,
      reconnect_max_delay_ms: 50,
      service: 'safe',
      state_dir: '/srv/state/',
    });
    expect(config.admin.listen).toBe('off');
    expect(config.log).toEqual({ level: 'debug', file: '/var/log/shipper.log' });
    expect(config.lines).toEqual({ max_bytes: 1048576, overlong: 'truncate' });
    expect(config.batch).toEqual({ max_bytes: 131072, max_delay_ms: 0 });
    expect(config.upstream).toEqual({ delivery: 'ordered', ack_group: 'acks2', lagging_collector_max_bytes: 0, window_bytes: 131072, memory_max_bytes: 0 });
    expect(config.spool).toEqual({ max_bytes: 1048576, segment_bytes: 1048576, on_full: 'block', fsync_interval_ms: 0 });
  });

  it('shipper config - the result is deep-frozen', () => {
    const config = parse(inputWith('{ type: file, group: g, paths: [/a] }\n'));
    expect(Object.isFrozen(config.inputs)).toBe(true);
    const input = config.inputs[0];
    expect(input?.type === 'file' && Object.isFrozen(input.paths)).toBe(true);
    expect(() => (config.shipper as { name: string }).name = 'x').toThrow(TypeError);
    expect(Object.isFrozen(SHIPPER_INPUT_DEFAULTS.unix)).toBe(false);
  });

  it('shipper config - every problem is reported at once, in file order', () => {
    expect(located('shipper: { name: "a b" }\nadmin: { listen: nowhere }\ninputs: []\ncolour: red\n')).toEqual([
      '1:18: shipper.name: must be a Spread private name: 1..10 characters in 0x24..0x7e (no "#", no whitespace) (got "a b")',
      '2:18: admin.listen: must be "off", HOST:PORT or [IPv6]:PORT',
      '3:9: inputs: must list at least one input (and at most 64) (got a list)',
      '4:1: colour: unknown key',
    ]);
  });

  it('shipper config - inputs is required', () => {
    expect(located('shipper: {}\n')).toEqual(['1:1: (root): missing required key "inputs"']);
    expect(located('')).toEqual(['1:1: (root): missing required key "inputs"']);
    expect(located('inputs:\n')).toEqual(['1:8: inputs: must be a list (got nothing)']);
  });

  it('shipper config - unknown keys at every level point at the key and suggest a near one', () => {
    const text = [
      'shipper: { nam: a }',
      'admin: { listn: off }',
      'log: { lvel: info }',
      'lines: { max_byte: 1 }',
      'batch: { max_delay: 1 }',
      'upstream: { window: 1 }',
      'spool: { on_ful: block }',
      'input: []',
      'inputs:',
      '  - { type: unix, group: g, path: /a, modes: "0600" }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '1:12: shipper.nam: unknown key (did you mean "name"?)',
      '2:10: admin.listn: unknown key (did you mean "listen"?)',
      '3:8: log.lvel: unknown key (did you mean "level"?)',
      '4:10: lines.max_byte: unknown key (did you mean "max_bytes"?)',
      '5:10: batch.max_delay: unknown key',
      '6:13: upstream.window: unknown key',
      '7:10: spool.on_ful: unknown key (did you mean "on_full"?)',
      '8:1: input: unknown key (did you mean "inputs"?)',
      '10:39: inputs[0].modes: unknown key (did you mean "mode"?)',
    ]);
  });
});

describe('shipper config - shipper section', () => {
  it('shipper config - name is a Spread private name of 1..10 characters', () => {
    const message = 'must be a Spread private name: 1..10 characters in 0x24..0x7e (no "#", no whitespace)';
    expect(located(`shipper:\n  name: "a#b"\n${INPUT}`)).toEqual([`2:9: shipper.name: ${message} (got "a#b")`]);
    expect(located(`shipper:\n  name: abcdefghijk\n${INPUT}`)).toEqual([`2:9: shipper.name: ${message} (got "abcdefghijk")`]);
    expect(parse(`shipper:\n  name: abcdefghij\n${INPUT}`).shipper.name).toBe('abcdefghij');
  });

  it('shipper config - daemon is embedded or a Spread name; an unquoted port is the name it means', () => {
    for (const daemon of ['embedded', '4803', '4803@logbox', '4803@10.0.0.1', '/tmp/4804', 'unix:/run/spread.sock', 'tcp:[::1]:4803']) {
      expect(parse(`shipper: { daemon: "${daemon}" }\n${INPUT}`).shipper.daemon).toBe(daemon);
    }
    expect(parse(`shipper:\n  daemon: 4804\n${INPUT}`).shipper.daemon).toBe('4804');
    expect(located(`shipper:\n  daemon: 0\n${INPUT}`)).toEqual([
      '2:11: shipper.daemon: must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "0" is not 1..65535)',
    ]);
    expect(located(`shipper:\n  daemon: "4803@"\n${INPUT}`)).toEqual(['2:11: shipper.daemon: has an empty host after "@"']);
    expect(located(`shipper:\n  daemon: 1.5\n${INPUT}`)).toEqual(['2:11: shipper.daemon: must be a string (got 1.5)']);
  });

  it('shipper config - embedded_name, embedded_config and reconnect delays', () => {
    expect(located(`shipper:\n  embedded_name: "two words"\n  embedded_config: "/a\\0"\n${INPUT}`)).toEqual([
      '2:18: shipper.embedded_name: must be empty or a daemon name of 1..19 characters in 0x24..0x7e (got "two words")',
      '3:20: shipper.embedded_config: must not contain NUL',
    ]);
    expect(located(`shipper:\n  reconnect_initial_delay_ms: 1000\n  reconnect_max_delay_ms: 999\n${INPUT}`)).toEqual([
      '3:27: shipper.reconnect_max_delay_ms: must be at least reconnect_initial_delay_ms (1000)',
    ]);
    expect(located(`shipper:\n  reconnect_initial_delay_ms: 0\n${INPUT}`)).toEqual(['2:31: shipper.reconnect_initial_delay_ms: must be >= 1 (got 0)']);
  });

  it('shipper config - service is a Spread service type', () => {
    expect(located(`shipper:\n  service: total\n${INPUT}`)).toEqual([
      '2:12: shipper.service: must be one of "unreliable", "reliable", "fifo", "causal", "agreed", "safe" (got "total")',
    ]);
  });

  it('shipper config - state_dir is an absolute directory without NUL', () => {
    expect(located(`shipper:\n  state_dir: var/lib/x\n${INPUT}`)).toEqual(['2:14: shipper.state_dir: must be an absolute path (got "var/lib/x")']);
    expect(located(`shipper:\n  state_dir: "/var/\\0"\n${INPUT}`)).toEqual(['2:14: shipper.state_dir: must not contain NUL']);
    expect(located(`shipper:\n  state_dir: ""\n${INPUT}`)).toEqual(['2:14: shipper.state_dir: must be an absolute path (got "")']);
  });
});

describe('shipper config - admin, log, lines, batch, upstream and spool', () => {
  it('shipper config - admin.listen is off, HOST:PORT or [IPv6]:PORT', () => {
    for (const listen of ['off', '127.0.0.1:9181', '0.0.0.0:0', 'localhost:9181', '[::1]:9181']) {
      expect(parse(`admin: { listen: "${listen}" }\n${INPUT}`).admin.listen).toBe(listen);
    }
    expect(located(`admin:\n  listen: "9181"\n${INPUT}`)).toEqual(['2:11: admin.listen: must be "off", HOST:PORT or [IPv6]:PORT']);
    expect(located(`admin:\n  listen: "host:70000"\n${INPUT}`)).toEqual(['2:11: admin.listen: port "70000" must be an integer 0..65535']);
  });

  it('shipper config - log.level is a pino level and log.file has no NUL', () => {
    expect(located(`log:\n  level: verbose\n  file: "a\\0"\n${INPUT}`)).toEqual([
      '2:10: log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
      '3:9: log.file: must not contain NUL',
    ]);
  });

  it('shipper config - lines: max_bytes 1..1 MiB, overlong split or truncate', () => {
    expect(located(`lines:\n  max_bytes: 0\n  overlong: wrap\n${INPUT}`)).toEqual([
      '2:14: lines.max_bytes: must be >= 1 (got 0)',
      '3:13: lines.overlong: must be one of "split", "truncate" (got "wrap")',
    ]);
    expect(located(`lines:\n  max_bytes: 1048577\n${INPUT}`)).toEqual(['2:14: lines.max_bytes: must be <= 1048576 (got 1048577)']);
  });

  it('shipper config - batch: max_bytes 1024..131072 (one Spread message), max_delay_ms 0..10000', () => {
    expect(located(`batch:\n  max_bytes: 1023\n  max_delay_ms: -1\n${INPUT}`)).toEqual([
      '2:14: batch.max_bytes: must be >= 1024 (got 1023)',
      '3:17: batch.max_delay_ms: must be >= 0 (got -1)',
    ]);
    expect(located(`batch:\n  max_bytes: 131073\n  max_delay_ms: 10001\n${INPUT}`)).toEqual([
      '2:14: batch.max_bytes: must be <= 131072 (got 131073)',
      '3:17: batch.max_delay_ms: must be <= 10000 (got 10001)',
    ]);
  });

  it('shipper config - upstream.window_bytes holds at least one batch', () => {
    expect(located(`upstream:\n  window_bytes: 65535\n${INPUT}`)).toEqual([
      '2:17: upstream.window_bytes: must be at least batch.max_bytes (65536): a batch is sent whole',
    ]);
    expect(located(`batch: { max_bytes: 131072 }\nupstream: { window_bytes: 131071 }\n${INPUT}`)).toEqual([
      '2:27: upstream.window_bytes: must be at least batch.max_bytes (131072): a batch is sent whole',
    ]);
    expect(parse(`batch: { max_bytes: 2048 }\nupstream: { window_bytes: 2048 }\n${INPUT}`).upstream.window_bytes).toBe(2048);
    expect(located(`upstream:\n  memory_max_bytes: -1\n${INPUT}`)).toEqual(['2:21: upstream.memory_max_bytes: must be >= 0 (got -1)']);
  });

  it('shipper config - spool: segment_bytes 1 MiB..1 GiB and at most max_bytes', () => {
    expect(located(`spool:\n  segment_bytes: 1048575\n${INPUT}`)).toEqual(['2:18: spool.segment_bytes: must be >= 1048576 (got 1048575)']);
    expect(located(`spool:\n  segment_bytes: 1073741825\n${INPUT}`)).toEqual(['2:18: spool.segment_bytes: must be <= 1073741824 (got 1073741825)']);
    expect(located(`spool:\n  max_bytes: 33554432\n${INPUT}`)).toEqual([
      '2:14: spool.max_bytes: must be at least spool.segment_bytes (67108864): the spool is made of whole segments',
    ]);
    expect(located(`spool:\n  max_bytes: 2097152\n  segment_bytes: 4194304\n${INPUT}`)).toEqual([
      '2:14: spool.max_bytes: must be at least spool.segment_bytes (4194304): the spool is made of whole segments',
    ]);
    expect(parse(`spool:\n  max_bytes: 2097152\n  segment_bytes: 2097152\n${INPUT}`).spool.max_bytes).toBe(2097152);
    expect(located(`spool:\n  on_full: wait\n  fsync_interval_ms: 3600001\n${INPUT}`)).toEqual([
      '2:12: spool.on_full: must be one of "drop_newest", "block" (got "wait")',
      '3:22: spool.fsync_interval_ms: must be <= 3600000 (got 3600001)',
    ]);
  });
});

describe('shipper config - input types', () => {
  it('shipper config - the schema lists exactly the settings of the input types', () => {
    const properties = (SHIPPER_CONFIG_SCHEMA.schema['properties'] as Record<string, { items: { properties: object } }>)['inputs']?.items.properties;
    expect(Object.keys(properties ?? {}).sort()).toEqual([...INPUT_KEYS].sort());
    expect(inputSettings('unix')).toEqual(['type', 'name', 'group', 'vhost_buckets', 'path', 'mode', 'max_connections', 'idle_timeout_ms']);
    expect(inputSettings('spread')).toEqual(['type', 'name', 'group', 'vhost_buckets', 'listen', 'max_connections']);
  });

  it('shipper config - the minimal input of every type gets its defaults, which validate', () => {
    for (const type of INPUT_TYPES) {
      const value = { shipper: { daemon: 'embedded' }, inputs: [{ type, ...MINIMAL_INPUTS[type] }] };
      const config = shipperConfigFromValue(value);
      expect(config.inputs[0], type).toEqual({ type, ...shipperInputDefaults(type, 0), ...MINIMAL_INPUTS[type] });
      expect(shipperConfigFromValue(config), type).toEqual(config);
    }
  });

  it('shipper config - every input type from YAML, with its default name', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: unix, group: a, path: /run/a.sock }',
      '  - { type: unix_dgram, group: a, path: /run/b.sock }',
      '  - { type: tcp, group: a, listen: "127.0.0.1:5140" }',
      '  - { type: syslog_udp, group: a, listen: "127.0.0.1:514" }',
      '  - { type: syslog_tcp, group: a, listen: "127.0.0.1:514" }',
      '  - { type: syslog_unix, group: a, path: /run/c.sock }',
      '  - { type: syslog_unix_dgram, group: a, path: /dev/log }',
      '  - { type: file, group: a, paths: [/var/log/*.log] }',
      '  - { type: http, group: a, listen: "[::1]:8514" }',
      '  - { type: pipe, group: a, path: /run/d.sock }',
      '  - { type: spread, listen: 4803 }',
      '',
    ].join('\n');
    const config = parse(text);
    expect(config.inputs.map((input) => input.name)).toEqual(INPUT_TYPES.map((type, index) => `${type}-${index}`));
    expect(config.inputs[10]).toEqual({ type: 'spread', name: 'spread-10', listen: '4803', group: '', vhost_buckets: 0, max_connections: 100000 });
    expect(config.inputs[4]).toMatchObject({ type: 'syslog_tcp', framing: 'auto' });
    expect(config.inputs[2]).toMatchObject({ type: 'tcp', framing: 'newline' });
  });

  it('shipper config - every setting of every type is read', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: tcp, name: t, group: a, vhost_buckets: 16, listen: "0.0.0.0:5140", framing: octet_counted, max_connections: 1, idle_timeout_ms: 60000 }',
      '  - { type: file, name: f, group: b, vhost_buckets: 0, paths: [/a, "/b/*.log"], start_at: beginning, checkpoint_interval_ms: 5 }',
      '  - { type: http, name: h, group: c, listen: "localhost:8080", body_max_bytes: 1 }',
      '  - { type: unix_dgram, name: u, group: d, path: /run/u.sock, mode: "600" }',
      '  - { type: spread, name: s, group: e, listen: "unix:/run/spread.sock", max_connections: 5 }',
      '',
    ].join('\n');
    expect(parse(text).inputs).toEqual([
      { type: 'tcp', name: 't', group: 'a', vhost_buckets: 16, listen: '0.0.0.0:5140', framing: 'octet_counted', max_connections: 1, idle_timeout_ms: 60000 },
      { type: 'file', name: 'f', group: 'b', vhost_buckets: 0, paths: ['/a', '/b/*.log'], start_at: 'beginning', checkpoint_interval_ms: 5 },
      { type: 'http', name: 'h', group: 'c', listen: 'localhost:8080', vhost_buckets: 0, body_max_bytes: 1 },
      { type: 'unix_dgram', name: 'u', group: 'd', path: '/run/u.sock', vhost_buckets: 0, mode: '600' },
      { type: 'spread', name: 's', group: 'e', listen: 'unix:/run/spread.sock', vhost_buckets: 0, max_connections: 5 },
    ]);
  });

  it('shipper config - an unknown type lists the valid ones; a missing type too', () => {
    expect(located(inputWith('type: udp\n    listen: "127.0.0.1:514"\n'))).toEqual([
      '2:11: inputs[0].type: must be one of "unix", "unix_dgram", "tcp", "syslog_udp", "syslog_tcp", "syslog_unix", "syslog_unix_dgram", "file", "http", "pipe", "spread" (got "udp")',
    ]);
    expect(located(inputWith('group: www\n    path: /a\n'))).toEqual([
      '2:5: inputs[0]: missing required key "type" (one of "unix", "unix_dgram", "tcp", "syslog_udp", "syslog_tcp", "syslog_unix", "syslog_unix_dgram", "file", "http", "pipe", "spread")',
    ]);
  });

  it('shipper config - a setting of another input type is named as such', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: unix, group: a, path: /run/a.sock }',
      '  - { type: tcp, group: a, listen: "127.0.0.1:1" }',
      '  - type: unix',
      '    group: a',
      '    path: /run/b.sock',
      '    framing: newline',
      '    listen: "127.0.0.1:2"',
      '  - { type: syslog_udp, group: a, listen: "127.0.0.1:3", max_connections: 5 }',
      '  - { type: spread, listen: "4803", paths: [/a] }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '9:14: inputs[2].framing: is not a setting of a unix input (its settings: type, name, group, vhost_buckets, path, mode, max_connections, idle_timeout_ms)',
      '10:13: inputs[2].listen: is not a setting of a unix input (its settings: type, name, group, vhost_buckets, path, mode, max_connections, idle_timeout_ms)',
      '11:75: inputs[3].max_connections: is not a setting of a syslog_udp input (its settings: type, name, group, vhost_buckets, listen)',
      '12:44: inputs[4].paths: is not a setting of a spread input (its settings: type, name, group, vhost_buckets, listen, max_connections)',
    ]);
  });

  it('shipper config - a missing required setting names it', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: unix, group: a }',
      '  - { type: tcp, listen: "127.0.0.1:1" }',
      '  - { type: file, group: a }',
      '  - { type: http }',
      '  - { type: spread }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '4:5: inputs[0]: missing required key "path" of a unix input',
      '5:5: inputs[1]: missing required key "group" of a tcp input',
      '6:5: inputs[2]: missing required key "paths" of a file input',
      '7:5: inputs[3]: missing required key "group" of an http input',
      '7:5: inputs[3]: missing required key "listen" of an http input',
      '8:5: inputs[4]: missing required key "listen" of a spread input',
    ]);
  });

  it('shipper config - an input that is not a mapping', () => {
    expect(located('inputs:\n  - unix\n  - 5\n  -\n')).toEqual([
      '2:5: inputs[0]: must be a mapping (got "unix")',
      '3:5: inputs[1]: must be a mapping (got 5)',
      '4:4: inputs[2]: must be a mapping (got nothing)',
    ]);
  });
});

describe('shipper config - input settings', () => {
  it('shipper config - names are plain, and never "." or ".."', () => {
    const message = 'must be 1..64 letters, digits, "_", "." or "-" (and not "." or "..")';
    for (const name of ['a b', '.', '..', '', 'a/b']) {
      expect(located(inputWith(`{ type: unix, group: g, path: /a, name: "${name}" }\n`)), name).toEqual([`2:45: inputs[0].name: ${message} (got ${JSON.stringify(name)})`]);
    }
    expect(located(inputWith(`{ type: unix, group: g, path: /a, name: ${'x'.repeat(65)} }\n`))).toEqual([`2:45: inputs[0].name: ${message} (got "${'x'.repeat(56)}...)`]);
    expect(parse(inputWith('{ type: unix, group: g, path: /a, name: ...a_b-c.1 }\n')).inputs[0]?.name).toBe('...a_b-c.1');
  });

  it('shipper config - group is a Spread group name; only a spread input may leave it empty', () => {
    const message = 'must be a Spread group name: 1..31 characters in 0x24..0x7e (no "#", no whitespace)';
    expect(located(inputWith('{ type: unix, path: /a, group: "#a#b" }\n'))).toEqual([`2:36: inputs[0].group: ${message} (got "#a#b")`]);
    expect(located(inputWith(`{ type: unix, path: /a, group: ${'x'.repeat(32)} }\n`))).toEqual([`2:36: inputs[0].group: ${message} (got "${'x'.repeat(32)}")`]);
    expect(located(inputWith('{ type: unix, path: /a, group: "" }\n'))).toEqual([
      '2:36: inputs[0].group: must not be empty: it is the group a unix input sends its lines to (only a spread input may leave it empty)',
    ]);
    expect(parse(`${EMBEDDED}${inputWith('{ type: spread, listen: "4803", group: "" }\n')}`).inputs[0]?.group).toBe('');
    expect(parse(`${EMBEDDED}${inputWith('{ type: spread, listen: "4803", group: www }\n')}`).inputs[0]?.group).toBe('www');
  });

  it('shipper config - vhost_buckets 0..1024, and the last bucket must still be a group name', () => {
    expect(located(inputWith('{ type: unix, path: /a, group: g, vhost_buckets: 1025 }\n'))).toEqual(['2:54: inputs[0].vhost_buckets: must be <= 1024 (got 1025)']);
    expect(located(inputWith('{ type: unix, path: /a, group: g, vhost_buckets: -1 }\n'))).toEqual(['2:54: inputs[0].vhost_buckets: must be >= 0 (got -1)']);
    const group29 = 'g'.repeat(29);
    expect(parse(inputWith(`{ type: unix, path: /a, group: ${group29}, vhost_buckets: 10 }\n`)).inputs[0]?.vhost_buckets).toBe(10);
    expect(located(inputWith(`{ type: unix, path: /a, group: ${group29}, vhost_buckets: 11 }\n`))).toEqual([
      `2:36: inputs[0].group: is too long for 11 vhost buckets: the last bucket "${group29}-10" has 32 characters and Spread group names have at most 31 (shorten the group to 28)`,
    ]);
    expect(parse(inputWith(`{ type: unix, path: /a, group: ${'g'.repeat(31)}, vhost_buckets: 0 }\n`)).inputs[0]?.group).toHaveLength(31);
    expect(located(`${EMBEDDED}${inputWith('{ type: spread, listen: "4803", vhost_buckets: 4 }\n')}`)).toEqual([
      "3:52: inputs[0].vhost_buckets: needs a group: the buckets are the groups <group>-0 .. <group>-<N-1> (without a group a spread input keeps the senders' groups)",
    ]);
  });

  it('shipper config - a socket path is absolute, without NUL, and fits sun_path (107 bytes)', () => {
    const cases: [string, string][] = [
      ['run/a.sock', 'must be an absolute path (got "run/a.sock")'],
      ['/run/a\\0', 'must not contain NUL'],
      ['/run/', 'must name a socket file, not end with "/"'],
      [`/${'x'.repeat(107)}`, 'is 108 bytes long; a unix socket path holds at most 107 bytes (the sun_path limit), so choose a shorter one'],
      [`/${'é'.repeat(54)}`, 'is 109 bytes long; a unix socket path holds at most 107 bytes (the sun_path limit), so choose a shorter one'],
    ];
    for (const [path, message] of cases) {
      expect(located(inputWith(`type: unix_dgram\n    group: g\n    path: "${path}"\n`)), path).toEqual([`4:11: inputs[0].path: ${message}`]);
    }
    expect(parse(inputWith(`{ type: pipe, group: g, path: /${'x'.repeat(106)} }\n`)).inputs[0]).toMatchObject({ type: 'pipe' });
  });

  it('shipper config - mode is a quoted octal string, with a hint for an unquoted 0660', () => {
    expect(located(inputWith('type: unix\n    group: g\n    path: /a\n    mode: 0660\n'))).toEqual([
      '5:11: inputs[0].mode: must be an octal mode string such as "0755" (got 660); quote it, as YAML reads an unquoted 0755 as the number 755',
    ]);
    expect(located(inputWith('type: unix\n    group: g\n    path: /a\n    mode: "0999"\n'))).toEqual(['5:11: inputs[0].mode: must be an octal mode string such as "0755" (got "0999")']);
  });

  it('shipper config - max_connections, idle_timeout_ms, checkpoint_interval_ms and body_max_bytes have ranges', () => {
    expect(located(inputWith('type: tcp\n    group: g\n    listen: "127.0.0.1:1"\n    max_connections: 0\n    idle_timeout_ms: 604800001\n'))).toEqual([
      '5:22: inputs[0].max_connections: must be >= 1 (got 0)',
      '6:22: inputs[0].idle_timeout_ms: must be <= 604800000 (got 604800001)',
    ]);
    expect(located(inputWith('type: file\n    group: g\n    paths: [/a]\n    checkpoint_interval_ms: 0\n    start_at: middle\n'))).toEqual([
      '5:29: inputs[0].checkpoint_interval_ms: must be >= 1 (got 0)',
      '6:15: inputs[0].start_at: must be one of "beginning", "end" (got "middle")',
    ]);
    expect(located(inputWith('type: http\n    group: g\n    listen: "127.0.0.1:1"\n    body_max_bytes: 268435457\n'))).toEqual([
      '5:21: inputs[0].body_max_bytes: must be <= 268435456 (got 268435457)',
    ]);
  });

  it('shipper config - framing is newline, octet_counted or auto', () => {
    expect(located(inputWith('type: syslog_tcp\n    group: g\n    listen: "127.0.0.1:1"\n    framing: lf\n'))).toEqual([
      '5:14: inputs[0].framing: must be one of "newline", "octet_counted", "auto" (got "lf")',
    ]);
  });

  it('shipper config - file paths: 1..64 absolute paths or globs', () => {
    expect(located(inputWith('{ type: file, group: g, paths: [] }\n'))).toEqual(['2:36: inputs[0].paths: must list 1..64 absolute paths or globs (got a list)']);
    const many = Array.from({ length: 65 }, (_, index) => `/l/${index}`).join(', ');
    expect(located(inputWith(`{ type: file, group: g, paths: [${many}] }\n`))).toEqual(['2:36: inputs[0].paths: must list 1..64 absolute paths or globs (got a list)']);
    expect(located(inputWith('{ type: file, group: g, paths: [a.log, "/b\\0", /c/, 5] }\n'))).toEqual([
      '2:37: inputs[0].paths[0]: must be an absolute path or glob (got "a.log")',
      '2:44: inputs[0].paths[1]: must not contain NUL',
      '2:52: inputs[0].paths[2]: must name files, not end with "/" (for every file of a directory, write "/dir/*")',
      '2:57: inputs[0].paths[3]: must be a string (got 5)',
    ]);
    expect(located(inputWith('{ type: file, group: g, paths: /var/log/a.log }\n'))).toEqual(['2:36: inputs[0].paths: must be a list (got "/var/log/a.log")']);
  });

  it('shipper config - listen of tcp, syslog_tcp, syslog_udp and http is HOST:PORT, never off or a bare port', () => {
    const cases: [string, string][] = [
      ['off', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140" (got "off")'],
      ['"5140"', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140" (got "5140")'],
      ['5140', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140"; a bare port is not enough (got 5140)'],
      ['"::1:514"', 'IPv6 hosts go in brackets, e.g. [::1]:514'],
      ['"host:65536"', 'port "65536" must be an integer 0..65535'],
      ['":514"', 'host must not be empty (use 0.0.0.0 for every interface)'],
      ['[a]', 'must be a string (got a list)'],
      ['"tcp:127.0.0.1:514"', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140", without "tcp:" (the input\'s type says which protocol it uses)'],
      ['"unix:/run/a.sock"', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140": a TYPE input listens on TCP or UDP (unix sockets are for the unix, unix_dgram, syslog_unix, syslog_unix_dgram, pipe and spread inputs)'],
      [`"${'h'.repeat(301)}:1"`, 'must not be longer than 300 characters'],
    ];
    for (const type of ['tcp', 'syslog_tcp', 'syslog_udp', 'http']) {
      for (const [listen, message] of cases) {
        const expected = message.replace('a TYPE', type === 'http' ? 'an http' : `a ${type}`);
        expect(located(inputWith(`type: ${type}\n    group: g\n    listen: ${listen}\n`)), `${type} ${listen}`).toEqual([`4:13: inputs[0].listen: ${expected}`]);
      }
    }
  });

  it('shipper config - a spread input listens on a port, HOST:PORT or unix:/path', () => {
    for (const listen of ['4803', '1', '65535', '0.0.0.0:4803', '[::1]:4803', 'unix:/run/spread.sock']) {
      expect(parse(`${EMBEDDED}${inputWith(`{ type: spread, listen: "${listen}" }\n`)}`).inputs[0], listen).toMatchObject({ listen });
    }
    const cases: [string, string][] = [
      ['0', 'port "0" must be 1..65535'],
      ['65536', 'port "65536" must be 1..65535'],
      ['"4803@logbox"', 'must be a port ("4803" = TCP 127.0.0.1:4803 and unix socket /tmp/4803), HOST:PORT, [IPv6]:PORT or unix:/path (got "4803@logbox")'],
      ['"unix:run/x"', 'the unix socket path must be an absolute path (got "run/x")'],
      [`"unix:/${'x'.repeat(107)}"`, 'the unix socket path is 108 bytes long; a unix socket path holds at most 107 bytes (the sun_path limit), so choose a shorter one'],
      ['"off"', 'must be a port ("4803" = TCP 127.0.0.1:4803 and unix socket /tmp/4803), HOST:PORT, [IPv6]:PORT or unix:/path (got "off")'],
      ['1.5', 'must be a string (got 1.5)'],
      ['"/tmp/4803"', 'a unix socket is written unix:/path (got "/tmp/4803")'],
      ['"tcp:0.0.0.0:4803"', 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140", without "tcp:" (the input\'s type says which protocol it uses)'],
    ];
    for (const [listen, message] of cases) {
      expect(located(`${EMBEDDED}${inputWith(`type: spread\n    listen: ${listen}\n`)}`), listen).toEqual([`4:13: inputs[0].listen: ${message}`]);
    }
  });

  it('shipper config - spreadInputListeners spells out where a spread input listens', () => {
    expect(spreadInputListeners('4803')).toEqual([
      { kind: 'tcp', host: '127.0.0.1', port: 4803 },
      { kind: 'unix', path: '/tmp/4803' },
    ]);
    expect(spreadInputListeners('[::1]:4803')).toEqual([{ kind: 'tcp', host: '::1', port: 4803 }]);
    expect(spreadInputListeners('unix:/run/s.sock')).toEqual([{ kind: 'unix', path: '/run/s.sock' }]);
    expect(spreadInputListeners('nonsense')).toEqual([]);
  });
});

describe('shipper config - across inputs', () => {
  it('shipper config - input names are unique, default names included', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: unix, name: www, group: a, path: /run/a.sock }',
      '  - { type: unix, name: www, group: a, path: /run/b.sock }',
      '  - { type: unix, group: a, path: /run/c.sock }',
      '  - { type: unix, name: unix-2, group: a, path: /run/d.sock }',
      '  - { type: unix, name: unix-5, group: a, path: /run/e.sock }',
      '  - { type: unix, group: a, path: /run/f.sock }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '5:25: inputs[1].name: duplicate input name "www" (also inputs[0])',
      '7:25: inputs[3].name: duplicate input name "unix-2" (the default name of inputs[2], which has none)',
      '9:5: inputs[5]: has no name, and its default name "unix-5" is taken by inputs[4]; give it a name',
    ]);
  });

  it('shipper config - no two inputs share a socket path', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: unix, group: a, path: /run/a.sock }',
      '  - { type: syslog_unix_dgram, group: a, path: /run/./a.sock }',
      '  - { type: pipe, group: a, path: /tmp/4803 }',
      '  - { type: spread, listen: "4803" }',
      '  - { type: spread, listen: "unix:/run//a.sock" }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '5:48: inputs[1].path: unix socket /run/a.sock is also taken by inputs[0].path; each input needs its own',
      '7:29: inputs[3].listen: "4803" listens on TCP 127.0.0.1:4803 and unix socket /tmp/4803; unix socket /tmp/4803 is also taken by inputs[2].path; each input needs its own',
      '8:29: inputs[4].listen: unix socket /run/a.sock is also taken by inputs[0].path; each input needs its own',
    ]);
  });

  it('shipper config - no two inputs share a TCP or UDP address; TCP and UDP may share a port', () => {
    const text = [
      EMBEDDED,
      'inputs:',
      '  - { type: syslog_tcp, group: a, listen: "127.0.0.1:514" }',
      '  - { type: syslog_udp, group: a, listen: "127.0.0.1:514" }',
      '  - { type: tcp, group: a, listen: "0.0.0.0:514" }',
      '  - { type: http, group: a, listen: "[::]:8080" }',
      '  - { type: tcp, group: a, listen: "10.0.0.1:8080" }',
      '  - { type: syslog_udp, group: a, listen: "localhost:514" }',
      '  - { type: spread, listen: "514" }',
      '  - { type: tcp, group: a, listen: "127.0.0.1:0" }',
      '  - { type: tcp, group: a, listen: "127.0.0.1:0" }',
      '  - { type: tcp, group: a, listen: "[::1]:600" }',
      '  - { type: tcp, group: a, listen: "[0:0::1]:600" }',
      '  - { type: tcp, group: a, listen: "10.0.0.1:700" }',
      '  - { type: tcp, group: a, listen: "10.0.0.2:700" }',
      '  - { type: tcp, group: a, listen: "LogHost:800" }',
      '  - { type: tcp, group: a, listen: "loghost:800" }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '6:36: inputs[2].listen: TCP 0.0.0.0:514 overlaps TCP 127.0.0.1:514 of inputs[0].listen; each input needs its own',
      '8:36: inputs[4].listen: TCP 10.0.0.1:8080 overlaps TCP [::]:8080 of inputs[3].listen; each input needs its own',
      '9:43: inputs[5].listen: UDP localhost:514 overlaps UDP 127.0.0.1:514 of inputs[1].listen; each input needs its own',
      '10:29: inputs[6].listen: "514" listens on TCP 127.0.0.1:514 and unix socket /tmp/514; TCP 127.0.0.1:514 is also taken by inputs[0].listen; each input needs its own',
      '14:36: inputs[10].listen: TCP [0:0::1]:600 overlaps TCP [::1]:600 of inputs[9].listen; each input needs its own',
      '18:36: inputs[14].listen: TCP loghost:800 overlaps TCP LogHost:800 of inputs[13].listen; each input needs its own',
    ]);
  });

  it('shipper config - an input may not take admin.listen', () => {
    expect(located(inputWith('{ type: http, group: g, listen: "0.0.0.0:9181" }\n'))).toEqual([
      '2:37: inputs[0].listen: TCP 0.0.0.0:9181 is also taken by admin.listen (TCP 127.0.0.1:9181); move one of them',
    ]);
    expect(located(`admin: { listen: "[::]:7000" }\n${inputWith('{ type: tcp, group: g, listen: "127.0.0.1:7000" }\n')}`)).toEqual([
      '3:36: inputs[0].listen: TCP 127.0.0.1:7000 is also taken by admin.listen (TCP [::]:7000); move one of them',
    ]);
    expect(parse(`admin: { listen: off }\n${inputWith('{ type: http, group: g, listen: "127.0.0.1:9181" }\n')}`).admin.listen).toBe('off');
    expect(parse(inputWith('{ type: syslog_udp, group: g, listen: "127.0.0.1:9181" }\n')).inputs).toHaveLength(1);
  });

  it('shipper config - an input may not take the address of shipper.daemon', () => {
    const loop = 'is where shipper.daemon ("4803") connects, so the shipper would send its lines to itself; point shipper.daemon at another daemon (e.g. "4804", "4803@logbox" or "embedded")';
    expect(located(inputWith('{ type: spread, listen: 4803 }\n'))).toEqual([`2:29: inputs[0].listen: unix socket /tmp/4803 ${loop}`]);
    expect(located(inputWith('{ type: unix, group: g, path: /tmp/4803 }\n'))).toEqual([`2:35: inputs[0].path: unix socket /tmp/4803 ${loop}`]);
    expect(located(`shipper: { daemon: "4803@localhost" }\n${inputWith('{ type: spread, listen: "4803" }\n')}`)).toEqual([
      '3:29: inputs[0].listen: TCP 127.0.0.1:4803 is where shipper.daemon ("4803@localhost") connects, so the shipper would send its lines to itself; point shipper.daemon at another daemon (e.g. "4804", "4803@logbox" or "embedded")',
    ]);
    expect(located(`shipper: { daemon: "unix:/run/s.sock" }\n${inputWith('{ type: spread, listen: "unix:/run/s.sock" }\n')}`)).toHaveLength(1);
    for (const daemon of ['4804', '4803@logbox', 'embedded', 'tcp:10.0.0.9:4803']) {
      expect(parse(`shipper: { daemon: "${daemon}" }\n${inputWith('{ type: spread, listen: "4803" }\n')}`).shipper.daemon).toBe(daemon);
    }
  });

  it('shipper config - no file is listed twice, within or across file inputs', () => {
    const text = [
      'inputs:',
      '  - { type: file, group: a, paths: [/var/log/a.log, /var/log/*.log, /var/log/./a.log] }',
      '  - { type: file, group: b, paths: [/var//log/*.log] }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '2:69: inputs[0].paths[2]: "/var/log/./a.log" is also listed by inputs[0].paths[0]; a file followed twice is shipped twice',
      '3:37: inputs[1].paths[0]: "/var//log/*.log" is also listed by inputs[0].paths[1]; a file followed twice is shipped twice',
    ]);
  });

  it('shipper config - at most 64 inputs', () => {
    const inputs = (count: number) => Array.from({ length: count }, (_, index) => `  - { type: unix, group: g, path: /run/${index}.sock }`).join('\n');
    expect(parse(`inputs:\n${inputs(64)}\n`).inputs).toHaveLength(64);
    expect(located(`inputs:\n${inputs(65)}\n`)).toEqual(['2:3: inputs: must list at least one input (and at most 64) (got a list)']);
  });
});

describe('shipper config - from a value', () => {
  it('shipper config - shipperConfigFromValue validates a plain value without changing it', () => {
    const value = { inputs: [{ type: 'unix', group: 'g', path: '/run/a.sock' }] };
    const config = shipperConfigFromValue(value);
    expect(config.inputs[0]?.name).toBe('unix-0');
    expect(value.inputs[0]).toEqual({ type: 'unix', group: 'g', path: '/run/a.sock' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(problemsOf(() => shipperConfigFromValue({ inputs: [{ type: 'unix', group: 'g', path: 'a' }] }, 'flags'))).toEqual([
      { file: 'flags', line: 1, column: 1, path: 'inputs[0].path', message: 'must be an absolute path (got "a")' },
    ]);
  });

  it('shipper config - a spread listen given as a number is the Spread name, in a value too', () => {
    expect(shipperConfigFromValue({ shipper: { daemon: 4804 }, inputs: [{ type: 'spread', listen: 4803 }] }).inputs[0]).toMatchObject({ listen: '4803' });
  });
});
