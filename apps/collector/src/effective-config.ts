/**
 * The config a collector runs with: the file (YAML or spreadlogd.conf), or the built-in default,
 * with command-line overrides applied on top.
 */
import { resolve } from 'node:path';
import { collectorConfigFromValue, loadCollectorConfig, parseCollectorConfigYaml, type CollectorConfig, type ConfigWarning, type DeepReadonly } from '@ringlog/config';

export interface RunCollectorArgs {
  readonly config?: string;
  readonly daemon?: string;
  readonly stateDir?: string;
  readonly adminListen?: string;
  readonly admin?: boolean;
  readonly logLevel?: string;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (the command does; tests usually do not). */
  readonly handleSignals?: boolean;
  /** Directory the built-in default writes under (`<cwd>/var/log/www`); default process.cwd(). */
  readonly cwd?: string;
}

export interface EffectiveCollectorConfig {
  readonly config: DeepReadonly<CollectorConfig>;
  readonly warnings: readonly ConfigWarning[];
  readonly source: string;
}

/** The built-in config: group "www" split per vhost under ./var/log/www, state under ./var, daemon on port 4803. */
export function builtInCollectorYaml(cwd: string): string {
  const root = resolve(cwd, 'var/log/www');
  return ['collector:', `  state_dir: ${JSON.stringify(resolve(cwd, 'var/lib/ringlog-collector'))}`, 'logs:', '  - name: www', '    groups: [www]', '    split:', `      root: ${JSON.stringify(root)}`, '      path: "{vhost}/access.log"', ''].join('\n');
}

export async function loadEffectiveCollectorConfig(args: RunCollectorArgs): Promise<EffectiveCollectorConfig> {
  let loaded: EffectiveCollectorConfig;
  if (args.config === undefined) {
    const config = parseCollectorConfigYaml(builtInCollectorYaml(args.cwd ?? process.cwd()), '(built-in)');
    loaded = { config, warnings: [], source: 'built-in defaults' };
  } else {
    const file = await loadCollectorConfig(args.config);
    loaded = { config: file.config, warnings: file.warnings, source: `${args.config} (${file.format})` };
  }
  return { ...loaded, config: withOverrides(loaded.config, args) };
}

/** Command-line overrides go through the same validation as the file, so a bad --daemon is reported like a bad key. */

function withOverrides(config: DeepReadonly<CollectorConfig>, args: RunCollectorArgs): DeepReadonly<CollectorConfig> {
  const adminListen = args.admin === false ? 'off' : args.adminListen;
  if (args.daemon === undefined && args.stateDir === undefined && adminListen === undefined && args.logLevel === undefined) return config;
  const collector = {
    ...config.collector,
    ...(args.daemon === undefined ? {} : { daemon: args.daemon }),
    ...(args.stateDir === undefined ? {} : { state_dir: resolve(args.stateDir) }),
  };
  return collectorConfigFromValue({
    ...config,
    collector,
    admin: { ...config.admin, ...(adminListen === undefined ? {} : { listen: adminListen }) },
    log: { ...config.log, ...(args.logLevel === undefined ? {} : { level: args.logLevel }) },
  }, 'the command line');
}
