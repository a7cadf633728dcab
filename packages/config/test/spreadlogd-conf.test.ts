import { describe, expect, it } from 'vitest';
import { parseSpreadlogdConf } from '../src/index.ts';
import { lexSpreadlogdConf } from '../src/internal.ts';
import { problemsOf } from './helpers.ts';

const parse = (text: string) => parseSpreadlogdConf(text, 'spreadlogd.conf');

/** `line:column: path: message` for every problem. */
function located(text: string): string[] {
  return problemsOf(() => parse(text)).map((problem) => `${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`);
}

const LOG = 'Log { Group = www File = /var/log/www.log }';

describe('spreadlogd.conf - lexer', () => {
  it('spreadlogd.conf - words, quotes, braces and "=" as spreadlogd scans them', () => {
    const { tokens, issues } = lexSpreadlogdConf('Port = 3502 # comment { }\n\tFile="a b" Host=x {Log}\n');
    expect(issues).toEqual([]);
    expect(tokens.map((token) => [token.kind, token.text, token.line, token.column])).toEqual([
      ['word', 'Port', 1, 1],
      ['equals', '=', 1, 6],
      ['word', '3502', 1, 8],
      ['word', 'File="a', 2, 2],
      ['word', 'b"', 2, 10],
      ['word', 'Host=x', 2, 13],
      ['open', '{', 2, 20],
      ['word', 'Log', 2, 21],
      ['close', '}', 2, 24],
      ['eof', '', 3, 1],
    ]);
  });

  it('spreadlogd.conf - quoted strings keep "#", braces and spaces; single quotes work too', () => {
    const { tokens } = lexSpreadlogdConf(`Match = "^a # {b}"\nFile = '/x y'`);
    expect(tokens.filter((token) => token.kind === 'quoted').map((token) => token.text)).toEqual(['^a # {b}', '/x y']);
  });

  it('spreadlogd.conf - a byte-order mark is skipped', () => {
    expect(lexSpreadlogdConf('\uFEFFSpread').tokens[0]).toMatchObject({ kind: 'word', text: 'Spread', column: 1 });
  });
});

describe('spreadlogd.conf - parser', () => {
  it('spreadlogd.conf - reads BufferSize, Spread blocks and their Log blocks', () => {
    const conf = parse([
      'BufferSize = 65536',
      'Spread {',
      '  Port = 3502',
      '  Host = excalibur',
      '  Log {',
      '    RewriteTimestamp = CommonLogFormat',
      '    Group = omniti',
      '    File = omniti.log',
      '  }',
      '}',
      'Spread {',
      '  Log { Group = "test" VhostDir = /vhosts Match = "^a" Match = \'b$\' RewriteTimestamp = "[%d/%b/%Y]" }',
      '}',
    ].join('\n'));
    expect(conf.bufferSize).toEqual({ text: '65536', line: 1, column: 14 });
    expect(conf.spreads).toHaveLength(2);
    expect(conf.spreads[0]).toMatchObject({ line: 2, column: 1, port: { text: '3502', line: 3, column: 10 }, host: { text: 'excalibur' } });
    expect(conf.spreads[0]?.logs[0]).toMatchObject({
      line: 5,
      column: 3,
      group: { text: 'omniti', line: 7, column: 13 },
      file: { text: 'omniti.log', line: 8, column: 12 },
      rewriteTimestamp: { text: 'CommonLogFormat', clf: true },
      matches: [],
    });
    expect(conf.spreads[1]?.port).toBeUndefined();
    expect(conf.spreads[1]?.logs[0]).toMatchObject({
      group: { text: 'test' },
      vhostDir: { text: '/vhosts' },
      matches: [{ text: '^a' }, { text: 'b$' }],
      rewriteTimestamp: { text: '[%d/%b/%Y]', clf: false },
    });
    expect(conf.warnings).toEqual([]);
  });

  it('spreadlogd.conf - a setting given twice keeps the last value, with a warning (BufferSize keeps the first)', () => {
    const conf = parse(`BufferSize = 1\nBufferSize = 2\nSpread {\n Port = 1\n Port = 2\n Log { Group = a Group = b File = /x }\n}`);
    expect(conf.bufferSize?.text).toBe('1');
    expect(conf.spreads[0]?.port?.text).toBe('2');
    expect(conf.spreads[0]?.logs[0]?.group?.text).toBe('b');
    expect(conf.warnings.map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
      '2: BufferSize is set again (first on line 1); spreadlogd keeps the first',
      '5: Port is set again in this Spread block (first on line 4); the last value wins, as in spreadlogd',
      '6: Group is set again in this Log block (first on line 6); the last value wins, as in spreadlogd',
    ]);
  });

  it('spreadlogd.conf - top-level extension hooks are ignored with a warning', () => {
    const conf = parse(`ModuleDir = /usr/lib/sld\nLoadModule online "arg"\nPerlLib /usr/lib/perl\nPerlUse Mine\nPythonImport mine\nSpread { ${LOG} }`);
    expect(conf.warnings.map((warning) => warning.line)).toEqual([1, 2, 3, 4, 5]);
    expect(conf.warnings[1]?.message).toBe('LoadModule loads spreadlogd extension code, which ringlog does not run; ignored');
  });
});

