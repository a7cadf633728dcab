/**
 * pnpm test:chaos: one chaos run from the command line (see cli-options.ts for the options).
 * Exit status 0 = pass, 1 = the check failed (the replay command is printed), 2 = bad arguments or
 * a system that could not start, 130 = interrupted. Ctrl-C kills every process of the run at once
 * and leaves its directory; a second Ctrl-C exits without waiting (run-chaos.ts still SIGKILLs
 * the processes on exit).
 */
import { chaosOptions } from './chaos-options.ts';
import { HELP, parseCliOptions, type CliOptions } from './cli-options.ts';
import { runChaos } from './run-chaos.ts';

function parseOrExit(): CliOptions {
  try {
    return parseCliOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}

function abortOnSignals(controller: AbortController): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      console.error(`\n${signal}: killing every process of the run`);
      controller.abort();
    });
  }
}

const cli = parseOrExit();
if (cli.help) {
  console.log(HELP);
} else {
  const controller = new AbortController();
  abortOnSignals(controller);
  try {
    const report = await runChaos(chaosOptions({ seed: cli.seed, durationS: cli.durationS, rateLinesPerSec: cli.rateLinesPerSec, keep: cli.keep, chaos: cli.chaos, victims: cli.victims, allowDifferentBytes: cli.allowDifferentBytes, signal: controller.signal }));
    process.exitCode = report.passed ? 0 : 1;
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as Error | undefined) : undefined;
    console.error(error instanceof Error ? error.message : String(error));
    if (!controller.signal.aborted && cause !== undefined) console.error(cause.stack ?? String(cause));
    process.exitCode = controller.signal.aborted ? 130 : 2;
  }
}
