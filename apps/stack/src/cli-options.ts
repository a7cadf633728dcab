/** The ringlog-stack command line, declared once: the parser, --help and tests read this table. */
import type { ParseArgsConfig } from 'node:util';
import { optionHelpLines, parseArgsOptions, type OptionSpec } from '@ringlog/daemon-app';
import { DEFAULT_STACK_PORTS, type StackPorts } from './stack-layout.ts';

/** Demo traffic, lines per second: a few a second per vhost, enough to watch files grow. */
export const DEMO_LINES_PER_SECOND_DEFAULT = 20;

export const STACK_OPTIONS: readonly OptionSpec[] = [
  { name: 'demo', type: 'boolean', description: 'Also feed demo traffic: Apache combined lines for 6 vhosts into the shipper, so files fill under ./var/log/www.' },
  { name: 'demo-rate', type: 'string', value: 'N', description: `Lines per second of demo traffic (with --demo). Default: ${DEMO_LINES_PER_SECOND_DEFAULT}.` },
  { name: 'dir', type: 'string', value: 'DIR', description: 'Directory the stack keeps everything under (DIR/var/...). Default: the current directory.' },
  { name: 'daemon-ports', type: 'string', value: 'A,B,C', description: `Client TCP ports of d1, d2, d3; each also uses UDP on the port and port + 1. Default: ${DEFAULT_STACK_PORTS.daemons.join(',')}.` },
  { name: 'shipper-admin-port', type: 'string', value: 'PORT', description: `The shipper's admin HTTP on 127.0.0.1. Default: ${DEFAULT_STACK_PORTS.shipperAdmin}.` },
  { name: 'collector-admin-port', type: 'string', value: 'PORT', description: `The collector's admin HTTP on 127.0.0.1. Default: ${DEFAULT_STACK_PORTS.collectorAdmin}.` },
  { name: 'tcp-input-port', type: 'string', value: 'PORT', description: `The shipper's TCP line input on 127.0.0.1. Default: ${DEFAULT_STACK_PORTS.tcpInput}.` },
  { name: 'http-input-port', type: 'string', value: 'PORT', description: `The shipper's HTTP input (POST /ingest) on 127.0.0.1. Default: ${DEFAULT_STACK_PORTS.httpInput}.` },
  { name: 'log-level', type: 'string', value: 'LEVEL', description: "The services' log level: fatal, error, warn, info, debug, trace or silent. Default: info." },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print the version and exit.' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
];

const DEMO_LINES_PER_SECOND_MAX = 10_000;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parseArgsConfig(): ParseArgsConfig['options'] {
  return parseArgsOptions(STACK_OPTIONS);
}

export interface StackCommandLine {
  readonly dir: string;
  readonly ports: StackPorts;
  readonly demoLinesPerSecond: number | null;
  readonly logLevel: string;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The options as the stack takes them; throws an Error (a usage error) naming the bad option. */
export function stackCommandLine(values: OptionValues, cwd: string): StackCommandLine {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const demo = values['demo'] === true;
  if (!demo && text('demo-rate') !== undefined) throw new Error('--demo-rate needs --demo');
  const demoRate = text('demo-rate') === undefined ? DEMO_LINES_PER_SECOND_DEFAULT : integerIn(text('demo-rate')!, '--demo-rate', 1, DEMO_LINES_PER_SECOND_MAX);
  const logLevel = text('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const port = (name: string, fallback: number): number => (text(name) === undefined ? fallback : integerIn(text(name)!, `--${name}`, 1, 65_535));
  const ports: StackPorts = {
    daemons: daemonPorts(text('daemon-ports')),
    shipperAdmin: port('shipper-admin-port', DEFAULT_STACK_PORTS.shipperAdmin),
    collectorAdmin: port('collector-admin-port', DEFAULT_STACK_PORTS.collectorAdmin),
    tcpInput: port('tcp-input-port', DEFAULT_STACK_PORTS.tcpInput),
    httpInput: port('http-input-port', DEFAULT_STACK_PORTS.httpInput),
  };
  checkNoOverlap(ports);
  return { dir: text('dir') ?? cwd, ports, demoLinesPerSecond: demo ? demoRate : null, logLevel };
}

function integerIn(value: string, option: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(`${option} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(value);
}

function daemonPorts(value: string | undefined): readonly [number, number, number] {
  if (value === undefined) return DEFAULT_STACK_PORTS.daemons;
  const parts = value.split(',');
  if (parts.length !== 3) throw new Error(`--daemon-ports takes three ports, A,B,C, not ${JSON.stringify(value)}`);
  const [a, b, c] = parts.map((part) => integerIn(part.trim(), '--daemon-ports', 1, 65_534)) as [number, number, number];
  return [a, b, c];
}

/** Two uses of one port would fail at bind time; a daemon also takes port + 1 (its token). */
function checkNoOverlap(ports: StackPorts): void {
  const taken = new Map<number, string>();
  const claim = (port: number, use: string): void => {
    const other = taken.get(port);
    if (other !== undefined) throw new Error(`port ${port} is given to both ${other} and ${use}; a daemon's port + 1 is its token port, so daemon ports must be at least 2 apart`);
    taken.set(port, use);
  };
  ports.daemons.forEach((port, index) => {
    claim(port, `d${index + 1}`);
    claim(port + 1, `d${index + 1}'s token`);
  });
  claim(ports.shipperAdmin, '--shipper-admin-port');
  claim(ports.collectorAdmin, '--collector-admin-port');
  claim(ports.tcpInput, '--tcp-input-port');
  claim(ports.httpInput, '--http-input-port');
}

export function helpText(): string {
  const lines = [
    'Usage: ringlog-stack [options]        (from the repo: npm start, npm run demo)',
    '',
    'Runs the whole ringlog stack on this machine, for trying it out: a segment of three ringlogd',
    'daemons on 127.0.0.1 (d1, d2, d3, one token ring), a shipper sending to d1, and a collector',
    'reading from d3 and writing one file per vhost. Each is the real command in its own process,',
    'its output prefixed with its name. Configs come from the templates in config/stack and are',
    'written, with the segment key (generated at the first start, mode 0600), to ./var/etc/ringlog.',
    '',
    'Everything lives under ./var (or DIR/var with --dir): sockets in var/run/ringlog (access.sock',
    'for lines, pipe.sock for `ringlog pipe`, d1..d3.sock for Spread clients), the shipper\'s spool in',
    'var/lib/ringlog-shipper, the per-vhost files in var/log/www/<vhost>/access.log.',
    '',
    'Options:',
    ...optionHelpLines(STACK_OPTIONS, 34),
    '',
    'If a service exits while the stack runs, the stack says so and stops everything (exit 1).',
    'Signals: SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the shipper (it drains its spool), then the',
    'collector (it writes what it received), then the daemons, and exit 0. A port already taken',
    'stops the start with a message naming it (exit 1); usage errors exit 2.',
    '',
    'Examples:',
    '  ringlog-stack',
    '  ringlog-stack --demo',
    '  ringlog-stack --dir /tmp/try --daemon-ports 5901,5911,5921 --shipper-admin-port 9281 \\',
    '      --collector-admin-port 9280 --tcp-input-port 5240 --http-input-port 9282',
  ];
  return lines.join('\n');
}