describe('spreadlogd.conf - errors, each with line and column', () => {
  it('spreadlogd.conf - every problem of a file is reported at once', () => {
    const text = ['buffersize = 1', 'Spread {', '  Port 3333', '  Log {', '    Group = a', '    Frob = 1', '  }', '  Log { File = /x }', '}', '}'].join('\n');
    expect(located(text)).toEqual([
      '1:1: (top level): unknown directive "buffersize"; expected BufferSize or a Spread { } block (directives are case-sensitive: did you mean BufferSize?)',
      '3:8: Spread[0].Port: expected "=" after Port, got "3333"',
      '4:3: Spread[0].Log[0]: the Log block has neither File nor VhostDir (where it writes)',
      '6:5: Spread[0].Log[0]: unknown directive "Frob"; expected Group, File, VhostDir, Match or RewriteTimestamp',
      '8:3: Spread[0].Log[1]: the Log block has no Group (which Spread group it logs)',
      '10:1: (top level): unexpected "}" (no block is open)',
    ]);
  });

  it('spreadlogd.conf - unknown directives on each level, with hints', () => {
    expect(located(`spread { ${LOG} }`)[0]).toBe(
      '1:1: (top level): unknown directive "spread"; expected BufferSize or a Spread { } block (directives are case-sensitive: did you mean Spread?)',
    );
    expect(located(`Spread { Prot = 1 ${LOG} }`)).toEqual(['1:10: Spread[0]: unknown directive "Prot"; expected Port, Host or a Log { } block']);
    expect(located('Spread { Log { Group=www File = /x } }')).toEqual([
      '1:10: Spread[0].Log[0]: the Log block has no Group (which Spread group it logs)',
      '1:16: Spread[0].Log[0]: unknown directive "Group=www"; expected Group, File, VhostDir, Match or RewriteTimestamp (put spaces around "=")',
    ]);
    expect(located(`Spread { "Port" = 1 ${LOG} }`)).toEqual(['1:10: Spread[0]: unknown directive quoted string "Port"; expected Port, Host or a Log { } block']);
  });

  it('spreadlogd.conf - a missing "=" or value', () => {
    expect(located('Spread { Port 3333\n Log { Group www File = /x } }')).toEqual([
      '1:15: Spread[0].Port: expected "=" after Port, got "3333"',
      '2:14: Spread[0].Log[0].Group: expected "=" after Group, got "www"',
    ]);
    expect(located(`Spread { Port =3333 ${LOG} }`)).toEqual(['1:15: Spread[0].Port: expected "=" after Port, got "=3333" (put spaces around "=")']);
    expect(located(`Spread { Port = }`)).toEqual(['1:17: Spread[0].Port: Port needs a value after "=", got "}"']);
    expect(located('Spread { Log { Group = Log File = /x } }')).toEqual([
      '1:10: Spread[0].Log[0]: the Log block has neither File nor VhostDir (where it writes)',
      '1:24: Spread[0].Log[0].Group: Group needs a value after "=", got "Log" (quote a keyword to use it as a value)',
      '1:24: Spread[0].Log[0]: the Log block opened on line 1 is not closed with "}" before the next Log',
      '1:24: Spread[0].Log[1]: the Log block has no Group (which Spread group it logs)',
      '1:28: Spread[0].Log[1]: expected "{" after Log, got "File"',
    ]);
    expect(parse('Spread { Log { Group = "Log" File = "File" } }').spreads[0]?.logs[0]).toMatchObject({ group: { text: 'Log' }, file: { text: 'File' } });
  });

  it('spreadlogd.conf - directives on the wrong level', () => {
    expect(located(`Group = www\nSpread {\n File = /x\n ${LOG}\n}`)).toEqual([
      '1:1: (top level): Group belongs inside a Log { } block',
      '3:2: Spread[0]: File belongs inside a Log { } block',
    ]);
    expect(located('Spread { Log { Group = a File = /x Port = 3 BufferSize = 1 } }')).toEqual([
      '1:36: Spread[0].Log[0]: Port belongs directly inside a Spread { } block, not in a Log block',
      '1:45: Spread[0].Log[0]: BufferSize goes at the top of the file, outside the Spread blocks',
    ]);
    expect(located(`Log { Group = a File = /x }\nSpread { ${LOG} }`)).toEqual(['1:1: (top level): a Log { } block belongs inside a Spread { } block']);
    expect(located(`Port = 3\nSpread { ${LOG} }`)).toEqual(['1:1: (top level): Port belongs directly inside a Spread { } block']);
    expect(located(`Spread { CommonLogFormat ${LOG} }`)).toEqual(['1:10: Spread[0]: CommonLogFormat is a value of RewriteTimestamp, not a directive']);
    expect(located(`Spread { PerlLib /x ${LOG} }`)).toEqual(['1:10: Spread[0]: PerlLib goes at the top of the file, outside the Spread blocks']);
    expect(located(`Spread { Log { Group = a VhostGroup = b VhostDir = /v } }`)).toEqual([
      "1:26: Spread[0].Log[0]: VhostGroup is not a directive (spreadlogd's grammar never accepted it); per-vhost files come from VhostDir",
    ]);
  });

  it('spreadlogd.conf - extension hooks inside a Log block are errors: ringlog cannot run them', () => {
    expect(located('Spread { Log { Group = a File = /x PerlLog my_handler PythonLog mod ModuleLog online } }')).toEqual([
      '1:36: Spread[0].Log[0].PerlLog: PerlLog hands lines to a Perl handler, which ringlog cannot run; remove it (to feed a program, use File = "|command")',
      '1:55: Spread[0].Log[0].PythonLog: PythonLog hands lines to a Python handler, which ringlog cannot run; remove it (to feed a program, use File = "|command")',
      '1:69: Spread[0].Log[0].ModuleLog: ModuleLog hands lines to a loadable module, which ringlog cannot run; remove it (to feed a program, use File = "|command")',
    ]);
  });

  it('spreadlogd.conf - unbalanced braces', () => {
    expect(located(`Spread {\n ${LOG}\n`)).toEqual(['3:1: Spread[0]: the Spread block opened on line 1 is not closed with "}" at the end of the file']);
    expect(located('Spread {\n Log { Group = a File = /x\n}\n')).toEqual([
      '4:1: Spread[0]: the Spread block opened on line 1 is not closed with "}" at the end of the file',
    ]);
    expect(located('Spread {\n Log { Group = a File = /x\n')).toEqual([
      '3:1: Spread[0].Log[0]: the Log block opened on line 2 is not closed with "}" at the end of the file',
      '3:1: Spread[0]: the Spread block opened on line 1 is not closed with "}" at the end of the file',
    ]);
    expect(located(`Spread {\n ${LOG}\nSpread {\n ${LOG}\n}`)).toEqual([
      '3:1: Spread[0]: the Spread block opened on line 1 is not closed with "}" before the next Spread',
    ]);
    expect(located(`Spread { ${LOG} } }`)).toEqual(['1:56: (top level): unexpected "}" (no block is open)']);
    expect(located(`Spread { { Port = 1 } ${LOG} }`)).toEqual(['1:10: Spread[0]: unexpected "{" (a block opens after Spread or Log)']);
    expect(located(`Spread ${LOG} }`)).toEqual(['1:8: Spread[0]: expected "{" after Spread, got "Log"']);
    expect(located('Spread { Log Group = a File = /x } }')).toEqual(['1:14: Spread[0].Log[0]: expected "{" after Log, got "Group"']);
  });

  it('spreadlogd.conf - quotes: unterminated, glued, spanning lines', () => {
    expect(located(`Spread { Log { Group = "www File = /x } }`)).toContain('1:24: (syntax): unterminated quoted string (no closing " on this line)');
    expect(located(`Spread { Log { Group = "w"ww File = /x } }`)).toEqual(['1:27: (syntax): unexpected text "ww" right after a closing quote']);
    expect(located(`Spread { Log { Group = 'a\nb' File = /x } }`)[0]).toBe("1:24: (syntax): unterminated quoted string (no closing ' on this line)");
  });

  it('spreadlogd.conf - NUL bytes and other control characters', () => {
    expect(located(`Spread { Log { Group = w\0w File = /x } }`)).toEqual(['1:25: (syntax): control character U+0000']);
    expect(located(`Spread { Log { Group = "w\0w" File = /x } }`)).toEqual(['1:26: (syntax): control character U+0000']);
    expect(located(`\x1b[1mSpread { ${LOG} }`)[0]).toBe('1:1: (syntax): control character U+001B');
  });

  it('spreadlogd.conf - a file needs a Spread block, and each Log a Group and a File or VhostDir', () => {
    expect(located('BufferSize = 1\n')).toEqual(['2:1: (top level): no Spread { } block: spreadlogd.conf needs at least one, naming the daemon and its Log blocks']);
    expect(located('')).toEqual(['1:1: (top level): no Spread { } block: spreadlogd.conf needs at least one, naming the daemon and its Log blocks']);
    expect(located('Spread {\n  Log { Match = x }\n}')).toEqual([
      '2:3: Spread[0].Log[0]: the Log block has no Group (which Spread group it logs)',
      '2:3: Spread[0].Log[0]: the Log block has neither File nor VhostDir (where it writes)',
    ]);
  });

  it('spreadlogd.conf - Port, Host and BufferSize values', () => {
    expect(located(`BufferSize = lots\nSpread {\n Port = 0\n Host = "bad host"\n ${LOG}\n}\nSpread { Port = 65536 ${LOG} }\nSpread { Port = 4803x ${LOG} }`)).toEqual([
      '1:14: BufferSize: BufferSize must be a positive number of bytes, got "lots"',
      '3:9: Spread[0].Port: Port must be a port number 1..65535, got "0"',
      '4:9: Spread[0].Host: Host must be a host name or an IP address, got "bad host"',
      '7:17: Spread[1].Port: Port must be a port number 1..65535, got "65536"',
      '8:17: Spread[2].Port: Port must be a port number 1..65535, got "4803x"',
    ]);
  });
});
