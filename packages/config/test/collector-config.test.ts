import { describe, expect, it } from 'vitest';
import {
  ADMIN_SECTION_DEFAULTS,
  COLLECTOR_LOG_SECTION_DEFAULTS,
  COLLECTOR_SECTION_DEFAULTS,
  collectorConfigFromValue,
  OUTPUT_SECTION_DEFAULTS,
  parseCollectorConfigYaml,
  SPLIT_SECTION_DEFAULTS,
} from '../src/index.ts';
import { problemsOf } from './helpers.ts';

/** One valid log; tests append keys to it or add sections before it. */
const LOG = 'logs:\n  - name: www\n    groups: [www]\n    file: /var/log/www.log\n';

const parse = (text: string) => parseCollectorConfigYaml(text, 'c.yaml');

/** `line:column: path: message` for every problem. */
function located(text: string): string[] {
  return problemsOf(() => parse(text)).map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`);
}

/** A config whose first log has `lines` (indented for the log mapping) in place of its output. */
function logWith(lines: string, output = '    file: /var/log/www.log\n'): string {
  return `logs:\n  - name: www\n    groups: [www]\n${output}${lines}`;
}

describe('collector config - YAML', () => {
  it('collector config - a file with one log gets every default', () => {
    const config = parse(LOG);
    expect(config.collector).toEqual(COLLECTOR_SECTION_DEFAULTS);
    expect(config.admin).toEqual(ADMIN_SECTION_DEFAULTS);
    expect(config.log).toEqual(COLLECTOR_LOG_SECTION_DEFAULTS);
    expect(config.output).toEqual(OUTPUT_SECTION_DEFAULTS);
    expect(config.logs).toEqual([{ name: 'www', groups: ['www'], file: '/var/log/www.log', match: [], rewrite_timestamp: 'none' }]);
  });

  it('collector config - the documented defaults', () => {
    expect(COLLECTOR_SECTION_DEFAULTS).toEqual({
      name: 'rlcollect',
      daemon: '4803',
      embedded_config: '',
      embedded_name: '',
      reconnect_initial_delay_ms: 100,
      reconnect_max_delay_ms: 5000,
      state_dir: '/var/lib/ringlog-collector',
      ack_group: 'ringlog-acks',
    });
    expect(ADMIN_SECTION_DEFAULTS.listen).toBe('127.0.0.1:9180');
    expect(OUTPUT_SECTION_DEFAULTS).toEqual({
      max_open_files: 1024,
      idle_close_ms: 60000,
      flush_interval_ms: 10,
      fsync: 'interval',
      fsync_interval_ms: 1000,
      dir_mode: '0755',
      file_mode: '0644',
      max_pending_bytes: 268435456,
    });
  });

  it('collector config - split and rotate get their defaults', () => {
    const config = parse(logWith('    rotate: { size: 10M }\n', '    split: { root: /var/log/www, path: "{vhost}/access.log" }\n'));
    expect(config.logs[0]?.split).toEqual({ root: '/var/log/www', path: '{vhost}/access.log', ...SPLIT_SECTION_DEFAULTS });
    expect(config.logs[0]?.rotate).toEqual({ size: '10M', compress: 'none' });
  });

  it('collector config - reads every key', () => {
    const text = [
      'collector: { name: web1, daemon: 4803@loghost, embedded_config: /etc/ringlogd.yaml, embedded_name: box1, reconnect_initial_delay_ms: 50, reconnect_max_delay_ms: 50 }',
      'admin: { listen: "[::1]:9000" }',
      'log: { level: debug, file: /var/log/collector.log }',
      'output: { max_open_files: 10, idle_close_ms: 0, flush_interval_ms: 5, fsync: always, fsync_interval_ms: 10, dir_mode: "750", file_mode: "0640", max_pending_bytes: 0 }',
      'logs:',
      '  - name: a',
      '    groups: [a, b]',
      '    split: { root: /srv/logs, path: "{group}/{vhost}/%Y-%m-%d.log", strip_vhost: false, catch_all: "_{log}/other.log", max_vhosts: 1, vhost_max_length: 64 }',
      '    match: ["^GET ", "POST"]',
      '    unmatched_file: /srv/logs/unmatched.log',
      '    rewrite_timestamp: "%d/%b/%Y:%H:%M:%S %z"',
      '    rotate: { interval: 6h, compress: gzip, max_files: 3, max_size: 1G }',
      '  - name: b.pipe',
      '    groups: [c]',
      '    pipe: "logger -t web"',
      '',
    ].join('\n');
    const config = parse(text);
    expect(config.collector.daemon).toBe('4803@loghost');
    expect(config.admin.listen).toBe('[::1]:9000');
    expect(config.output.dir_mode).toBe('750');
    expect(config.logs[0]?.split?.catch_all).toBe('_{log}/other.log');
    expect(config.logs[0]?.rotate).toEqual({ interval: '6h', compress: 'gzip', max_files: 3, max_size: '1G' });
    expect(config.logs[1]).toEqual({ name: 'b.pipe', groups: ['c'], pipe: 'logger -t web', match: [], rewrite_timestamp: 'none' });
  });

  it('collector config - the result is deep-frozen', () => {
    const config = parse(LOG);
    expect(Object.isFrozen(config.logs)).toBe(true);
    expect(Object.isFrozen(config.logs[0]?.groups)).toBe(true);
    expect(() => (config.logs[0]?.groups as string[]).push('x')).toThrow(TypeError);
    expect(Object.isFrozen(COLLECTOR_SECTION_DEFAULTS)).toBe(false);
  });

  it('collector config - every problem is reported at once, in file order', () => {
    expect(located('collector: { name: "a b" }\nadmin: { listen: nowhere }\nlogs: []\ncolour: red\n')).toEqual([
      '1:20: collector.name: must be a Spread private name: 1..10 characters in 0x24..0x7e (no "#", no whitespace) (got "a b")',
      '2:18: admin.listen: must be "off", HOST:PORT or [IPv6]:PORT',
      '3:7: logs: must list at least one log (and at most 1000) (got a list)',
      '4:1: colour: unknown key',
    ]);
  });

  it('collector config - logs is required', () => {
    expect(located('collector: {}\n')).toEqual(['1:1: (root): missing required key "logs"']);
    expect(located('')).toEqual(['1:1: (root): missing required key "logs"']);
  });

  it('collector config - unknown keys point at the key and suggest a near one', () => {
    expect(located(logWith('    rewrite_timestamps: clf\n'))).toEqual(['5:5: logs[0].rewrite_timestamps: unknown key (did you mean "rewrite_timestamp"?)']);
  });
});

describe('collector config - collector section', () => {
  it('collector config - name is a Spread private name of 1..10 characters', () => {
    const message = 'must be a Spread private name: 1..10 characters in 0x24..0x7e (no "#", no whitespace)';
    expect(located(`collector:\n  name: "a#b"\n${LOG}`)).toEqual([`2:9: collector.name: ${message} (got "a#b")`]);
    expect(located(`collector:\n  name: abcdefghijk\n${LOG}`)).toEqual([`2:9: collector.name: ${message} (got "abcdefghijk")`]);
    expect(located(`collector:\n  name: ""\n${LOG}`)).toEqual([`2:9: collector.name: ${message} (got "")`]);
    expect(parse(`collector:\n  name: abcdefghij\n${LOG}`).collector.name).toBe('abcdefghij');
  });

  it('collector config - daemon accepts embedded, PORT, PORT@HOST and socket paths', () => {
    for (const daemon of ['embedded', '4803', '1', '65535', '4803@loghost', '4803@10.0.0.1', '4803@::1', '/tmp/4803', 'unix:/run/spread.sock', 'tcp:loghost:4803', 'tcp:[::1]:4803']) {
      expect(parse(`collector: { daemon: "${daemon}" }\n${LOG}`).collector.daemon).toBe(daemon);
    }
  });

  it('collector config - an unquoted port is read as the Spread name it means', () => {
    expect(parse(`collector:\n  daemon: 4803\n${LOG}`).collector.daemon).toBe('4803');
    expect(located(`collector:\n  daemon: 0\n${LOG}`)).toEqual([
      '2:11: collector.daemon: must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "0" is not 1..65535)',
    ]);
    expect(located(`collector:\n  daemon: 1.5\n${LOG}`)).toEqual(['2:11: collector.daemon: must be a string (got 1.5)']);
  });

  it('collector config - a bad daemon is located with its reason', () => {
    const cases: [string, string][] = [
      ['x', 'must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "x" is not 1..65535)'],
      ['0', 'must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "0" is not 1..65535)'],
      ['70000', 'must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "70000" is not 1..65535)'],
      ['4803@', 'has an empty host after "@"'],
      ['4803@bad host', 'host "bad host" is neither an IP address nor a host name'],
      ['unix:tmp/4803', 'unix socket path "tmp/4803" must be absolute'],
      [`/${'x'.repeat(120)}`, 'unix socket path is longer than 107 bytes'],
      ['tcp:loghost', 'must be tcp:HOST:PORT'],
      ['Embedded', 'must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port "Embedded" is not 1..65535)'],
    ];
    for (const [daemon, message] of cases) {
      expect(located(`collector:\n  daemon: "${daemon}"\n${LOG}`), daemon).toEqual([`2:11: collector.daemon: ${message}`]);
    }
  });

  it('collector config - embedded_name is empty or a daemon name', () => {
    expect(located(`collector:\n  embedded_name: "two words"\n${LOG}`)).toEqual([
      '2:18: collector.embedded_name: must be empty or a daemon name of 1..19 characters in 0x24..0x7e (got "two words")',
    ]);
  });

  it('collector config - the reconnect delays are positive and the maximum is not below the first', () => {
    expect(located(`collector:\n  reconnect_initial_delay_ms: 1000\n  reconnect_max_delay_ms: 999\n${LOG}`)).toEqual([
      '3:27: collector.reconnect_max_delay_ms: must be at least reconnect_initial_delay_ms (1000)',
    ]);
    expect(located(`collector:\n  reconnect_initial_delay_ms: 0\n${LOG}`)).toEqual(['2:31: collector.reconnect_initial_delay_ms: must be >= 1 (got 0)']);
  });

  it('collector config - embedded_config must not hold NUL', () => {
    expect(located(`collector:\n  embedded_config: "/etc/a\\0b"\n${LOG}`)).toEqual(['2:20: collector.embedded_config: must not contain NUL']);
  });
});

describe('collector config - admin, log and output sections', () => {
  it('collector config - admin.listen is off, HOST:PORT or [IPv6]:PORT', () => {
    for (const listen of ['off', '127.0.0.1:9180', '0.0.0.0:0', 'localhost:9180', '[::1]:9180']) {
      expect(parse(`admin: { listen: "${listen}" }\n${LOG}`).admin.listen).toBe(listen);
    }
    const cases: [string, string][] = [
      ['9180', 'must be "off", HOST:PORT or [IPv6]:PORT'],
      ['::1:9180', 'IPv6 hosts go in brackets, e.g. [::1]:9180'],
      ['[10.0.0.1]:80', '"10.0.0.1" is not an IPv6 address'],
      ['host:70000', 'port "70000" must be an integer 0..65535'],
      [':80', 'host must not be empty (use 0.0.0.0 for every interface)'],
      ['bad_host!:80', 'host "bad_host!" is neither an IP address nor a host name'],
      ['OFF', 'must be "off", HOST:PORT or [IPv6]:PORT'],
    ];
    for (const [listen, message] of cases) {
      expect(located(`admin:\n  listen: "${listen}"\n${LOG}`), listen).toEqual([`2:11: admin.listen: ${message}`]);
    }
  });

  it('collector config - log.level is a pino level and log.file has no NUL', () => {
    expect(located(`log:\n  level: verbose\n  file: "a\\0"\n${LOG}`)).toEqual([
      '2:10: log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
      '3:9: log.file: must not contain NUL',
    ]);
  });

  it('collector config - output numbers have ranges', () => {
    expect(located(`output:\n  max_open_files: 0\n  idle_close_ms: -1\n  flush_interval_ms: 60001\n  fsync_interval_ms: 0\n  max_pending_bytes: 1.5\n${LOG}`)).toEqual([
      '2:19: output.max_open_files: must be >= 1 (got 0)',
      '3:18: output.idle_close_ms: must be >= 0 (got -1)',
      '4:22: output.flush_interval_ms: must be <= 60000 (got 60001)',
      '5:22: output.fsync_interval_ms: must be >= 1 (got 0)',
      '6:22: output.max_pending_bytes: must be an integer (got 1.5)',
    ]);
    expect(located(`output:\n  max_open_files: 1000001\n${LOG}`)).toEqual(['2:19: output.max_open_files: must be <= 1000000 (got 1000001)']);
    expect(located(`output:\n  fsync: sometimes\n${LOG}`)).toEqual(['2:10: output.fsync: must be one of "never", "interval", "always" (got "sometimes")']);
  });

  it('collector config - modes are quoted octal strings, with a hint for an unquoted 0755', () => {
    expect(located(`output:\n  dir_mode: 0755\n  file_mode: "0855"\n${LOG}`)).toEqual([
      '2:13: output.dir_mode: must be an octal mode string such as "0755" (got 755); quote it, as YAML reads an unquoted 0755 as the number 755',
      '3:14: output.file_mode: must be an octal mode string such as "0755" (got "0855")',
    ]);
    expect(located(`output:\n  dir_mode: "07555"\n${LOG}`)).toEqual(['2:13: output.dir_mode: must be an octal mode string such as "0755" (got "07555")']);
  });
});

describe('collector config - logs', () => {
  it('collector config - log names are plain and unique', () => {
    expect(located('logs:\n  - { name: "www log", groups: [a], file: /a }\n')).toEqual([
      '2:13: logs[0].name: must be 1..64 letters, digits, "_", "." or "-" (got "www log")',
    ]);
    expect(located('logs:\n  - { name: w, groups: [a], file: /a }\n  - { name: w, groups: [b], file: /b }\n')).toEqual([
      '3:13: logs[1].name: duplicate log name "w" (also logs[0])',
    ]);
    expect(located('logs:\n  - { groups: [a], file: /a }\n')).toEqual(['2:5: logs[0]: missing required key "name"']);
  });

  it('collector config - groups: 1..64 legal Spread group names, no duplicates', () => {
    const message = 'must be a Spread group name: 1..31 characters in 0x24..0x7e (no "#", no whitespace)';
    expect(located(logWith('', '    file: /a\n').replace('groups: [www]', 'groups: []'))).toEqual(['3:13: logs[0].groups: must list 1..64 groups (got a list)']);
    expect(located(logWith('', '    file: /a\n').replace('groups: [www]', `groups: [${Array.from({ length: 65 }, (_, index) => `g${index}`).join(', ')}]`))).toEqual([
      '3:13: logs[0].groups: must list 1..64 groups (got a list)',
    ]);
    expect(located(logWith('', '    file: /a\n').replace('groups: [www]', `groups: ["#user#host", "a b", ${'x'.repeat(32)}, www, www]`))).toEqual([
      `3:14: logs[0].groups[0]: ${message} (got "#user#host")`,
      `3:28: logs[0].groups[1]: ${message} (got "a b")`,
      `3:35: logs[0].groups[2]: ${message} (got "${'x'.repeat(32)}")`,
      '3:74: logs[0].groups[4]: duplicate group "www" (also groups[3])',
    ]);
    expect(parse(logWith('', '    file: /a\n').replace('groups: [www]', `groups: [${'x'.repeat(31)}]`)).logs[0]?.groups[0]).toHaveLength(31);
  });

  it('collector config - exactly one of file, split and pipe', () => {
    expect(located('logs:\n  - name: a\n    groups: [a]\n')).toEqual(['2:5: logs[0]: needs one output: file, split or pipe']);
    expect(located(logWith('    pipe: cat\n'))).toEqual(['5:11: logs[0].pipe: has file and pipe; a log writes to exactly one of file, split or pipe']);
    expect(located(logWith('    split: { root: /a, path: "{vhost}" }\n'))).toEqual([
      '5:12: logs[0].split: has file and split; a log writes to exactly one of file, split or pipe',
    ]);
  });

  it('collector config - file and unmatched_file are absolute paths without NUL', () => {
    expect(located(logWith('', '    file: www.log\n'))).toEqual(['4:11: logs[0].file: must be an absolute path (got "www.log")']);
    expect(located(logWith('', '    file: "/var/log/\\0"\n'))).toEqual(['4:11: logs[0].file: must not contain NUL']);
    expect(located(logWith('', '    file: /var/log/\n'))).toEqual(['4:11: logs[0].file: must name a file, not end with "/"']);
    expect(located(logWith('    match: [x]\n    unmatched_file: other.log\n'))).toEqual(['6:21: logs[0].unmatched_file: must be an absolute path (got "other.log")']);
  });

  it('collector config - unmatched_file only with match', () => {
    expect(located(logWith('    unmatched_file: /var/log/other.log\n'))).toEqual([
      '5:21: logs[0].unmatched_file: is only used with match (without match every line passes)',
    ]);
  });

  it('collector config - no two outputs write the same file', () => {
    const text = [
      'logs:',
      '  - { name: a, groups: [a], file: /var/log/a.log, match: [x], unmatched_file: /var/log/a.log }',
      '  - { name: b, groups: [b], file: /var/log//a.log }',
      '  - { name: c, groups: [c], file: /var/log/c.log, match: [x], unmatched_file: /var/log/./b/../c.log }',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      '2:79: logs[0].unmatched_file: "/var/log/a.log" is also written by logs[0].file; each file has one writer',
      '3:35: logs[1].file: "/var/log//a.log" is also written by logs[0].file; each file has one writer',
      '4:79: logs[2].unmatched_file: "/var/log/./b/../c.log" is also written by logs[2].file; each file has one writer',
    ]);
  });

  it('collector config - a pipe is a non-empty command of at most 4096 characters', () => {
    expect(located(logWith('', '    pipe: "  "\n'))).toEqual(['4:11: logs[0].pipe: must be a shell command, not empty']);
    expect(located(logWith('', '    pipe: "cat\\0"\n'))).toEqual(['4:11: logs[0].pipe: must not contain NUL']);
    expect(located(logWith('', `    pipe: ${'x'.repeat(4097)}\n`))).toEqual(['4:11: logs[0].pipe: must NOT have more than 4096 characters']);
  });

  it('collector config - match entries compile as JavaScript regular expressions', () => {
    expect(located(logWith('    match:\n      - "^ok"\n      - "(unclosed"\n      - "[z-a]"\n'))).toEqual([
      '7:9: logs[0].match[1]: is not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
      '8:9: logs[0].match[2]: is not a valid regular expression: Invalid regular expression: /[z-a]/: Range out of order in character class',
    ]);
    expect(located(logWith(`    match: ["${'a'.repeat(4097)}"]\n`))).toEqual(['5:13: logs[0].match[0]: must NOT have more than 4096 characters']);
    expect(parse(logWith(`    match: ["${'a'.repeat(4096)}"]\n`)).logs[0]?.match[0]).toHaveLength(4096);
  });

  it('collector config - rewrite_timestamp is none, clf or a strftime pattern with a known conversion', () => {
    for (const value of ['none', 'clf', '%d/%b/%Y:%H:%M:%S %z', '%s%%'.replace('%s', '%Y')]) {
      expect(parse(logWith(`    rewrite_timestamp: "${value}"\n`)).logs[0]?.rewrite_timestamp).toBe(value);
    }
    const cases: [string, string][] = [
      ['CLF', 'must be "none", "clf" or a strftime pattern with at least one % conversion (got "CLF")'],
      ['100%%', 'must be "none", "clf" or a strftime pattern with at least one % conversion (got "100%%")'],
      ['%Y-%Q', '"%Q" is not a known strftime conversion (known: %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %z %Z %%)'],
      ['%Y %', 'ends with a lone "%" (write "%%" for a percent sign)'],
      ['[%Y]', 'must not contain "[" or "]": the pattern replaces the text between the brackets, which stay'],
      ['%Y\\t', 'must not contain control characters'],
    ];
    for (const [value, message] of cases) {
      expect(located(logWith(`    rewrite_timestamp: "${value}"\n`)), value).toEqual([`5:24: logs[0].rewrite_timestamp: ${message}`]);
    }
  });
});

describe('collector config - split', () => {
  const split = (keys: string): string => logWith('', `    split:\n      root: /var/log/www\n${keys}`);

  it('collector config - root is absolute and path is required', () => {
    expect(located(logWith('', '    split:\n      root: var/log\n      path: "{vhost}"\n'))).toEqual(['5:13: logs[0].split.root: must be an absolute path (got "var/log")']);
    expect(located(logWith('', '    split:\n      root: /var/log\n'))).toEqual(['5:7: logs[0].split: missing required key "path"']);
  });

  it('collector config - path is relative, contains {vhost}, and stays under root', () => {
    const cases: [string, string][] = [
      ['/abs/{vhost}', 'must be relative to split.root, not an absolute path'],
      ['{vhost}/../x', 'must not contain a ".." segment (files stay under split.root)'],
      ['..', 'must not contain a ".." segment (files stay under split.root)'],
      ['{vhost}\\\\x', 'must not contain "\\" (use "/" between directories)'],
      ['{vhost}\\0', 'must not contain NUL'],
      ['access.log', 'must contain {vhost}'],
      ['{host}/access.log', 'unknown placeholder "{host}" (known: {vhost} {group} {log})'],
      ['{vhost/access.log', 'has an unbalanced "{" or "}" (placeholders are {vhost} {group} {log})'],
      ['{vhost}/%Y/%q.log', '"%q" is not a known strftime conversion (known: %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %z %Z %%)'],
      ['{vhost}/x%', 'ends with a lone "%" (write "%%" for a percent sign)'],
      ['{vhost}/', 'must name a file, not end with "/"'],
      ['', 'must not be empty'],
    ];
    for (const [path, message] of cases) {
      expect(located(split(`      path: "${path}"\n`)), path).toEqual([`6:13: logs[0].split.path: ${message}`]);
    }
    for (const path of ['{vhost}', '{vhost}/access.log', '{group}/{log}/{vhost}-%Y%m%d.log', 'a..b/{vhost}', './{vhost}/100%%.log']) {
      expect(parse(split(`      path: "${path}"\n`)).logs[0]?.split?.path, path).toBe(path);
    }
  });

  it('collector config - catch_all follows the same rules but must not contain {vhost}', () => {
    expect(located(split('      path: "{vhost}"\n      catch_all: "{vhost}.log"\n'))).toEqual([
      '7:18: logs[0].split.catch_all: must not contain {vhost} (it takes the lines that have no usable vhost)',
    ]);
    expect(located(split('      path: "{vhost}"\n      catch_all: /var/log/other.log\n'))).toEqual([
      '7:18: logs[0].split.catch_all: must be relative to split.root, not an absolute path',
    ]);
    expect(parse(split('      path: "{vhost}"\n      catch_all: "_{log}/other-%Y.log"\n')).logs[0]?.split?.catch_all).toBe('_{log}/other-%Y.log');
    expect(located(split('      path: "{vhost}"\n      catch_all: fallback.log\n'))).toEqual([
      '7:18: logs[0].split.catch_all: must start with "_" (e.g. "_catchall/access.log"), so no vhost can have the same path (got "fallback.log")',
    ]);
  });

  it('collector config - max_vhosts and vhost_max_length have ranges', () => {
    expect(located(split('      path: "{vhost}"\n      max_vhosts: 0\n      vhost_max_length: 254\n'))).toEqual([
      '7:19: logs[0].split.max_vhosts: must be >= 1 (got 0)',
      '8:25: logs[0].split.vhost_max_length: must be <= 253 (got 254)',
    ]);
  });
});

describe('collector config - rotate', () => {
  it('collector config - rotate needs size or interval, and not a pipe', () => {
    expect(located(logWith('    rotate: { compress: gzip }\n'))).toEqual(['5:13: logs[0].rotate: needs size, interval or both']);
    expect(located(logWith('    rotate: { size: 1M }\n', '    pipe: cat\n'))).toEqual(['5:13: logs[0].rotate: applies to file and split outputs, not to pipe']);
  });

  it('collector config - sizes are a positive number with B, K, M or G', () => {
    const message = 'must be a whole number of bytes with a unit B, K, M or G, such as "100M"';
    for (const size of ['0M', '10', '10MB', '1.5G', '-1K', '10k']) {
      expect(located(logWith(`    rotate:\n      size: "${size}"\n`)), size).toEqual([`6:13: logs[0].rotate.size: ${message} (got "${size}")`]);
    }
    expect(located(logWith('    rotate:\n      size: 1M\n      max_size: 2T\n'))).toEqual([`7:17: logs[0].rotate.max_size: ${message} (got "2T")`]);
  });

  it('collector config - intervals follow rotating-file-stream: s and m divide 60, h divides 24', () => {
    for (const interval of ['30s', '15m', '60m', '6h', '24h', '1d', '7d']) {
      expect(parse(logWith(`    rotate: { interval: ${interval} }\n`)).logs[0]?.rotate?.interval).toBe(interval);
    }
    const cases: [string, string][] = [
      ['7m', '"7m" does not divide an hour evenly (rotating-file-stream needs seconds and minutes that divide 60, hours that divide 24)'],
      ['90s', '"90s" does not divide a minute evenly (rotating-file-stream needs seconds and minutes that divide 60, hours that divide 24)'],
      ['5h', '"5h" does not divide a day evenly (rotating-file-stream needs seconds and minutes that divide 60, hours that divide 24)'],
      ['1w', 'must be a whole number with a unit s, m, h or d, such as "1d" (got "1w")'],
      ['0d', 'must be a whole number with a unit s, m, h or d, such as "1d" (got "0d")'],
    ];
    for (const [interval, message] of cases) {
      expect(located(logWith(`    rotate:\n      interval: "${interval}"\n`)), interval).toEqual([`6:17: logs[0].rotate.interval: ${message}`]);
    }
  });

  it('collector config - max_files is an integer of at least 1', () => {
    expect(located(logWith('    rotate:\n      size: 1M\n      max_files: 0\n'))).toEqual(['7:18: logs[0].rotate.max_files: must be >= 1 (got 0)']);
  });
});

describe('collector config - from a value', () => {
  it('collector config - collectorConfigFromValue validates a plain value without changing it', () => {
    const value = { logs: [{ name: 'a', groups: ['a'], file: '/a' }] };
    const config = collectorConfigFromValue(value);
    expect(config.logs[0]?.match).toEqual([]);
    expect(value.logs[0]).toEqual({ name: 'a', groups: ['a'], file: '/a' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(problemsOf(() => collectorConfigFromValue({ logs: [{ name: 'a', groups: ['a'], file: 'a' }] }, 'flags'))).toEqual([
      { file: 'flags', line: 1, column: 1, path: 'logs[0].file', message: 'must be an absolute path (got "a")' },
    ]);
  });
});
