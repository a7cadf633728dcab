/** A declarative option table, shared by ringlog's server commands: the parser config and --help lines come from it. */
import type { ParseArgsConfig } from 'node:util';

export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly value?: string;
  readonly description: string;
}

export function parseArgsOptions(specs: readonly OptionSpec[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const spec of specs) {
    options[spec.name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/** One `  -c, --config FILE   description` line per option, flags padded to `flagWidth`. */
export function optionHelpLines(specs: readonly OptionSpec[], flagWidth: number): string[] {
  return specs.map((spec) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.name}${spec.value ? ` ${spec.value}` : ''}`;
    return `  ${flag.padEnd(flagWidth)} ${spec.description}`;
  });
}
