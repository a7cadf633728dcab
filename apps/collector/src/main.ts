/** ringlog-collector entry: parse the command line, then run, check, or print help. */
import { parseArgs } from 'node:util';
import { helpText, parseArgsConfig } from './cli-options.ts';
import { loadEffectiveCollectorConfig, type RunCollectorArgs } from './effective-config.ts';
import { COLLECTOR_VERSION, runCollector } from './run-collector.ts';

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function argsFrom(values: Values): RunCollectorArgs {
  return {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.daemon === 'string' ? { daemon: values.daemon } : {}),
    ...(typeof values['admin-listen'] === 'string' ? { adminListen: values['admin-listen'] } : {}),
    ...(values['no-admin'] === true ? { admin: false } : {}),
    ...(typeof values['log-level'] === 'string' ? { logLevel: values['log-level'] } : {}),
    handleSignals: true,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseArgsConfig(), allowPositionals: false, strict: true }));
  } catch (error) {
    process.stderr.write(`ringlog-collector: ${(error as Error).message}\nTry 'ringlog-collector --help'.\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help === true) return void process.stdout.write(`${helpText()}\n`);
  if (values.version === true) return void process.stdout.write(`ringlog-collector ${COLLECTOR_VERSION}\n`);
  const args = argsFrom(values);
  try {
    if (values.check === true) {
      const { config, warnings, source } = await loadEffectiveCollectorConfig(args);
      for (const w of warnings) process.stderr.write(`${w.file}:${w.line}: warning: ${w.message}\n`);
      process.stdout.write(`${JSON.stringify({ source, config }, null, 2)}\n`);
      return;
    }
    await runCollector(args);
  } catch (error) {
    process.stderr.write(`ringlog-collector: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
