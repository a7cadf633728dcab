/** The ringlog-shipper command line, declared once: the parser, --help and tests read this table. */
import type { ParseArgsConfig } from 'node:util';
import { optionHelpLines, parseArgsOptions, type OptionSpec } from '@ringlog/daemon-app';

export const SHIPPER_OPTIONS: readonly OptionSpec[] = [
  { name: 'config', short: 'c', type: 'string', value: 'FILE', description: 'Config file (YAML). Default: the built-in config (see below), with its state under ./var/lib/ringlog-shipper.' },
  { name: 'daemon', short: 'd', type: 'string', value: 'SPREAD', description: 'Daemon to send to (4803, 4803@logbox, unix:/path, or "embedded"); overrides shipper.daemon.' },
  { name: 'state-dir', type: 'string', value: 'DIR', description: 'Spool and checkpoint directory; overrides shipper.state_dir.' },
  { name: 'admin-listen', type: 'string', value: 'HOST:PORT', description: 'Admin HTTP address (/healthz, /metrics, /status); overrides admin.listen.' },
  { name: 'no-admin', type: 'boolean', description: 'Do not serve the admin HTTP.' },
  { name: 'log-level', type: 'string', value: 'LEVEL', description: 'fatal, error, warn, info, debug, trace or silent. Overrides the config.' },
  { name: 'check', type: 'boolean', description: 'Validate the config, print the effective settings as JSON, and exit.' },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print the version and exit.' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
];

export function parseArgsConfig(): ParseArgsConfig['options'] {
  return parseArgsOptions(SHIPPER_OPTIONS);
}

export function helpText(): string {
  const lines = [
    'Usage: ringlog-shipper [options]',
    '',
    'The sidecar on each web node. Takes access-log lines from every local writer (unix and TCP',
    'sockets, syslog from nginx, piped logs from Apache via `ringlog pipe`, tailed files, HTTP,',
    'and Spread senders such as mod_log_spread), batches them, writes them to a spool on disk,',
    'and sends them over ONE session to a ringlog (or Spread) daemon. Nothing accepted is lost',
    'while the daemon is away: the spool holds it and replays it in order.',
    '',
    'Options:',
  ];
  lines.push(...optionHelpLines(SHIPPER_OPTIONS, 28));
  lines.push(
    '',
    'Built-in config (no --config): daemon 4803; inputs on ./var/run/ringlog/access.sock (unix,',
    'one line per write), 127.0.0.1:5140 (TCP), 127.0.0.1:5514 (syslog UDP, for nginx),',
    './var/run/ringlog/pipe.sock (for `ringlog pipe`) and http://127.0.0.1:9182/ingest; group "www".',
    '',
    'Signals: SIGTERM/SIGINT stop the inputs, write every line taken to the spool, send what the',
    'daemon will take within a few seconds, and exit; the rest is sent at the next start.',
    'SIGHUP reopens the shipper\'s own log file.',
    '',
    'Examples:',
    '  ringlog-shipper -c /etc/ringlog/shipper.yaml',
    '  ringlog-shipper --check -c shipper.yaml',
  );
  return lines.join('\n');
}
