/** The `ringlog monitor` command: its option table entry and the options runMonitor takes. */
import { HELP_OPTION, type CommandSpec, type OptionValue } from '../cli-options.ts';
import { ExitStatus } from '../errors.ts';

export const MONITOR_COMMAND: CommandSpec = {
  name: 'monitor',
  summary: 'Live view of the token ring, a work-alike of spmonitor',
  description:
    'Asks every daemon of the segment for its status, over authenticated UDP on its daemon port, and shows what each one reports: its state, the ring it installed (id and members), the token rotation time, token and packet retransmissions, and its client sessions, groups, messages waiting for the token and dropped packets. ' +
    'The line above the table says whether every daemon that answers agrees on one ring, and names those that disagree or do not answer. ' +
    'Like spmonitor it reads the daemons from the daemon config (-c: ringlogd YAML or spread.conf) and signs its requests with the segment key (segment.key_file, RinglogKeyFile, or --key-file). ' +
    'On a terminal the table is redrawn every --interval-ms; otherwise a table per round is appended. From the second round on, retransmission columns add the rate per second since the round before. Ctrl-C quits.',
  options: [
    { name: 'config', short: 'c', kind: 'string', default: '', required: true, valueName: 'FILE', description: 'Daemon config listing the segment\'s daemons: ringlogd YAML or spread.conf.' },
    { name: 'key-file', kind: 'string', default: '', valueName: 'PATH', description: 'Segment key file; overrides the config\'s (a spread.conf shared with Spread usually has none).' },
    { name: 'interval-ms', kind: 'integer', default: 1000, min: 100, valueName: 'MS', description: 'Time between the starts of two rounds of requests.' },
    { name: 'timeout-ms', kind: 'integer', default: 500, min: 1, valueName: 'MS', description: 'How long a round waits for replies; a daemon silent that long is shown as not answering.' },
    { name: 'once', kind: 'boolean', default: false, description: 'Ask once, print, and exit with the status below.' },
    { name: 'json', kind: 'boolean', default: false, description: 'Print each round as one JSON line, {time, daemons: [{name, address, port, report | error}]}, with the reports as the daemons sent them.' },
    HELP_OPTION,
  ],
  notes: [
    'Exit status:',
    `  ${ExitStatus.OK}  every daemon answered (--once), or stopped by Ctrl-C or SIGTERM`,
    `  ${ExitStatus.FAILURE}  the config or the segment key cannot be used, or the config has no segment (or one of a single daemon)`,
    `  ${ExitStatus.USAGE}  bad command line`,
    `  ${ExitStatus.NO_ANSWER}  with --once: some daemon did not answer, or its reply was malformed`,
  ].join('\n'),
};

export interface MonitorOptions {
  /** The daemon config (required; runMonitor refuses an empty one as a usage error). */
  readonly configPath: string;
  /** Overrides the config's segment key file; null = use the config's. */
  readonly keyFile: string | null;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly once: boolean;
  readonly json: boolean;
}

/** Maps parsed command-line values onto MonitorOptions. */
export function monitorOptionsFromValues(values: Readonly<Record<string, OptionValue>>): MonitorOptions {
  const keyFile = values['key-file'] as string;
  return {
    configPath: values.config as string,
    keyFile: keyFile.length === 0 ? null : keyFile,
    intervalMs: values['interval-ms'] as number,
    timeoutMs: values['timeout-ms'] as number,
    once: values.once as boolean,
    json: values.json as boolean,
  };
}
