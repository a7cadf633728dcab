/**
 * The YAML of the chaos run's shippers and collectors (config/shipper.yaml and
 * config/collector.yaml document every key). Each has its own state directory, kept across its
 * restarts: that is what a kill -9 must not lose. Collectors split group www per vhost and write
 * each line unaltered (no timestamp rewrite, vhost kept), so the check can compare bytes.
 */

/** The group the load goes to. */
export const LOAD_GROUP = 'www';
/** The group collectors acknowledge on and shippers listen to (both apps' default). */
export const ACK_GROUP = 'ringlog-acks';
/**
 * Redial at most this long after a lost daemon (the default is 5 s): a restarted daemon is
 * back within seconds, and the schedule strikes every 1-3 s.
 */
const RECONNECT_MAX_DELAY_MS = 1000;

export interface ShipperConfigValues {
  /** Spread private name, unique per daemon. */
  readonly name: string;
  /** The daemon, as a Spread name: PORT@127.0.0.1. */
  readonly daemon: string;
  readonly stateDir: string;
  readonly adminPort: number;
  readonly httpPort: number;
}

export function shipperYaml(values: ShipperConfigValues): string {
  return [
    'shipper:',
    `  name: ${values.name}`,
    `  daemon: ${JSON.stringify(values.daemon)}`,
    `  state_dir: ${JSON.stringify(values.stateDir)}`,
    `  reconnect_max_delay_ms: ${RECONNECT_MAX_DELAY_MS}`,
    'admin:',
    `  listen: "127.0.0.1:${values.adminPort}"`,
    'log:',
    '  level: info',
    'upstream:',
    '  delivery: acknowledged',
    `  ack_group: ${ACK_GROUP}`,
    'inputs:',
    '  - type: http',
    '    name: http',
    `    group: ${LOAD_GROUP}`,
    `    listen: "127.0.0.1:${values.httpPort}"`,
    '',
  ].join('\n');
}

export interface CollectorConfigValues {
  readonly name: string;
  readonly daemon: string;
  readonly stateDir: string;
  readonly adminPort: number;
  /** The split root: files are <root>/<vhost>/access.log. */
  readonly outDir: string;
}

export function collectorYaml(values: CollectorConfigValues): string {
  return [
    'collector:',
    `  name: ${values.name}`,
    `  daemon: ${JSON.stringify(values.daemon)}`,
    `  state_dir: ${JSON.stringify(values.stateDir)}`,
    `  ack_group: ${ACK_GROUP}`,
    `  reconnect_max_delay_ms: ${RECONNECT_MAX_DELAY_MS}`,
    'admin:',
    `  listen: "127.0.0.1:${values.adminPort}"`,
    'log:',
    '  level: info',
    'logs:',
    '  - name: www',
    `    groups: [${LOAD_GROUP}]`,
    '    rewrite_timestamp: none',
    '    split:',
    `      root: ${JSON.stringify(values.outDir)}`,
    '      path: "{vhost}/access.log"',
    '      strip_vhost: false',
    '',
  ].join('\n');
}
