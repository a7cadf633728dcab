/**
 * The entry of a ringlog service command (ringlog-collector, ringlog-shipper): parse the command
 * line strictly, then print help or the version, check the config, or run. Usage errors exit 2,
 * failures to start exit 1 with one line naming the service.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ServiceCommand<A> {
  /** Command name, used in messages: "ringlog-shipper". */
  readonly name: string;
  readonly version: string;
  readonly options: ParseArgsConfig['options'];
  helpText(): string;
  argsFrom(values: OptionValues): A;
  /** `--check`: the effective config as a JSON-able value; warnings go to stderr. */
  check(args: A): Promise<{ readonly value: unknown; readonly warnings: readonly string[] }>;
  run(args: A): Promise<unknown>;
}

export async function serviceMain<A>(command: ServiceCommand<A>, argv: readonly string[]): Promise<void> {
  let values: OptionValues;
  try {
    ({ values } = parseArgs({ args: [...argv], options: command.options, allowPositionals: false, strict: true }));
  } catch (error) {
    process.stderr.write(`${command.name}: ${(error as Error).message}\nTry '${command.name} --help'.\n`);
    process.exitCode = 2;
    return;
  }
  if (values['help'] === true) return void process.stdout.write(`${command.helpText()}\n`);
  if (values['version'] === true) return void process.stdout.write(`${command.name} ${command.version}\n`);
  const args = command.argsFrom(values);
  try {
    if (values['check'] === true) {
      const { value, warnings } = await command.check(args);
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    await command.run(args);
  } catch (error) {
    process.stderr.write(`${command.name}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
