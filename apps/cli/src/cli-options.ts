/**
 * The declarative option table of the ringlog command: every command, option, default and
 * help text lives here, and the parser, the help printer and the tests read it.
 */
import { SPREAD_SERVICES } from '@ringlog/client';

/** A parsed option value; repeatable string options give every occurrence, in order. */
export type OptionValue = string | number | boolean | readonly string[];

export interface OptionSpec {
  /** Long name, kebab-case: --name. */
  readonly name: string;
  readonly short?: string;
  /** 'regex': a string that must compile as a JavaScript regular expression. */
  readonly kind: 'string' | 'integer' | 'boolean' | 'choice' | 'regex';
  readonly choices?: readonly string[];
  /** A string array for `repeatable` options: what the value is when the option is not given. */
  readonly default: OptionValue;
  /** Placeholder in help, e.g. NAME. */
  readonly valueName?: string;
  readonly description: string;
  /** Booleans that default to true get a --no-<name> twin. */
  readonly negatable?: boolean;
  /** Smallest accepted integer. */
  readonly min?: number;
  /** The command needs it: leaving it out is a usage error, and help shows no default. */
  readonly required?: boolean;
  /** A string option that may be given several times (-g a -g b); its value is the list. */
  readonly repeatable?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Printed as is after the options in help (exit statuses and the like). */
  readonly notes?: string;
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', kind: 'boolean', default: false, description: 'Show help for the command and exit.' };

export const SPREAD_OPTION: OptionSpec = {
  name: 'spread',
  short: 's',
  kind: 'string',
  default: '4803',
  valueName: 'SPREAD_NAME',
  description: 'Daemon to connect to: "<port>" (unix socket /tmp/<port>), "<port>@<host>" (TCP), "tcp:<host>:<port>" or "unix:<path>".',
};

export const USER_COMMAND: CommandSpec = {
  name: 'user',
  summary: 'Interactive Spread client, a work-alike of spuser',
  description: 'Connects one session and reads commands from standard input (a terminal or a pipe): j/l <group> join/leave, s <group>… send a SAFE message, b <group> send a burst, r receive, p poll, e/d enable/disable asynchronous read, q quit.',
  options: [
    { name: 'user', short: 'u', kind: 'string', default: 'user', valueName: 'NAME', description: 'Private name (1..10 characters; longer is truncated as libspread does).' },
    SPREAD_OPTION,
    { name: 'random', short: 'r', kind: 'boolean', default: false, description: 'Connect with an empty name so the daemon invents one (r<number>-<fd>).' },
    { name: 'connect-timeout-ms', kind: 'integer', default: 5000, min: 1, valueName: 'MS', description: 'Give up connecting after this many milliseconds.' },
    HELP_OPTION,
  ],
};

export const FLOOD_COMMAND: CommandSpec = {
  name: 'flood',
  summary: 'Throughput test, a work-alike of spflooder',
  description:
    'Senders multicast --messages messages of --bytes bytes each to --group; receivers count them. Senders that are members get their own messages back and use them for flow control (at most --window unacknowledged per sender, counted against the slowest local member). The clock runs from the first send, after every local session has joined, to the moment every local member has received every message (with --wo: until each sender\'s final marker has come back through the daemon).',
  options: [
    { name: 'user', short: 'u', kind: 'string', default: 'flooder', valueName: 'NAME', description: 'Name prefix; sessions are <prefix>s<i> and <prefix>r<i>; "" lets the daemon invent names.' },
    SPREAD_OPTION,
    { name: 'messages', short: 'm', kind: 'integer', default: 10_000, min: 1, valueName: 'N', description: 'Messages each sender multicasts (with --ro: messages each sender elsewhere sends).' },
    { name: 'bytes', short: 'b', kind: 'integer', default: 1000, min: 0, valueName: 'B', description: 'Payload bytes per message (data + 32 per group must stay within 144 000).' },
    { name: 'service', kind: 'choice', choices: SPREAD_SERVICES, default: 'AGREED', valueName: 'SERVICE', description: 'Service for the messages.' },
    { name: 'senders', kind: 'integer', default: 1, min: 1, valueName: 'N', description: 'Sender sessions (with --ro: senders to expect elsewhere).' },
    { name: 'receivers', kind: 'integer', default: 0, min: 0, valueName: 'N', description: 'Read-only receiver sessions that join the group and count.' },
    { name: 'group', kind: 'string', default: 'flooder', valueName: 'NAME', description: 'Group to flood.' },
    { name: 'window', kind: 'integer', default: 500, min: 1, valueName: 'N', description: 'Outstanding messages per sender: sent but not yet back at the slowest local member.' },
    { name: 'sender-member', kind: 'boolean', default: true, negatable: true, description: 'Senders join the group and receive their own messages (spflooder\'s flow control). --no-sender-member: senders stay outside and only local receivers pace them.' },
    { name: 'ro', kind: 'boolean', default: false, description: 'Read only: only receivers run here (senders are elsewhere); the clock starts at the first message.' },
    { name: 'wo', kind: 'boolean', default: false, description: 'Write only: senders do not join and nothing here receives; pacing is TCP backpressure.' },
    { name: 'stall-ms', kind: 'integer', default: 10_000, min: 1, valueName: 'MS', description: 'Fail when no message arrives for this long.' },
    { name: 'json', kind: 'boolean', default: false, description: 'Print the result as one JSON object.' },
    HELP_OPTION,
  ],
};

export const COMMANDS: readonly CommandSpec[] = [USER_COMMAND, FLOOD_COMMAND];

export const PROGRAM = {
  name: 'ringlog',
  version: '0.1.0',
  summary: 'Tools for a Spread-compatible daemon',
} as const;
