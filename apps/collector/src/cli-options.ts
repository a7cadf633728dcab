/** The ringlog-collector command line, declared once: the parser, --help and tests read this table. */
import type { ParseArgsConfig } from 'node:util';
import { optionHelpLines, parseArgsOptions, type OptionSpec } from '@ringlog/daemon-app';

export const COLLECTOR_OPTIONS: readonly OptionSpec[] = [
  { name: 'config', short: 'c', type: 'string', value: 'FILE', description: 'Config file: ringlog collector YAML (.yaml/.yml), or an old spreadlogd.conf. Default: the built-in config (group "www" split into ./var/log/www/{vhost}/access.log, daemon 4803).' },
  { name: 'daemon', short: 'd', type: 'string', value: 'SPREAD', description: 'Daemon to connect to (4803, 4803@host, unix:/path, or "embedded"); overrides collector.daemon.' },
  { name: 'state-dir', type: 'string', value: 'DIR', description: 'Where the collector keeps its id and write journal (exactly-once); overrides collector.state_dir.' },
  { name: 'admin-listen', type: 'string', value: 'HOST:PORT', description: 'Admin HTTP address (/healthz, /metrics, /status); overrides admin.listen.' },
  { name: 'no-admin', type: 'boolean', description: 'Do not serve the admin HTTP.' },
  { name: 'log-level', type: 'string', value: 'LEVEL', description: 'fatal, error, warn, info, debug, trace or silent. Overrides the config.' },
  { name: 'check', type: 'boolean', description: 'Validate the config, print the effective settings as JSON, and exit.' },
  { name: 'version', short: 'v', type: 'boolean', description: 'Print the version and exit.' },
  { name: 'help', short: 'h', type: 'boolean', description: 'Show this help.' },
];

export function parseArgsConfig(): ParseArgsConfig['options'] {
  return parseArgsOptions(COLLECTOR_OPTIONS);
}

export function helpText(): string {
  const lines = [
    'Usage: ringlog-collector [options]',
    '',
    'Joins log groups on a ringlog (or Spread) daemon and writes their lines to files on the',
    'logging box: one file per log, or split per vhost by the first field of each line, as',
    'spreadlogd and spsplit did. Unsafe vhost names go to a catch-all file; open files are',
    'capped (LRU); files rotate by size or time; SIGHUP reopens every file at once.',
    '',
    'Options:',
  ];
  lines.push(...optionHelpLines(COLLECTOR_OPTIONS, 28));
  lines.push(
    '',
    'Signals: SIGHUP reopens every output file (for logrotate or mv) and the collector\'s own log;',
    'SIGTERM/SIGINT stop reading, write and fsync everything received, then exit.',
    '',
    'Examples:',
    '  ringlog-collector -c /etc/ringlog/collector.yaml',
    '  ringlog-collector -c /etc/spreadlogd.conf          # migrate: read the old config as is',
    '  ringlog-collector --check -c collector.yaml',
  );
  return lines.join('\n');
}
