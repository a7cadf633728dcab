/** Help text, generated from the option table so it always lists every option and default. */
import { PROGRAM, type CommandSpec, type OptionSpec } from './cli-options.ts';
import { CLI_COMMANDS } from './parse-command-line.ts';

function flags(option: OptionSpec): string {
  const value = option.kind === 'boolean' ? '' : ` ${option.valueName ?? 'VALUE'}`;
  const short = option.short === undefined ? '    ' : `-${option.short}, `;
  const twin = option.negatable === true ? `, --no-${option.name}` : '';
  return `${short}--${option.name}${value}${twin}`;
}

function defaultText(option: OptionSpec): string {
  if (option.name === 'help') return '';
  if (option.required === true) return ' (required)';
  if (Array.isArray(option.default)) return option.default.length === 0 ? ' (repeatable)' : ` (repeatable; default: ${option.default.join(' ')})`;
  if (option.kind === 'boolean') return ` (default: ${option.default ? 'on' : 'off'})`;
  if (option.kind === 'choice') return ` One of ${(option.choices ?? []).join(', ')} (default: ${String(option.default)})`;
  return ` (default: ${JSON.stringify(option.default)})`;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.join(`\n${indent}`);
}

export function commandHelp(spec: CommandSpec): string {
  const rows = spec.options.map((option) => [flags(option), `${option.description}${defaultText(option)}`] as const);
  const column = Math.max(...rows.map(([left]) => left.length)) + 2;
  const indent = ' '.repeat(column + 2);
  const body = rows.map(([left, right]) => `  ${left.padEnd(column)}${wrap(right, 100 - column, indent)}`).join('\n');
  const notes = spec.notes === undefined ? '' : `\n${spec.notes}\n`;
  return `Usage: ${PROGRAM.name} ${spec.name} [options]\n\n${spec.summary}.\n${wrap(spec.description, 100, '')}\n\nOptions:\n${body}\n${notes}`;
}

export function programHelp(): string {
  const commands = CLI_COMMANDS.map((c) => `  ${c.name.padEnd(8)}${c.summary}`).join('\n');
  return `Usage: ${PROGRAM.name} <command> [options]\n\n${PROGRAM.summary}.\n\nCommands:\n${commands}\n\nOptions:\n  -h, --help     Show this help; "${PROGRAM.name} <command> --help" explains a command's options\n  -V, --version  Print the version\n`;
}
