import { describe, expect, it } from 'vitest';
import {
  ConfigDaemonNotFoundError,
  ConfigError,
  ConfigErrorCode,
  ConfigErrorDescription,
  ConfigReadError,
  ConfigValidationError,
  ListenAddressError,
  SegmentKeyError,
} from '../src/index.ts';

describe('errors - codes', () => {
  it('errors - every code is documented and prefixed', () => {
    for (const code of Object.values(ConfigErrorCode)) {
      expect(code.startsWith('RL_CONFIG_')).toBe(true);
      expect(ConfigErrorDescription[code]?.length ?? 0).toBeGreaterThan(10);
    }
    expect(Object.keys(ConfigErrorDescription).sort()).toEqual(Object.values(ConfigErrorCode).sort());
  });

  it('errors - each class carries its code, name and cause', () => {
    const cause = new Error('root');
    const errors: ConfigError[] = [
      new ConfigValidationError([{ file: 'f', line: 1, column: 2, path: 'a', message: 'm' }], { cause }),
      new ConfigReadError('f', 'cannot read', { cause }),
      new ConfigDaemonNotFoundError('f', 'no daemon', { cause }),
      new ListenAddressError('x', 'bad', { cause }),
      new SegmentKeyError('k', 'short', { cause }),
    ];
    expect(errors.map((error) => error.code)).toEqual([
      'RL_CONFIG_INVALID',
      'RL_CONFIG_READ_FAILED',
      'RL_CONFIG_DAEMON_NOT_FOUND',
      'RL_CONFIG_BAD_LISTEN_ADDRESS',
      'RL_CONFIG_BAD_SEGMENT_KEY',
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.cause).toBe(cause);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('errors - ConfigValidationError lists problems one per line as file:line:column: path: message', () => {
    const error = new ConfigValidationError([
      { file: 'a.yaml', line: 3, column: 5, path: 'daemon.name', message: 'bad name' },
      { file: 'a.yaml', line: 9, column: 1, path: 'colour', message: 'unknown key' },
    ]);
    expect(error.message.split('\n')).toEqual([
      'Invalid configuration (2 problems):',
      'a.yaml:3:5: daemon.name: bad name',
      'a.yaml:9:1: colour: unknown key',
    ]);
    expect(Object.isFrozen(error.problems)).toBe(true);
  });
});
