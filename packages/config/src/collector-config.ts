/** The collector config from YAML text, or from a value built by a program. */
import { COLLECTOR_CONFIG_SCHEMA } from './collector-config-schema.ts';
import type { CollectorConfig } from './collector-config-types.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { validatedConfigValue } from './config-from-value.ts';
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
  return cloneDeepFrozen(validatedConfigValue(value, COLLECTOR_CONFIG_SCHEMA, source));
}
