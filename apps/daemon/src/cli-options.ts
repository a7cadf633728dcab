/** The ringlogd command line, declared once: the parser, --help and tests all read this table. */
import type { ParseArgsConfig } from 'node:util';
import { optionHelpLines, parseArgsOptions, type OptionSpec } from './option-table.ts';

export const DAEMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'config', short: 'c', type: 'string', value: 'FILE', description: 'Config file: ringlog YAML, or a Spread spread.conf (picked by the .conf suffix or a Spread_Segment block). Default: the built-in single-daemon config.' },
  { name: 'name', short: 'n', type: 'string', value: 'NAME', description: 'Which daemon of a spread.conf this is, as `spread -n`. Default: the one whose address is on this host. With YAML, overrides daemon.name.' },
  { name: 'listen', short: 'l', type: 'string', multiple: true, value: 'ADDR', description: 'Listen on tcp:HOST:PORT or unix:/path instead of the configured listeners (repeatable).' },
  { name: 'segment-key-file', type: 'string', value: 'FILE', description: "The segment's shared key (HMAC-SHA256 of every packet between daemons), for a spread.conf without RinglogKeyFile. Overrides the config." },
  { name: 'log-level', type: 'string', value: 'LEVEL', description: 'fatal, error, warn, info, debug, trace or silent. Overrides the config.' },
  { name: 'check', type: 'boolean', description: 'Validate the config, print the effective settings as JSON, and exit.' },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print the version and exit.' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
];

export function parseArgsConfig(): ParseArgsConfig['options'] {
  return parseArgsOptions(DAEMON_OPTIONS);
}

export function helpText(): string {
  const lines = [
    'Usage: ringlogd [options]',
    '',
    'The ringlog ordering daemon. Spread 4/5 clients (spuser, libspread bindings, mod_log_spread,',
    'ringlog\'s shipper and collector) connect to it over TCP (default 127.0.0.1:4803) or the unix',
    'socket /tmp/<port>. With no options it runs the built-in single-daemon config.',
    '',
    'Options:',
  ];
  lines.push(...optionHelpLines(DAEMON_OPTIONS, 26));
  lines.push(
    '',
    'Segments: when the config lists more than one daemon, the daemons form a token ring over UDP on',
    "each daemon's port (unicast to every member by default; broadcast or multicast per segment.ring.mode),",
    'giving every client of every daemon one agreed order. Every packet is authenticated with the',
    "segment key; `ringlog monitor -c FILE` shows the ring.",
    '',
    'Signals: SIGTERM/SIGINT close every session and exit; SIGHUP reopens the log file.',
    '',
    'Examples:',
    '  ringlogd',
    '  ringlogd -c /etc/ringlog/ringlogd.yaml',
    '  ringlogd -c /etc/spread/spread.conf -n box1 --segment-key-file /etc/ringlog/segment.key',
    '  ringlogd -c config/segment-3-local.conf -n d1',
  );
  return lines.join('\n');
}
