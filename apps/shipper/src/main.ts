/** ringlog-shipper entry: parse the command line, then run, check, or print help. */
import { parseArgs } from 'node:util';
import { helpText, parseArgsConfig } from './cli-options.ts';
import { loadEffectiveShipperConfig, type RunShipperArgs } from './effective-config.ts';
import { SHIPPER_VERSION, runShipper } from './run-shipper.ts';

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function argsFrom(values: Values): RunShipperArgs {
  return {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.daemon === 'string' ? { daemon: values.daemon } : {}),
    ...(typeof values['state-dir'] === 'string' ? { stateDir: values['state-dir'] } : {}),
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
    process.stderr.write(`ringlog-shipper: ${(error as Error).message}\nTry 'ringlog-shipper --help'.\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help === true) return void process.stdout.write(`${helpText()}\n`);
  if (values.version === true) return void process.stdout.write(`ringlog-shipper ${SHIPPER_VERSION}\n`);
  const args = argsFrom(values);
  try {
    if (values.check === true) {
      const { config, source } = await loadEffectiveShipperConfig(args);
      process.stdout.write(`${JSON.stringify({ source, config }, null, 2)}\n`);
      return;
    }
    await runShipper(args);
  } catch (error) {
    process.stderr.write(`ringlog-shipper: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
