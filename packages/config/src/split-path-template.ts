/**
 * `split.path` and `split.catch_all`: file names relative to `split.root`, with placeholders
 * `{vhost}` `{group}` `{log}` and strftime conversions. The rules keep every file under the
 * root whatever a placeholder expands to (the vhost itself is checked when a line arrives).
 */
import { scanStrftime } from './strftime-pattern.ts';

export const SPLIT_PLACEHOLDERS = ['{vhost}', '{group}', '{log}'] as const;
export const VHOST_PLACEHOLDER = '{vhost}';

export interface TemplateRules {
  /** `split.path` needs `{vhost}`; `catch_all` must not have it (it takes the lines without a usable vhost). */
  readonly vhost: 'required' | 'forbidden';
}

/** The problem with a template, or undefined when it is valid. */
export function splitTemplateProblem(template: string, rules: TemplateRules): string | undefined {
  if (template === '') return 'must not be empty';
  if (template.includes('\0')) return 'must not contain NUL';
  if (template.includes('\\')) return 'must not contain "\\" (use "/" between directories)';
  if (template.startsWith('/')) return 'must be relative to split.root, not an absolute path';
  if (template.endsWith('/')) return 'must name a file, not end with "/"';
  if (template.split('/').includes('..')) return 'must not contain a ".." segment (files stay under split.root)';
  const placeholders = placeholderProblem(template);
  if (placeholders !== undefined) return placeholders;
  const hasVhost = template.includes(VHOST_PLACEHOLDER);
  if (rules.vhost === 'required' && !hasVhost) return `must contain ${VHOST_PLACEHOLDER}`;
  if (rules.vhost === 'forbidden' && hasVhost) return `must not contain ${VHOST_PLACEHOLDER} (it takes the lines that have no usable vhost)`;
  return scanStrftime(template).problem;
}

function placeholderProblem(template: string): string | undefined {
  const withoutKnown = SPLIT_PLACEHOLDERS.reduce((text, placeholder) => text.split(placeholder).join(''), template);
  const unknown = /\{[^{}]*\}/.exec(withoutKnown);
  if (unknown !== null) {
    return `unknown placeholder ${JSON.stringify(unknown[0].slice(0, 40))} (known: ${SPLIT_PLACEHOLDERS.join(' ')})`;
  }
  if (withoutKnown.includes('{') || withoutKnown.includes('}')) {
    return `has an unbalanced "{" or "}" (placeholders are ${SPLIT_PLACEHOLDERS.join(' ')})`;
  }
  return undefined;
}
