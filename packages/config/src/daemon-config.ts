/** The daemon config from YAML text, and its defaults. */
import { validateConfigValue } from './config-schema.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { DAEMON_CONFIG_SCHEMA } from './daemon-config-schema.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import { validateYamlDocument } from './yaml-validation.ts';

/**
 * Parses and validates a YAML daemon config. Returns a deep-frozen value with defaults filled
 * in; throws `ConfigValidationError` listing every problem with file, line and column.
 */
export function parseDaemonConfigYaml(text: string, file: string): DaemonConfig {
  return validateYamlDocument(text, file, DAEMON_CONFIG_SCHEMA);
}

/** The config an empty file gives: every default, no segment. Deep-frozen. */
export function defaultDaemonConfig(): DaemonConfig {
  const validation = validateConfigValue({}, DAEMON_CONFIG_SCHEMA);
  if (!validation.ok) throw new Error(`Bug: the defaults do not pass the schema: ${JSON.stringify(validation.problems)}`);
  return cloneDeepFrozen(validation.value);
}
