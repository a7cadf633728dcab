/** The `ringlog tail` command: its option table entry and the options runTail takes. */
import { compileTailFilter, type TailFilter } from '@ringlog/collector';
import { HELP_OPTION, SPREAD_OPTION, type CommandSpec, type OptionValue } from '../cli-options.ts';
import { ExitStatus } from '../errors.ts';

/** The group the shipper sends to and the collector reads by default (config/shipper.yaml, collector.yaml). */
export const TAIL_DEFAULT_GROUP = 'www';

export const TAIL_COMMAND: CommandSpec = {
  name: 'tail',
  summary: 'Live tail of the log lines sent to groups',
  description:
    'Joins the groups (-g, default www: the shipper\'s and the collector\'s default) and prints every line of every message sent to them as it arrives (a shipper batch holds many newline-joined lines, a mod_log_spread message one). ' +
    '--vhost keeps the lines whose first field (the vhost, as the collector splits on it) is one of the names given, in any case; --grep keeps the lines a JavaScript regular expression matches; both together keep lines passing both. ' +
    'Bytes that are not UTF-8 and control characters (NUL, CR, ESC…) print as U+FFFD; tabs print as tabs. ' +
    'A lost daemon only pauses the tail: a note goes to standard error and the session redials and rejoins. Ctrl-C quits; so does closing the reading end of a pipe (ringlog tail | head), quietly.',
  options: [
    SPREAD_OPTION,
    { name: 'group', short: 'g', kind: 'string', repeatable: true, default: [TAIL_DEFAULT_GROUP], valueName: 'GROUP', description: 'Group to tail; repeat for several.' },
    { name: 'vhost', kind: 'string', repeatable: true, default: [], valueName: 'NAME', description: 'Print only lines of this vhost (first field, case-insensitive); repeat for several.' },
    { name: 'grep', kind: 'regex', default: '', valueName: 'REGEX', description: 'Print only lines this JavaScript regular expression matches (no flags; tested on the printed text).' },
    { name: 'count', short: 'n', kind: 'integer', default: 0, min: 0, valueName: 'N', description: 'Exit 0 after printing N lines; 0 = run until stopped.' },
    { name: 'user', short: 'u', kind: 'string', default: '', valueName: 'NAME', description: 'Private name (1..10 characters); empty = the daemon invents one, so several tails can run.' },
    { name: 'connect-timeout-ms', kind: 'integer', default: 5000, min: 1, valueName: 'MS', description: 'Bound on one connection attempt.' },
    { name: 'reconnect-initial-ms', kind: 'integer', default: 100, min: 1, valueName: 'MS', description: 'First delay before dialling the daemon again; it doubles per failure.' },
    { name: 'reconnect-max-ms', kind: 'integer', default: 2000, min: 1, valueName: 'MS', description: 'Longest delay between dials.' },
    HELP_OPTION,
  ],
  notes: [
    'Exit status:',
    `  ${ExitStatus.OK}  --count lines printed, stopped by Ctrl-C or SIGTERM, or standard output closed`,
    `  ${ExitStatus.FAILURE}  the daemon refused the session for good (illegal name, protocol version, authentication)`,
    `  ${ExitStatus.USAGE}  bad command line (an invalid --grep, -g or -s)`,
  ].join('\n'),
};

export interface TailOptions {
  /** Spread name of the daemon ("4803", "4803@host", "unix:/path"…). */
  readonly spread: string;
  readonly groups: readonly string[];
  readonly filter: TailFilter;
  /** Lines to print before exiting; 0 = no limit. */
  readonly count: number;
  /** Private name; empty = the daemon invents one. */
  readonly user: string;
  readonly connectTimeoutMs: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** Aborting it ends the tail with status 0 (Ctrl-C, SIGTERM). */
  readonly stopSignal?: AbortSignal;
}

/** Maps parsed command-line values onto TailOptions (--grep was checked by the parser). */
export function tailOptionsFromValues(values: Readonly<Record<string, OptionValue>>): TailOptions {
  return {
    spread: values.spread as string,
    groups: values.group as readonly string[],
    filter: compileTailFilter({ vhosts: values.vhost as readonly string[], grep: values.grep as string }),
    count: values.count as number,
    user: values.user as string,
    connectTimeoutMs: values['connect-timeout-ms'] as number,
    reconnectInitialDelayMs: values['reconnect-initial-ms'] as number,
    reconnectMaxDelayMs: values['reconnect-max-ms'] as number,
  };
}
