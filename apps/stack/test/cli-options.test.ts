import { describe, expect, it } from 'vitest';
import { helpText, STACK_OPTIONS, stackCommandLine } from '../src/cli-options.ts';
import { DEFAULT_STACK_PORTS } from '../src/stack-layout.ts';

describe('cli options', () => {
  it('cli options - no options: the current directory, the default ports, no demo', () => {
    expect(stackCommandLine({}, '/here')).toEqual({ dir: '/here', ports: DEFAULT_STACK_PORTS, demoLinesPerSecond: null, logLevel: 'info' });
  });

  it('cli options - every port, the directory and the demo rate can be set', () => {
    const values = {
      dir: '/there',
      demo: true,
      'demo-rate': '5',
      'daemon-ports': '6001,6011,6021',
      'shipper-admin-port': '7001',
      'collector-admin-port': '7002',
      'tcp-input-port': '7003',
      'http-input-port': '7004',
      'log-level': 'warn',
    };
    expect(stackCommandLine(values, '/here')).toEqual({
      dir: '/there',
      ports: { daemons: [6001, 6011, 6021], shipperAdmin: 7001, collectorAdmin: 7002, tcpInput: 7003, httpInput: 7004 },
      demoLinesPerSecond: 5,
      logLevel: 'warn',
    });
    expect(stackCommandLine({ demo: true }, '/here').demoLinesPerSecond).toBe(20);
  });

  it.each([
    [{ 'daemon-ports': '6001,6011' }, '--daemon-ports takes three ports'],
    [{ 'daemon-ports': '6001,6002,6021' }, 'port 6002 is given to both'],
    [{ 'daemon-ports': '6001,6011,65535' }, '--daemon-ports must be an integer from 1 to 65534'],
    [{ 'shipper-admin-port': '9180' }, 'port 9180 is given to both --shipper-admin-port and --collector-admin-port'],
    [{ 'tcp-input-port': '4912' }, "port 4912 is given to both d2's token and --tcp-input-port"],
    [{ 'http-input-port': 'x' }, '--http-input-port must be an integer from 1 to 65535, not "x"'],
    [{ 'demo-rate': '5' }, '--demo-rate needs --demo'],
    [{ demo: true, 'demo-rate': '0' }, '--demo-rate must be an integer from 1 to 10000'],
    [{ 'log-level': 'loud' }, '--log-level must be one of'],
  ])('cli options - %j is a usage error', (values, message) => {
    expect(() => stackCommandLine(values, '/here')).toThrow(message);
  });

  it('cli options - --help lists every option of the table', () => {
    const help = helpText();
    for (const option of STACK_OPTIONS) expect(help).toContain(`--${option.name}`);
  });
});
