/**
 * Defaults of the shipper config, next to the schema that applies them. Each carries its unit.
 * `config/shipper.yaml` shows the same values; a test keeps the two in step.
 *
 * Section defaults are filled in by the schema. Input defaults depend on the input's `type` (and
 * `name` on its index), which JSON schema cannot express, so they are filled in after validation.
 */
import type { AdminSection } from './collector-config-types.ts';
import type {
  BatchSection,
  FileInputConfig,
  HttpInputConfig,
  InputType,
  LinesSection,
  PipeInputConfig,
  ShipperLogSection,
  ShipperSection,
  SpoolSection,
  SpreadInputConfig,
  TcpInputConfig,
  UdpInputConfig,
  UnixDgramInputConfig,
  UnixInputConfig,
  UpstreamSection,
} from './shipper-config-types.ts';

export const SHIPPER_SECTION_DEFAULTS: ShipperSection = {
  name: 'rlship', // Spread private name, 1..10 characters
  daemon: '4803', // Spread name: the local daemon's unix socket /tmp/4803
  embedded_config: '', // path; empty = ringlogd's defaults
  embedded_name: '', // daemon name; empty = the only daemon of embedded_config
  reconnect_initial_delay_ms: 100, // milliseconds
  reconnect_max_delay_ms: 5000, // milliseconds
  service: 'agreed', // Spread service type of every batch
  state_dir: '/var/lib/ringlog-shipper', // absolute directory path
};

export const SHIPPER_ADMIN_SECTION_DEFAULTS: AdminSection = {
  listen: '127.0.0.1:9181', // HOST:PORT, [IPv6]:PORT or "off"; the collector's default plus one
};

export const SHIPPER_LOG_SECTION_DEFAULTS: ShipperLogSection = {
  level: 'info', // pino level name
  file: '', // path; empty = standard error
};

export const LINES_SECTION_DEFAULTS: LinesSection = {
  max_bytes: 65_536, // bytes (64 KiB), terminator excluded
  overlong: 'split', // policy name
};

export const BATCH_SECTION_DEFAULTS: BatchSection = {
  max_bytes: 65_536, // bytes (64 KiB), lines and their newlines
  max_delay_ms: 5, // milliseconds
};

export const UPSTREAM_SECTION_DEFAULTS: UpstreamSection = {
  delivery: 'acknowledged', // acknowledged or ordered
  ack_group: 'ringlog-acks', // Spread group name
  lagging_collector_max_bytes: 536_870_912, // bytes (512 MiB)
  window_bytes: 8_388_608, // bytes (8 MiB)
  memory_max_bytes: 67_108_864, // bytes (64 MiB)
};

export const SPOOL_SECTION_DEFAULTS: SpoolSection = {
  max_bytes: 1_073_741_824, // bytes (1 GiB)
  segment_bytes: 67_108_864, // bytes (64 MiB)
  on_full: 'drop_newest', // policy name
  fsync_interval_ms: 1000, // milliseconds; 0 = never
};

/** Every input setting that has a default, by input type (`name` aside: see `defaultInputName`). */
export interface ShipperInputDefaults {
  readonly unix: Pick<UnixInputConfig, 'vhost_buckets' | 'mode' | 'max_connections' | 'idle_timeout_ms'>;
  readonly syslog_unix: Pick<UnixInputConfig, 'vhost_buckets' | 'mode' | 'max_connections' | 'idle_timeout_ms'>;
  readonly pipe: Pick<PipeInputConfig, 'vhost_buckets' | 'mode' | 'max_connections' | 'idle_timeout_ms'>;
  readonly unix_dgram: Pick<UnixDgramInputConfig, 'vhost_buckets' | 'mode'>;
  readonly syslog_unix_dgram: Pick<UnixDgramInputConfig, 'vhost_buckets' | 'mode'>;
  readonly tcp: Pick<TcpInputConfig, 'vhost_buckets' | 'framing' | 'max_connections' | 'idle_timeout_ms'>;
  readonly syslog_tcp: Pick<TcpInputConfig, 'vhost_buckets' | 'framing' | 'max_connections' | 'idle_timeout_ms'>;
  readonly syslog_udp: Pick<UdpInputConfig, 'vhost_buckets'>;
  readonly file: Pick<FileInputConfig, 'vhost_buckets' | 'start_at' | 'checkpoint_interval_ms'>;
  readonly http: Pick<HttpInputConfig, 'vhost_buckets' | 'body_max_bytes'>;
  readonly spread: Pick<SpreadInputConfig, 'group' | 'vhost_buckets' | 'max_connections'>;
}

const SOCKET_MODE = '0666'; // octal permission string: any local user may write lines
const CONNECTIONS = 100_000; // concurrent connections
const IDLE_TIMEOUT_MS = 0; // milliseconds; 0 = never close an idle connection
const VHOST_BUCKETS = 0; // buckets; 0 = every line goes to `group`

const STREAM_SOCKET = { vhost_buckets: VHOST_BUCKETS, mode: SOCKET_MODE, max_connections: CONNECTIONS, idle_timeout_ms: IDLE_TIMEOUT_MS };
const DATAGRAM_SOCKET = { vhost_buckets: VHOST_BUCKETS, mode: SOCKET_MODE };

export const SHIPPER_INPUT_DEFAULTS: ShipperInputDefaults = {
  unix: STREAM_SOCKET,
  syslog_unix: STREAM_SOCKET,
  pipe: STREAM_SOCKET,
  unix_dgram: DATAGRAM_SOCKET,
  syslog_unix_dgram: DATAGRAM_SOCKET,
  tcp: { vhost_buckets: VHOST_BUCKETS, framing: 'newline', max_connections: CONNECTIONS, idle_timeout_ms: IDLE_TIMEOUT_MS },
  // Syslog senders disagree on framing (rsyslog counts octets, many others end lines), so look.
  syslog_tcp: { vhost_buckets: VHOST_BUCKETS, framing: 'auto', max_connections: CONNECTIONS, idle_timeout_ms: IDLE_TIMEOUT_MS },
  syslog_udp: { vhost_buckets: VHOST_BUCKETS },
  file: {
    vhost_buckets: VHOST_BUCKETS,
    start_at: 'end', // a file seen for the first time: ship what is written from now on
    checkpoint_interval_ms: 1000, // milliseconds
  },
  http: { vhost_buckets: VHOST_BUCKETS, body_max_bytes: 16_777_216 }, // bytes (16 MiB)
  spread: {
    group: '', // empty = keep the groups the senders name
    vhost_buckets: VHOST_BUCKETS,
    max_connections: CONNECTIONS,
  },
};

/** `<type>-<index>`, e.g. `unix-0`: the name of an input that has none. */
export function defaultInputName(type: InputType, index: number): string {
  return `${type}-${index}`;
}

/** Every default of the input at `index` of `inputs` with this type, its name included. */
export function shipperInputDefaults<T extends InputType>(type: T, index: number): ShipperInputDefaults[T] & { readonly name: string } {
  return { name: defaultInputName(type, index), ...SHIPPER_INPUT_DEFAULTS[type] };
}
