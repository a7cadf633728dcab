/** The collector config from YAML text, or from a value built by a program. */
import { formatConfigPath } from './config-path.ts';
import { validateConfigValue } from './config-schema.ts';
import { COLLECTOR_CONFIG_SCHEMA } from './collector-config-schema.ts';
import type { CollectorConfig } from './collector-config-types.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { ConfigValidationError } from './errors.ts';
import { boundProblems } from './problem.ts';
import { validateYamlDocument } from './yaml-validation.ts';

/**
 * Parses and validates a YAML collector config. Returns a deep-frozen value with defaults filled
 * in; throws `ConfigValidationError` listing every problem with file, line and column.
 */
export function parseCollectorConfigYaml(text: string, file: string): CollectorConfig {
  return validateYamlDocument(text, file, COLLECTOR_CONFIG_SCHEMA);
}

/**
 * Validates a plain value shaped like the YAML file (for programs and tests that build a config
 * in code). The value is not changed. Problems name `source` with line and column 1.
 */
export function collectorConfigFromValue(value: unknown, source = '(value)'): CollectorConfig {
  const copy: unknown = structuredClone(value);
  const validation = validateConfigValue(copy, COLLECTOR_CONFIG_SCHEMA);
  if (validation.ok) return cloneDeepFrozen(validation.value);
  const problems = validation.problems.map((problem) => ({
    file: source,
    line: 1,
    column: 1,
    path: formatConfigPath(problem.path),
    message: problem.message,
  }));
  throw new ConfigValidationError(boundProblems(problems));
}
