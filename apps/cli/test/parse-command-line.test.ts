import { describe, expect, it } from 'vitest';
import { COMMANDS, CliError, TAIL_COMMAND, commandHelp, parseCommandLine, programHelp } from '../src/internal.ts';

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('RL_CLI_USAGE');
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it('parse - user defaults match spuser', () => {
    expect(parseCommandLine(['user'])).toMatchObject({ kind: 'run', values: { user: 'user', spread: '4803', random: false, 'connect-timeout-ms': 5000 } });
    expect(parseCommandLine(['user', '-u', 'alice', '-s', '4903@127.0.0.1', '-r'])).toMatchObject({ values: { user: 'alice', spread: '4903@127.0.0.1', random: true } });
  });

  it('parse - flood defaults and typed values', () => {
    expect(parseCommandLine(['flood'])).toMatchObject({
      values: { messages: 10_000, bytes: 1000, service: 'AGREED', senders: 1, receivers: 0, group: 'flooder', window: 500, 'sender-member': true, ro: false, wo: false, json: false },
    });
    const parsed = parseCommandLine(['flood', '-m', '50', '-b', '100', '--service', 'safe', '--receivers', '1', '--no-sender-member', '--json']);
    expect(parsed).toMatchObject({ values: { messages: 50, bytes: 100, service: 'SAFE', receivers: 1, 'sender-member': false, json: true } });
  });

  it('parse - bad input is a usage error', () => {
    expect(usageError(['nope'])).toMatch(/Unknown command "nope"/);
    expect(usageError(['flood', '--bogus'])).toMatch(/bogus/);
    expect(usageError(['flood', '-m', 'many'])).toMatch(/--messages expects an integer/);
    expect(usageError(['flood', '-m', '0'])).toMatch(/--messages must be at least 1/);
    expect(usageError(['flood', '--service', 'FAST'])).toMatch(/--service must be one of/);
    expect(usageError(['user', 'extra'])).toMatch(/Unexpected argument/);
  });

  it('parse - monitor defaults, typed values, and -c required', () => {
    expect(parseCommandLine(['monitor', '-c', 'ringlogd.yaml'])).toMatchObject({
      kind: 'run',
      command: { name: 'monitor' },
      values: { config: 'ringlogd.yaml', 'key-file': '', 'interval-ms': 1000, 'timeout-ms': 500, once: false, json: false },
    });
    const parsed = parseCommandLine(['monitor', '--config', 'spread.conf', '--key-file', 'k', '--interval-ms', '250', '--timeout-ms', '100', '--once', '--json']);
    expect(parsed).toMatchObject({ values: { config: 'spread.conf', 'key-file': 'k', 'interval-ms': 250, 'timeout-ms': 100, once: true, json: true } });
    expect(usageError(['monitor'])).toBe('-c/--config is required');
    expect(usageError(['monitor', '-c', 'f', '--interval-ms', '10'])).toMatch(/--interval-ms must be at least 100/);
    expect(parseCommandLine(['monitor', '--help'])).toMatchObject({ kind: 'help', command: { name: 'monitor' } });
  });

  it('parse - tail defaults, repeatable -g and --vhost, --grep checked as a regular expression', () => {
    expect(parseCommandLine(['tail'])).toMatchObject({
      kind: 'run',
      command: { name: 'tail' },
      values: { spread: '4803', group: ['www'], vhost: [], grep: '', count: 0, user: '', 'connect-timeout-ms': 5000, 'reconnect-initial-ms': 100, 'reconnect-max-ms': 2000 },
    });
    const parsed = parseCommandLine(['tail', '-s', '4903@127.0.0.1', '-g', 'www', '-g', 'www-errors', '--vhost', 'a.example.com', '--vhost', 'B.example.com', '--grep', '" 5\\d\\d ', '-n', '3']);
    expect(parsed).toMatchObject({ values: { spread: '4903@127.0.0.1', group: ['www', 'www-errors'], vhost: ['a.example.com', 'B.example.com'], grep: '" 5\\d\\d ', count: 3 } });
    expect(usageError(['tail', '--grep', '('])).toMatch(/^--grep "\(" is not a valid regular expression: .*Unterminated group/);
    expect(usageError(['tail', '--count=-1'])).toMatch(/--count must be at least 0/);
    expect(usageError(['tail', 'www'])).toMatch(/Unexpected argument "www"/);
  });

  it('help - tail shows repeatable options and its exit statuses', () => {
    const text = commandHelp(TAIL_COMMAND);
    expect(text).toContain('-g, --group GROUP');
    expect(text).toMatch(/repeat for several\. \(repeatable; default: www\)/);
    expect(text).toContain('--grep REGEX');
    expect(text).toContain('Exit status:');
    expect(programHelp()).toMatch(/\n {2}tail {4}Live tail of the log lines sent to groups\n/);
  });

  it('parse - help and version', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help', command: null });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help', command: null });
    expect(parseCommandLine(['flood', '--help'])).toMatchObject({ kind: 'help', command: { name: 'flood' } });
    expect(parseCommandLine(['help', 'user'])).toMatchObject({ kind: 'help', command: { name: 'user' } });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('help - lists every command and every option with its default', () => {
    const top = programHelp();
    for (const command of COMMANDS) {
      expect(top).toContain(command.name);
      const text = commandHelp(command).replace(/\s+/g, ' ');
      for (const option of command.options) {
        expect(text).toContain(`--${option.name}`);
        if (option.short !== undefined) expect(text).toContain(`-${option.short}, --${option.name}`);
        if (option.negatable === true) expect(text).toContain(`--no-${option.name}`);
        if (option.name !== 'help' && option.kind !== 'boolean') expect(text).toContain(String(option.default));
      }
    }
  });
});
