/** Reads the collector's config file, YAML or spreadlogd's spreadlogd.conf, picking the format by name or content. */
import { basename } from 'node:path';
import { parseCollectorConfigYaml } from './collector-config.ts';
import type { CollectorConfig } from './collector-config-types.ts';
import type { ConfigWarning } from './problem.ts';
import { readConfigText } from './read-config-text.ts';
import { parseSpreadlogdConf } from './spreadlogd-conf-parser.ts';
import { spreadlogdConfToCollectorConfig } from './spreadlogd-conf-to-collector-config.ts';
import type { SpreadlogdConversionOptions } from './spreadlogd-conf-to-collector-config.ts';

export type CollectorConfigFormat = 'yaml' | 'spreadlogd';

export type LoadCollectorConfigOptions = SpreadlogdConversionOptions;

export interface LoadedCollectorConfig {
  readonly config: CollectorConfig;
  readonly format: CollectorConfigFormat;
  /** For spreadlogd.conf: what was ignored or changed in the migration. Empty for YAML. */
  readonly warnings: ConfigWarning[];
}

/**
 * YAML when the name ends in `.yaml` or `.yml`; spreadlogd.conf when the name ends in `.conf` or
 * the text has a `Spread {` block (or a `BufferSize =` line); YAML otherwise.
 */
export function detectCollectorConfigFormat(path: string, text: string): CollectorConfigFormat {
  const name = basename(path);
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  if (name.endsWith('.conf')) return 'spreadlogd';
  return /(^|[\s}])Spread\s*\{/.test(text) || /^\s*BufferSize\s+=/m.test(text) ? 'spreadlogd' : 'yaml';
}

/**
 * Reads and validates the collector config. Throws `ConfigReadError`, `ConfigValidationError`
 * (every problem, with lines and columns) or `ConfigDaemonNotFoundError` (a spreadlogd.conf
 * naming several daemons without `spreadlogdBlock`).
 */
export async function loadCollectorConfig(path: string, options: LoadCollectorConfigOptions = {}): Promise<LoadedCollectorConfig> {
  const text = await readConfigText(path);
  const format = detectCollectorConfigFormat(path, text);
  if (format === 'yaml') return { config: parseCollectorConfigYaml(text, path), format, warnings: [] };
  const { config, warnings } = spreadlogdConfToCollectorConfig(parseSpreadlogdConf(text, path), options);
  return { config, format, warnings };
}
