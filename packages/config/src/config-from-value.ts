/** Validation of a config built in code (not parsed from a file), shared by every config kind. */
import { formatConfigPath } from './config-path.ts';
import { validateConfigValue, type ConfigSchema } from './config-schema.ts';
import { ConfigValidationError } from './errors.ts';
import { boundProblems } from './problem.ts';

/**
 * Validates a copy of `value` against `schema` and returns it with defaults filled in; throws
 * ConfigValidationError whose problems name `source` with line and column 1.
 */
export function validatedConfigValue<T>(value: unknown, schema: ConfigSchema<T>, source: string): T {
  const copy: unknown = structuredClone(value);
  const validation = validateConfigValue(copy, schema);
  if (validation.ok) return validation.value;
  const problems = validation.problems.map((problem) => ({ file: source, line: 1, column: 1, path: formatConfigPath(problem.path), message: problem.message }));
  throw new ConfigValidationError(boundProblems(problems));
}
