/** The `ringlog pipe` command: its option table entry and the options runPipe takes. */
import { HELP_OPTION, type CommandSpec, type OptionValue } from '../cli-options.ts';

const MIB = 1024 * 1024;

export const PIPE_COMMAND: CommandSpec = {
  name: 'pipe',
  summary: 'Piped-log helper: forwards standard input to the shipper\'s pipe input',
  description:
    'For Apache: CustomLog "|/usr/bin/ringlog pipe --group www --socket /run/ringlog/pipe.sock" vhost_combined. Reads lines from standard input at all times and sends them to the shipper, which acknowledges what it has stored; unacknowledged lines are held in memory (--buffer-bytes), then in a spool file (--spool-max-bytes; beyond it the newest lines are dropped and counted, with a warning on standard error at most once a minute) and sent again, in order, after a reconnect. At end of input it waits up to --drain-ms for the shipper, then leaves what is left in its spool file, which the next helper for the same group and --spool-dir sends first.',
  options: [
    { name: 'socket', kind: 'string', default: '/run/ringlog/pipe.sock', valueName: 'PATH', description: 'Unix socket of the shipper\'s pipe input.' },
    { name: 'group', short: 'g', kind: 'string', default: '', valueName: 'NAME', description: 'Destination group; empty = the pipe input\'s configured group.' },
    { name: 'spool-dir', kind: 'string', default: '', valueName: 'DIR', description: 'Directory for spool files (created 0700); empty = /var/spool/ringlog-pipe/<user> when /var/spool/ringlog-pipe exists and is usable, else $TMPDIR/ringlog-pipe-<user>. Helpers of the same group should share it: a new helper sends what exited ones left.' },
    { name: 'buffer-bytes', kind: 'integer', default: 8 * MIB, min: 1, valueName: 'B', description: 'Unacknowledged bytes held in memory before older lines move to the spool file.' },
    { name: 'spool-max-bytes', kind: 'integer', default: 256 * MIB, min: 0, valueName: 'B', description: 'Largest spool file while the shipper is away (at exit the memory buffer is added to it); 0 = memory only.' },
    { name: 'drain-ms', kind: 'integer', default: 5000, min: 0, valueName: 'MS', description: 'At end of input, how long to wait for the shipper to acknowledge everything before leaving the rest in the spool file.' },
    { name: 'reconnect-initial-ms', kind: 'integer', default: 100, min: 1, valueName: 'MS', description: 'First delay before dialling the shipper again; it doubles per failure.' },
    { name: 'reconnect-max-ms', kind: 'integer', default: 5000, min: 1, valueName: 'MS', description: 'Longest delay between dials.' },
    { name: 'rescan-ms', kind: 'integer', default: 30_000, min: 0, valueName: 'MS', description: 'How often to look for spool files of helpers that have exited since (they are sent after what is held); 0 = only at start.' },
    HELP_OPTION,
  ],
};

export interface PipeOptions {
  readonly socketPath: string;
  /** Null = the pipe input's group. */
  readonly group: string | null;
  /** Empty = the default directory. */
  readonly spoolDir: string;
  readonly bufferBytes: number;
  readonly spoolMaxBytes: number;
  readonly drainMs: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly rescanIntervalMs: number;
  /** Aborting it ends the helper as end of input does (SIGTERM from Apache). */
  readonly stopSignal?: AbortSignal;
  /** Spacing of repeated warnings (tests shorten it). */
  readonly warningIntervalMs?: number;
}

/** Maps parsed command-line values onto PipeOptions. */
export function pipeOptionsFromValues(values: Readonly<Record<string, OptionValue>>): PipeOptions {
  const group = values.group as string;
  return {
    socketPath: values.socket as string,
    group: group.length === 0 ? null : group,
    spoolDir: values['spool-dir'] as string,
    bufferBytes: values['buffer-bytes'] as number,
    spoolMaxBytes: values['spool-max-bytes'] as number,
    drainMs: values['drain-ms'] as number,
    reconnectInitialDelayMs: values['reconnect-initial-ms'] as number,
    reconnectMaxDelayMs: values['reconnect-max-ms'] as number,
    rescanIntervalMs: values['rescan-ms'] as number,
  };
}
