/**
 * The config a shipper runs with: the file, or the built-in default, with command-line
 * overrides applied on top and validated like the file.
 */
import { resolve } from 'node:path';
import { loadShipperConfig, parseShipperConfigYaml, shipperConfigFromValue, type DeepReadonly, type ShipperConfig } from '@ringlog/config';

export interface RunShipperArgs {
  readonly config?: string;
  readonly daemon?: string;
  readonly stateDir?: string;
  readonly adminListen?: string;
  readonly admin?: boolean;
  readonly logLevel?: string;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (the command does; tests usually do not). */
  readonly handleSignals?: boolean;
  /** Directory the built-in default keeps its sockets and state under; default process.cwd(). */
  readonly cwd?: string;
}

export interface EffectiveShipperConfig {
  readonly config: DeepReadonly<ShipperConfig>;
  readonly source: string;
}

/** The built-in config: the common local inputs, group "www", state under ./var. */
export function builtInShipperYaml(cwd: string): string {
  const at = (path: string): string => JSON.stringify(resolve(cwd, path));
  return [
    'shipper:',
    `  state_dir: ${at('var/lib/ringlog-shipper')}`,
    'inputs:',
    `  - { type: unix, path: ${at('var/run/ringlog/access.sock')}, group: www }`,
    '  - { type: tcp, listen: "127.0.0.1:5140", group: www }',
    '  - { type: syslog_udp, listen: "127.0.0.1:5514", group: www }',
    `  - { type: pipe, path: ${at('var/run/ringlog/pipe.sock')}, group: www }`,
    '  - { type: http, listen: "127.0.0.1:9182", group: www }',
    '',
  ].join('\n');
}

export async function loadEffectiveShipperConfig(args: RunShipperArgs): Promise<EffectiveShipperConfig> {
  let loaded: EffectiveShipperConfig;
  if (args.config === undefined) {
    loaded = { config: parseShipperConfigYaml(builtInShipperYaml(args.cwd ?? process.cwd()), '(built-in)'), source: 'built-in defaults' };
  } else {
    loaded = { config: (await loadShipperConfig(args.config)).config, source: args.config };
  }
  return { ...loaded, config: withOverrides(loaded.config, args) };
}

function withOverrides(config: DeepReadonly<ShipperConfig>, args: RunShipperArgs): DeepReadonly<ShipperConfig> {
  const adminListen = args.admin === false ? 'off' : args.adminListen;
  if (args.daemon === undefined && args.stateDir === undefined && adminListen === undefined && args.logLevel === undefined) return config;
  const shipper = {
    ...config.shipper,
    ...(args.daemon === undefined ? {} : { daemon: args.daemon }),
    ...(args.stateDir === undefined ? {} : { state_dir: resolve(args.stateDir) }),
  };
  return shipperConfigFromValue(
    {
      ...config,
      shipper,
      admin: { ...config.admin, ...(adminListen === undefined ? {} : { listen: adminListen }) },
      log: { ...config.log, ...(args.logLevel === undefined ? {} : { level: args.logLevel }) },
    },
    'the command line',
  );
}
