/** ringlogd entry: parse the command line, then run, check, or print help. */
import { parseArgs } from 'node:util';
import { helpText, parseArgsConfig } from './cli-options.ts';
import { daemonOptionsFromConfig } from './daemon-options-from-config.ts';
import { loadEffectiveConfig, runDaemon, type RunDaemonArgs } from './run-daemon.ts';

const VERSION = '0.1.0';

async function main(argv: readonly string[]): Promise<void> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseArgsConfig(), allowPositionals: false, strict: true }));
  } catch (error) {
    process.stderr.write(`ringlogd: ${(error as Error).message}\nTry 'ringlogd --help'.\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help === true) return void process.stdout.write(`${helpText()}\n`);
  if (values.version === true) return void process.stdout.write(`ringlogd ${VERSION} (Spread protocol 5.0.1)\n`);
  const args: RunDaemonArgs = {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.name === 'string' ? { name: values.name } : {}),
    ...(Array.isArray(values.listen) ? { listen: values.listen as string[] } : {}),
    ...(typeof values['log-level'] === 'string' ? { logLevel: values['log-level'] } : {}),
    ...(typeof values['segment-key-file'] === 'string' ? { segmentKeyFile: values['segment-key-file'] } : {}),
    handleSignals: true,
  };
  try {
    if (values.check === true) {
      const { config, warnings, source } = await loadEffectiveConfig(args);
      for (const w of warnings) process.stderr.write(`${w.file}:${w.line}: warning: ${w.message}\n`);
      process.stdout.write(`${JSON.stringify({ source, config, daemon: daemonOptionsFromConfig(config, args.listen) }, null, 2)}\n`);
      return;
    }
    await runDaemon(args);
  } catch (error) {
    process.stderr.write(`ringlogd: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
