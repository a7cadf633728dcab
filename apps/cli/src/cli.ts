/**
 * The dispatcher: parse argv against the option table, print help or run a command.
 * Returns the exit status; only main.ts turns it into a process exit.
 */
import type { SpreadService } from '@ringlog/client';
import type { CliIo } from './cli-io.ts';
import { PROGRAM } from './cli-options.ts';
import { CliError, ExitStatus } from './errors.ts';
import { runFlood } from './flood/run-flood.ts';
import { commandHelp, programHelp } from './help.ts';
import { monitorOptionsFromValues } from './monitor/monitor-options.ts';
import { withMonitorSignals } from './monitor/monitor-signals.ts';
import { runMonitor } from './monitor/run-monitor.ts';
import { parseCommandLine, type OptionValues } from './parse-command-line.ts';
import { pipeOptionsFromValues } from './pipe/pipe-options.ts';
import { withStopSignals } from './pipe/pipe-signals.ts';
import { runPipe } from './pipe/run-pipe.ts';
import { runTail } from './tail/run-tail.ts';
import { tailOptionsFromValues } from './tail/tail-options.ts';
import { runUser } from './user/run-user.ts';

function runCommand(name: string, values: OptionValues, io: CliIo): Promise<number> {
  if (name === 'user') {
    return runUser({ user: values.user as string, spread: values.spread as string, random: values.random as boolean, connectTimeoutMs: values['connect-timeout-ms'] as number }, io);
  }
  if (name === 'pipe') {
    return withStopSignals((stopSignal) => runPipe({ ...pipeOptionsFromValues(values), stopSignal }, io));
  }
  if (name === 'monitor') {
    return withMonitorSignals((stopSignal) => runMonitor({ ...monitorOptionsFromValues(values), stopSignal }, io));
  }
  if (name === 'tail') {
    // A live view, like monitor: SIGINT, SIGTERM and SIGHUP end it at once.
    return withMonitorSignals((stopSignal) => runTail({ ...tailOptionsFromValues(values), stopSignal }, io));
  }
  return runFlood(
    {
      spread: values.spread as string,
      user: values.user as string,
      messages: values.messages as number,
      bytes: values.bytes as number,
      service: values.service as SpreadService,
      senders: values.senders as number,
      receivers: values.receivers as number,
      group: values.group as string,
      window: values.window as number,
      senderMember: values['sender-member'] as boolean,
      readOnly: values.ro as boolean,
      writeOnly: values.wo as boolean,
      stallMs: values['stall-ms'] as number,
      json: values.json as boolean,
    },
    io,
  );
}

/** Runs `ringlog <argv…>` against `io`; resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const command = argv[0] !== undefined && !argv[0].startsWith('-') ? ` ${argv[0]}` : '';
    io.stderr.write(`${PROGRAM.name}: ${error.message}\nRun '${PROGRAM.name}${command} --help' for usage.\n`);
    return ExitStatus.USAGE;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(`${PROGRAM.name} ${PROGRAM.version}\n`);
    return ExitStatus.OK;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(parsed.command === null ? programHelp() : commandHelp(parsed.command));
    return ExitStatus.OK;
  }
  return runCommand(parsed.command.name, parsed.values, io);
}
