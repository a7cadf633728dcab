/** ringlog-stack entry: parse the command line, start the stack, and turn signals into its stop. */
import { parseArgs } from 'node:util';
import { helpText, parseArgsConfig, stackCommandLine, type OptionValues } from './cli-options.ts';
import { Stack } from './run-stack.ts';

const VERSION = '0.1.0';
/** Bound on each readiness wait: five Node processes starting on two busy cores. */
const READY_TIMEOUT_MS = 60_000;
/** Each service's time after SIGTERM; the shipper alone may spend 3 s draining. */
const STOP_TIMEOUT_MS = 15_000;

async function main(argv: readonly string[]): Promise<void> {
  let values: OptionValues;
  let commandLine: ReturnType<typeof stackCommandLine>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseArgsConfig(), allowPositionals: false, strict: true }));
    commandLine = stackCommandLine(values, process.cwd());
  } catch (error) {
    process.stderr.write(`ringlog-stack: ${(error as Error).message}\nTry 'ringlog-stack --help'.\n`);
    process.exitCode = 2;
    return;
  }
  if (values['help'] === true) return void process.stdout.write(`${helpText()}\n`);
  if (values['version'] === true) return void process.stdout.write(`ringlog-stack ${VERSION}\n`);
  // A closed stdout (piped into head) must not kill the launcher and orphan the services.
  process.stdout.on('error', () => undefined);
  const stack = new Stack({ ...commandLine, readyTimeoutMs: READY_TIMEOUT_MS, stopTimeoutMs: STOP_TIMEOUT_MS }, (line) => void process.stdout.write(`${line}\n`));
  const onSignal = (signal: NodeJS.Signals): void => {
    // npm, pnpm and the terminal may each pass a Ctrl-C on: one stop, never a forced one.
    if (stack.stopping) return;
    stack.say(`${signal} received`);
    void stack.stop(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // Last resort if the launcher dies of a bug: no service outlives it.
  process.on('exit', () => stack.killAll());
  try {
    await stack.start();
  } catch (error) {
    process.stderr.write(`ringlog-stack: ${(error as Error).message}\n`);
    void stack.stop('the start failed', 1);
  }
  process.exitCode = await stack.finished;
}

await main(process.argv.slice(2));
