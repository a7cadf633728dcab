/**
 * Turns argv into a command and typed option values, using node:util parseArgs driven by
 * the option table. Defaults come from the table, integers and choices are checked here,
 * and --no-<name> twins switch negatable booleans off.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMMANDS, type CommandSpec, type OptionSpec, type OptionValue } from './cli-options.ts';
import { CliError, CliErrorCode } from './errors.ts';
import { MONITOR_COMMAND } from './monitor/monitor-options.ts';
import { PIPE_COMMAND } from './pipe/pipe-options.ts';
import { TAIL_COMMAND } from './tail/tail-options.ts';

/** The option table's commands plus `pipe`, `monitor` and `tail`, whose entries live with their code. */
export const CLI_COMMANDS: readonly CommandSpec[] = [...COMMANDS, PIPE_COMMAND, MONITOR_COMMAND, TAIL_COMMAND];

export type OptionValues = Readonly<Record<string, OptionValue>>;

export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command: CommandSpec | null }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly command: CommandSpec; readonly values: OptionValues };

function usage(message: string): CliError {
  return new CliError(CliErrorCode.USAGE, message);
}

function parseConfig(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const option of spec.options) {
    const type = option.kind === 'boolean' ? 'boolean' : 'string';
    const multiple = option.repeatable === true;
    if (multiple && option.kind !== 'string') throw new Error(`Bug: --${option.name} is repeatable but not a string option`);
    options[option.name] = option.short === undefined ? { type, multiple } : { type, multiple, short: option.short };
    if (option.negatable === true) options[`no-${option.name}`] = { type: 'boolean' };
  }
  return options;
}

function convert(option: OptionSpec, raw: string | boolean): string | number | boolean {
  if (option.kind === 'boolean' || typeof raw === 'boolean') return raw;
  if (option.kind === 'integer') {
    const value = /^-?[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) throw usage(`--${option.name} expects an integer, got ${JSON.stringify(raw)}`);
    if (option.min !== undefined && value < option.min) throw usage(`--${option.name} must be at least ${option.min}, got ${value}`);
    return value;
  }
  if (option.kind === 'regex') {
    try {
      new RegExp(raw);
    } catch (error) {
      throw usage(`--${option.name} ${JSON.stringify(raw)} is not a valid regular expression: ${(error as Error).message}`);
    }
    return raw;
  }
  if (option.kind === 'choice') {
    const value = raw.toUpperCase();
    if (!(option.choices ?? []).includes(value)) throw usage(`--${option.name} must be one of ${(option.choices ?? []).join(', ')}, got ${JSON.stringify(raw)}`);
    return value;
  }
  return raw;
}

function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedCommandLine {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: parseConfig(spec), allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
  if (parsed.positionals.length > 0) throw usage(`Unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (raw.help === true) return { kind: 'help', command: spec };
  const values: Record<string, OptionValue> = {};
  for (const option of spec.options) {
    const given = raw[option.name];
    if (given === undefined && option.required === true) throw usage(`${option.short === undefined ? '' : `-${option.short}/`}--${option.name} is required`);
    if (given === undefined) values[option.name] = option.default;
    else values[option.name] = Array.isArray(given) ? given.map((one) => convert(option, one) as string) : convert(option, given);
    if (option.negatable === true && raw[`no-${option.name}`] === true) values[option.name] = false;
  }
  return { kind: 'run', command: spec, values };
}

/** Parses `ringlog <command> [options]`; throws CliError (RL_CLI_USAGE) on bad input. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? CLI_COMMANDS.find((c) => c.name === rest[0]) : undefined;
    return { kind: 'help', command: topic ?? null };
  }
  if (first === '--version' || first === '-V') return { kind: 'version' };
  const spec = CLI_COMMANDS.find((command) => command.name === first);
  if (spec === undefined) throw usage(`Unknown command ${JSON.stringify(first)}; commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}`);
  return parseCommand(spec, rest);
}
