/** Reads the daemon's config file, YAML or Spread's spread.conf, picking the format by name or content. */
import { basename } from 'node:path';
import { validateConfigValue } from './config-schema.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { parseDaemonConfigYaml } from './daemon-config.ts';
import { DAEMON_CONFIG_SCHEMA } from './daemon-config-schema.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import { ConfigValidationError } from './errors.ts';
import type { ConfigWarning } from './problem.ts';
import { formatConfigPath } from './config-path.ts';
import { readConfigText } from './read-config-text.ts';
import { parseSpreadConf } from './spread-conf-parser.ts';
import { spreadConfToDaemonConfig } from './spread-conf-to-daemon-config.ts';

export type ConfigFormat = 'yaml' | 'spread.conf';

export interface LoadDaemonConfigOptions {
  /** For spread.conf: which daemon this is (`spread -n`). For YAML: overrides daemon.name. */
  readonly daemonName?: string;
  /** For spread.conf without `daemonName`; default: this host's interface addresses. */
  readonly localAddresses?: readonly string[];
  /**
   * For spread.conf only: the segment key file, relative to the working directory, overriding
   * RinglogKeyFile (a spread.conf shared with upstream Spread cannot carry that key). A YAML
   * config names its key in segment.key_file.
   */
  readonly segmentKeyFile?: string;
}

export interface LoadedDaemonConfig {
  readonly config: DaemonConfig;
  readonly warnings: ConfigWarning[];
  readonly format: ConfigFormat;
}

/** spread.conf when the name ends in `.conf` or the text has a `Spread_Segment` token; else YAML. */
export function detectConfigFormat(path: string, text: string): ConfigFormat {
  if (basename(path).endsWith('.conf')) return 'spread.conf';
  return /(^|[\s{};])Spread_Segment(?=[\s{]|$)/m.test(text) ? 'spread.conf' : 'yaml';
}

/**
 * Reads and validates the daemon config. Throws `ConfigReadError`, `ConfigValidationError`
 * (every problem, with lines) or `ConfigDaemonNotFoundError` (spread.conf only).
 */
export async function loadDaemonConfig(path: string, options: LoadDaemonConfigOptions = {}): Promise<LoadedDaemonConfig> {
  const text = await readConfigText(path);
  const format = detectConfigFormat(path, text);
  if (format === 'spread.conf') {
    const conf = parseSpreadConf(text, path);
    const { config, warnings } = spreadConfToDaemonConfig(conf, options);
    return { config, warnings, format };
  }
  const config = parseDaemonConfigYaml(text, path);
  const named = options.daemonName === undefined ? config : renameDaemon(config, options.daemonName, path);
  return { config: named, warnings: [], format };
}

/** `-n NAME` with a YAML config: the name replaces daemon.name and is validated like it. */
function renameDaemon(config: DaemonConfig, daemonName: string, file: string): DaemonConfig {
  const value: unknown = structuredClone({ ...config, daemon: { ...config.daemon, name: daemonName } });
  const validation = validateConfigValue(value, DAEMON_CONFIG_SCHEMA);
  if (validation.ok) return cloneDeepFrozen(validation.value);
  const problems = validation.problems.map((problem) => ({
    file: `${file} (with -n ${JSON.stringify(daemonName.slice(0, 40))})`,
    line: 1,
    column: 1,
    path: formatConfigPath(problem.path),
    message: problem.message,
  }));
  throw new ConfigValidationError(problems);
}
