/**
 * YAML config files: parse with positions, validate against a `ConfigSchema`, and either return
 * a cloned, deep-frozen value or throw one `ConfigValidationError` with every problem located by
 * file, line and column. Syntax errors are problems too. Any app's config can use this.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError, YAMLWarning } from 'yaml';
import { formatConfigPath } from './config-path.ts';
import { validateConfigValue } from './config-schema.ts';
import type { ConfigSchema, PathProblem } from './config-schema.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import type { DeepReadonly } from './deep-freeze.ts';
import { ConfigValidationError } from './errors.ts';
import { boundProblems } from './problem.ts';
import type { ConfigProblem } from './problem.ts';
import { CONFIG_FILE_BYTES_MAX } from './limits.ts';
import { YamlLocator } from './yaml-locate.ts';
import { yamlStructureProblems } from './yaml-structure.ts';

/**
 * Aliases a config file may expand. A config has no need for many, and a small bound stops
 * "billion laughs" documents whose aliases expand exponentially.
 */
export const YAML_ALIAS_EXPANSIONS_MAX = 100;

/** Validates YAML text against `schema`; throws `ConfigValidationError` listing every problem. */
export function validateYamlDocument<T>(text: string, file: string, schema: ConfigSchema<T>): DeepReadonly<T> {
  if (text.length > CONFIG_FILE_BYTES_MAX) {
    const message = `the file is longer than a config file may be (${CONFIG_FILE_BYTES_MAX} characters)`;
    throw new ConfigValidationError([{ file, line: 1, column: 1, path: '(yaml)', message }]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    logLevel: 'error', // collect errors and warnings, print nothing ('silent' would drop MULTIPLE_DOCS)
    uniqueKeys: false, // checked in linear time by yamlStructureProblems
    strict: true,
    version: '1.2',
  });
  const locator = new YamlLocator(document, lineCounter);
  const syntaxProblems = [...document.errors, ...document.warnings].map((issue) => yamlIssueProblem(issue, file, lineCounter));
  syntaxProblems.push(...yamlStructureProblems(document, locator, file));
  if (syntaxProblems.length > 0) throw new ConfigValidationError(boundProblems(syntaxProblems));
  const value = toPlainValue(document, file);
  const validation = validateConfigValue(value, schema);
  if (!validation.ok) {
    const problems = validation.problems.map((problem) => locatedProblem(problem, file, locator));
    throw new ConfigValidationError(boundProblems(problems));
  }
  return cloneDeepFrozen(validation.value);
}

function toPlainValue(document: Document, file: string): unknown {
  try {
    const value: unknown = document.toJS({ maxAliasCount: YAML_ALIAS_EXPANSIONS_MAX });
    return value ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `cannot expand the document (more than ${YAML_ALIAS_EXPANSIONS_MAX} alias expansions?): ${reason}`;
    throw new ConfigValidationError([{ file, line: 1, column: 1, path: '(yaml)', message }], { cause: error });
  }
}

function yamlIssueProblem(issue: YAMLError | YAMLWarning, file: string, lineCounter: LineCounter): ConfigProblem {
  const position = lineCounter.linePos(issue.pos[0]);
  return {
    file,
    line: Math.max(1, position.line),
    column: Math.max(1, position.col),
    path: '(yaml)',
    message: issue.message.split('\n')[0] ?? issue.message,
  };
}

function locatedProblem(problem: PathProblem, file: string, locator: YamlLocator): ConfigProblem {
  const position = locator.locate(problem.path, problem.atKey);
  return { file, line: position.line, column: position.column, path: formatConfigPath(problem.path), message: problem.message };
}
