/**
 * Where everything of a stack is: ports, sockets, configs, state and output, all derived from
 * the stack's directory and its ports. The config templates, the port checks, the readiness
 * waits and the printed summary all read this one object, so they cannot disagree.
 */
import path from 'node:path';

export interface StackPorts {
  /** Client TCP (and ring UDP) port of d1, d2 and d3; each also uses port + 1 for the token. */
  readonly daemons: readonly [number, number, number];
  readonly shipperAdmin: number;
  readonly collectorAdmin: number;
  readonly tcpInput: number;
  readonly httpInput: number;
}

/** The defaults: the daemons of config/segment-3-local.conf, the services' own default ports. */
export const DEFAULT_STACK_PORTS: StackPorts = {
  daemons: [4901, 4911, 4921],
  shipperAdmin: 9181,
  collectorAdmin: 9180,
  tcpInput: 5140,
  httpInput: 9182,
};

export const HOST = '127.0.0.1';

export interface StackDaemon {
  readonly name: string;
  readonly port: number;
  /** Its unix socket for clients, under var/run/ringlog. */
  readonly socket: string;
  /** Its client address as a Spread name: `port@127.0.0.1`. */
  readonly spreadName: string;
}

export interface StackLayout {
  readonly dir: string;
  readonly ports: StackPorts;
  /** Rendered configs and the segment key. */
  readonly etcDir: string;
  /** Every unix socket. */
  readonly runDir: string;
  readonly shipperStateDir: string;
  /** The collector's split root: <logRoot>/<vhost>/access.log. */
  readonly logRoot: string;
  readonly segmentConf: string;
  readonly keyFile: string;
  readonly shipperConfig: string;
  readonly collectorConfig: string;
  readonly daemons: readonly [StackDaemon, StackDaemon, StackDaemon];
  /** The daemon the shipper sends to (d1, over its unix socket). */
  readonly shipperDaemon: StackDaemon;
  /** The daemon the collector reads from (d3, over TCP): every line crosses the ring. */
  readonly collectorDaemon: StackDaemon;
  readonly accessSocket: string;
  readonly pipeSocket: string;
  readonly shipperAdminUrl: string;
  readonly collectorAdminUrl: string;
  readonly httpIngestUrl: string;
}

export function stackLayout(dir: string, ports: StackPorts = DEFAULT_STACK_PORTS): StackLayout {
  const root = path.resolve(dir);
  const runDir = path.join(root, 'var/run/ringlog');
  const daemon = (index: number): StackDaemon => {
    const name = `d${index + 1}`;
    const port = ports.daemons[index]!;
    return { name, port, socket: path.join(runDir, `${name}.sock`), spreadName: `${port}@${HOST}` };
  };
  const daemons = [daemon(0), daemon(1), daemon(2)] as const;
  const etcDir = path.join(root, 'var/etc/ringlog');
  return {
    dir: root,
    ports,
    etcDir,
    runDir,
    shipperStateDir: path.join(root, 'var/lib/ringlog-shipper'),
    logRoot: path.join(root, 'var/log/www'),
    segmentConf: path.join(etcDir, 'segment.conf'),
    keyFile: path.join(etcDir, 'segment.key'),
    shipperConfig: path.join(etcDir, 'shipper.yaml'),
    collectorConfig: path.join(etcDir, 'collector.yaml'),
    daemons,
    shipperDaemon: daemons[0],
    collectorDaemon: daemons[2],
    accessSocket: path.join(runDir, 'access.sock'),
    pipeSocket: path.join(runDir, 'pipe.sock'),
    shipperAdminUrl: `http://${HOST}:${ports.shipperAdmin}`,
    collectorAdminUrl: `http://${HOST}:${ports.collectorAdmin}`,
    httpIngestUrl: `http://${HOST}:${ports.httpInput}/ingest`,
  };
}

/** Values of the config templates' {{placeholders}}. */
export function templateValues(layout: StackLayout): Readonly<Record<string, string>> {
  const [d1, d2, d3] = layout.daemons;
  return {
    dir: layout.dir,
    d1_port: String(d1.port),
    d2_port: String(d2.port),
    d3_port: String(d3.port),
    shipper_daemon: layout.shipperDaemon.socket,
    collector_daemon: layout.collectorDaemon.spreadName,
    shipper_admin_port: String(layout.ports.shipperAdmin),
    collector_admin_port: String(layout.ports.collectorAdmin),
    tcp_input_port: String(layout.ports.tcpInput),
    http_input_port: String(layout.ports.httpInput),
  };
}

/** `target` as `./relative` when it is under `base` (the working directory), else absolute: for what is printed. */
export function shownPath(base: string, target: string): string {
  const relative = path.relative(base, target);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? target : `./${relative}`;
}
