import { describe, expect, it } from 'vitest';
import { ConfigDaemonNotFoundError, collectorConfigFromValue, parseSpreadlogdConf, spreadlogdConfToCollectorConfig } from '../src/index.ts';
import type { SpreadlogdConversionOptions } from '../src/index.ts';
import { problemsOf } from './helpers.ts';

function convert(text: string, options: SpreadlogdConversionOptions = { baseDir: '/etc/sld' }) {
  return spreadlogdConfToCollectorConfig(parseSpreadlogdConf(text, '/etc/sld/spreadlogd.conf'), options);
}

/** `line:column: path: message` for every problem of the conversion. */
function located(text: string, options?: SpreadlogdConversionOptions): string[] {
  return problemsOf(() => convert(text, options)).map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`);
}

const warningsOf = (text: string, options?: SpreadlogdConversionOptions): string[] =>
  convert(text, options).warnings.map((warning) => `${warning.line}: ${warning.message}`);

describe('spreadlogd.conf conversion - daemon', () => {
  it('spreadlogd.conf conversion - Port alone is the local socket, Port and Host a TCP daemon, neither 4803', () => {
    expect(convert('Spread { Port = 3333 Log { Group = a File = /a } }').config.collector.daemon).toBe('3333');
    expect(convert('Spread { Port = 03502 Host = excalibur Log { Group = a File = /a } }').config.collector.daemon).toBe('3502@excalibur');
    expect(convert('Spread { Host = 10.0.0.5 Log { Group = a File = /a } }').config.collector.daemon).toBe('4803@10.0.0.5');
    expect(convert('Spread { Log { Group = a File = /a } }').config.collector.daemon).toBe('4803');
  });

  it('spreadlogd.conf conversion - Spread blocks for the same daemon merge, with a warning', () => {
    const text = 'Spread { Port = 3333 Log { Group = a File = /a } }\nSpread { Port = 3333 Log { Group = b File = /b } }';
    expect(convert(text).config.logs.map((log) => log.groups)).toEqual([['a'], ['b']]);
    expect(warningsOf(text)).toEqual(['2: a second Spread block for daemon 3333 (first on line 1): spreadlogd ignored it with its Log blocks; ringlog adds its Log blocks']);
  });

  it('spreadlogd.conf conversion - several daemons need spreadlogdBlock: one collector per daemon', () => {
    const text = 'Spread { Port = 3502 Host = excalibur Log { Group = a File = /a } }\nSpread { Port = 3333 Log { Group = b File = /b } }';
    const error = (() => {
      try {
        convert(text);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigDaemonNotFoundError);
    expect((error as ConfigDaemonNotFoundError).message).toBe(
      '/etc/sld/spreadlogd.conf: the Spread blocks name 2 daemons (3502@excalibur, 3333); a collector follows one daemon. Run one collector per daemon and choose its block with the spreadlogdBlock option: 0 = daemon 3502@excalibur (line 1), 1 = daemon 3333 (line 2)',
    );
    const second = convert(text, { baseDir: '/', spreadlogdBlock: 1 });
    expect(second.config.collector.daemon).toBe('3333');
    expect(second.config.logs.map((log) => log.name)).toEqual(['b']);
    expect(second.warnings.map((warning) => warning.message)).toEqual(['the Spread block for daemon 3502@excalibur is ignored: this collector follows 3333 (run one collector per daemon)']);
    expect(() => convert(text, { spreadlogdBlock: 2 })).toThrow(/there is no Spread block 2; the file has 2: 0 = daemon 3502@excalibur \(line 1\)/);
    expect(() => convert(text, { spreadlogdBlock: 0.5 })).toThrow(ConfigDaemonNotFoundError);
  });

  it('spreadlogd.conf conversion - BufferSize is accepted and reported as ignored', () => {
    expect(warningsOf('BufferSize = 65536\nSpread { Log { Group = a File = /a } }')).toEqual([
      '1: BufferSize = 65536 is ignored: ringlog has no fixed message buffer (spreadlogd dropped longer messages; ringlog writes them whole)',
    ]);
  });
});

describe('spreadlogd.conf conversion - logs', () => {
  it('spreadlogd.conf conversion - File, "|command" and VhostDir become file, pipe and split', () => {
    const { config } = convert('Spread {\n Log { Group = a File = /var/log/a.log }\n Log { Group = b File = "| /usr/bin/logger -t b" }\n Log { Group = c VhostDir = /vhosts }\n}');
    expect(config.logs).toEqual([
      { name: 'a', groups: ['a'], file: '/var/log/a.log', match: [], rewrite_timestamp: 'none' },
      { name: 'b', groups: ['b'], pipe: '/usr/bin/logger -t b', match: [], rewrite_timestamp: 'none' },
      {
        name: 'c',
        groups: ['c'],
        split: { root: '/vhosts', path: '{vhost}', strip_vhost: true, catch_all: '_catchall/access.log', max_vhosts: 100000, vhost_max_length: 253 },
        match: [],
        rewrite_timestamp: 'none',
      },
    ]);
  });

  it('spreadlogd.conf conversion - the result is a collector config like any other', () => {
    const { config } = convert('Spread { Log { Group = a File = /a Match = "x" RewriteTimestamp = CommonLogFormat } }');
    expect(collectorConfigFromValue(config)).toEqual(config);
    expect(Object.isFrozen(config.logs[0]?.match)).toBe(true);
  });

  it('spreadlogd.conf conversion - relative paths are resolved against baseDir, with a warning', () => {
    const text = 'Spread {\n Log { Group = a File = logs/a.log }\n Log { Group = b VhostDir = vhosts }\n}';
    const { config, warnings } = convert(text, { baseDir: '/srv' });
    expect(config.logs.map((log) => log.file ?? log.split?.root)).toEqual(['/srv/logs/a.log', '/srv/vhosts']);
    expect(warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '2: File "logs/a.log" is relative: spreadlogd opened it from the directory it was started in; ringlog uses /srv/logs/a.log (relative to /srv)',
      '3: VhostDir "vhosts" is relative: spreadlogd opened it from the directory it was started in; ringlog uses /srv/vhosts (relative to /srv)',
    ]);
    expect(convert(text, {}).config.logs[0]?.file).toBe('/etc/sld/logs/a.log');
  });

  it('spreadlogd.conf conversion - with VhostDir, File and Match are ignored as spreadlogd ignored them', () => {
    const text = 'Spread {\n Log {\n  Group = a\n  File = /a.log\n  Match = "^x"\n  VhostDir = /v\n }\n}';
    const { config, warnings } = convert(text);
    expect(config.logs[0]).toMatchObject({ split: { root: '/v' }, match: [] });
    expect(config.logs[0]?.file).toBeUndefined();
    expect(warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '4: File is ignored in a Log block with VhostDir: spreadlogd writes only the per-vhost files',
      '5: Match is ignored in a Log block with VhostDir, as spreadlogd ignored it; add match: in a YAML config to filter',
    ]);
  });

  it('spreadlogd.conf conversion - Log blocks sharing a File become one log with both groups', () => {
    const text = 'Spread {\n Log { Group = a File = /var/log/c.log }\n Log { Group = b File = /var/log//c.log }\n Log { Group = c File = "|x" }\n Log { Group = d File = "|x" }\n}';
    expect(convert(text).config.logs.map((log) => [log.name, log.groups])).toEqual([
      ['a', ['a', 'b']],
      ['c', ['c', 'd']],
    ]);
  });

  it('spreadlogd.conf conversion - a shared File with different Match or RewriteTimestamp is an error at the later File', () => {
    const text = 'Spread {\n Log { Group = a File = /c.log Match = "^x" }\n Log { Group = b File = /c.log }\n Log { Group = c File = /c.log Match = "^x" RewriteTimestamp = CommonLogFormat }\n}';
    expect(located(text)).toEqual([
      '3:25: Spread[0].Log[1].File: File "/c.log" is also written by the Log block on line 2 with different Match or RewriteTimestamp; ringlog writes one target from one log, so give both blocks the same Match and RewriteTimestamp, or separate targets',
      '4:25: Spread[0].Log[2].File: File "/c.log" is also written by the Log block on line 2 with different Match or RewriteTimestamp; ringlog writes one target from one log, so give both blocks the same Match and RewriteTimestamp, or separate targets',
    ]);
  });

  it('spreadlogd.conf conversion - a group logged by two Log blocks is an error (spreadlogd silently kept the first)', () => {
    expect(located('Spread {\n Log { Group = a File = /a }\n Log { Group = a File = /b }\n}')).toEqual([
      '3:16: Spread[0].Log[1].Group: group "a" is already logged by the Log block on line 2; spreadlogd silently used only the first, so merge the two or remove one',
    ]);
  });

  it('spreadlogd.conf conversion - log names come from the group, made plain and unique', () => {
    const { config } = convert('Spread {\n Log { Group = "a$b" File = /1 }\n Log { Group = a_b File = /2 }\n Log { Group = a~b File = /3 }\n}');
    expect(config.logs.map((log) => log.name)).toEqual(['a_b', 'a_b-2', 'a_b-3']);
  });

  it('spreadlogd.conf conversion - RewriteTimestamp: CommonLogFormat, and strftime formats with or without brackets', () => {
    const text = 'Spread {\n Log { Group = a File = /a RewriteTimestamp = CommonLogFormat }\n Log { Group = b File = /b RewriteTimestamp = "[%d/%b/%Y:%H:%M:%S]" }\n Log { Group = c File = /c RewriteTimestamp = "%Y-%m-%d" }\n}';
    const { config, warnings } = convert(text);
    expect(config.logs.map((log) => log.rewrite_timestamp)).toEqual(['clf', '%d/%b/%Y:%H:%M:%S', '%Y-%m-%d']);
    expect(warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '3: RewriteTimestamp "[%d/%b/%Y:%H:%M:%S]": ringlog keeps the line\'s brackets and formats what is between them, so the pattern is "%d/%b/%Y:%H:%M:%S"',
      '4: RewriteTimestamp "%Y-%m-%d": spreadlogd replaced the brackets around the time too; ringlog keeps them',
    ]);
  });

  it('spreadlogd.conf conversion - a bad RewriteTimestamp is located at its value', () => {
    expect(located('Spread {\n Log { Group = a File = /a\n  RewriteTimestamp = "CommonLogFormat" }\n}')).toEqual([
      '3:22: Spread[0].Log[0].RewriteTimestamp: a quoted "CommonLogFormat" is a strftime format to spreadlogd (it would replace every timestamp with that text); write CommonLogFormat without quotes',
    ]);
    expect(located('Spread {\n Log { Group = a File = /a\n  RewriteTimestamp = "%s" }\n}')).toEqual([
      '3:22: logs[0].rewrite_timestamp: "%s" is not a known strftime conversion (known: %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %z %Z %%)',
    ]);
  });

  it('spreadlogd.conf conversion - Match: POSIX classes are translated; an invalid pattern is located', () => {
    const { config, warnings } = convert('Spread { Log { Group = a File = /a Match = "^[[:digit:]]+ [^]x]" Match = "GET" } }');
    expect(config.logs[0]?.match).toEqual(['^[0-9]+ [^\\]x]', 'GET']);
    expect(warnings.map((warning) => warning.message)).toEqual(['Match "^[[:digit:]]+ [^]x]" is POSIX syntax; ringlog matches the JavaScript equivalent "^[0-9]+ [^\\\\]x]"']);
    expect(located('Spread {\n Log { Group = a File = /a\n  Match = "(GET" }\n}')).toEqual([
      '3:11: logs[0].match[0]: is not a valid regular expression: Invalid regular expression: /(GET/: Unterminated group',
    ]);
  });

  it('spreadlogd.conf conversion - more than 10 Match patterns: spreadlogd kept 10, ringlog applies all', () => {
    const matches = Array.from({ length: 11 }, (_, index) => `Match = m${index}`).join('\n');
    const { config, warnings } = convert(`Spread { Log { Group = a File = /a\n${matches}\n} }`);
    expect(config.logs[0]?.match).toHaveLength(11);
    expect(warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '12: spreadlogd used only the first 10 Match patterns of a Log block; ringlog applies all 11',
    ]);
  });

  it('spreadlogd.conf conversion - schema problems are located at the spreadlogd.conf value', () => {
    expect(located(`Spread {\n Log { Group = "${'g'.repeat(32)}" File = /a }\n Log { Group = b File = "" }\n Log { Group = c File = "|" }\n}`)).toEqual([
      `2:16: logs[0].groups[0]: must be a Spread group name: 1..31 characters in 0x24..0x7e (no "#", no whitespace) (got "${'g'.repeat(32)}")`,
      '3:25: logs[1].file: must be an absolute path (got "")',
      '4:25: logs[2].pipe: must be a shell command, not empty',
    ]);
    expect(located('Spread {\n Log { Group = "#x#y" File = /a }\n}')[0]).toMatch(/^2:16: logs\[0\]\.groups\[0\]: must be a Spread group name/);
  });
});
