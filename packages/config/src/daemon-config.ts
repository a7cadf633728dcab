/** The daemon config from YAML text, and its defaults. */
import { dirname, isAbsolute, resolve } from 'node:path';
import { validateConfigValue } from './config-schema.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { DAEMON_CONFIG_SCHEMA } from './daemon-config-schema.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import { validateYamlDocument } from './yaml-validation.ts';

/**
 * Parses and validates a YAML daemon config. Returns a deep-frozen value with defaults filled
 * in, and a relative `segment.key_file` made absolute against the directory of `file`; throws
 * `ConfigValidationError` listing every problem with file, line and column.
 */
export function parseDaemonConfigYaml(text: string, file: string): DaemonConfig {
  const config = validateYamlDocument(text, file, DAEMON_CONFIG_SCHEMA);
  const keyFile = config.segment?.key_file;
  if (config.segment === undefined || keyFile === undefined || isAbsolute(keyFile)) return config;
  return cloneDeepFrozen({ ...config, segment: { ...config.segment, key_file: resolve(dirname(resolve(file)), keyFile) } });
}

/** The config an empty file gives: every default, no segment. Deep-frozen. */
export function defaultDaemonConfig(): DaemonConfig {
  const validation = validateConfigValue({}, DAEMON_CONFIG_SCHEMA);
  if (!validation.ok) throw new Error(`Bug: the defaults do not pass the schema: ${JSON.stringify(validation.problems)}`);
  return cloneDeepFrozen(validation.value);
}
