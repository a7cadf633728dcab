/**
 * The shipper's validated configuration. Keys mirror the YAML file (snake_case, unit suffixes).
 *
 * A shipper takes lines from local inputs, batches them per destination group, writes every
 * batch to its spool (a write-ahead log on disk), and sends the spool over one daemon session.
 */
import type { AdminSection } from './collector-config-types.ts';
import type { LogLevel } from './daemon-config-types.ts';

export const SHIPPER_SERVICES = ['unreliable', 'reliable', 'fifo', 'causal', 'agreed', 'safe'] as const;
export type ShipperService = (typeof SHIPPER_SERVICES)[number];

export const OVERLONG_POLICIES = ['split', 'truncate'] as const;
/** split: an overlong line becomes several lines of at most max_bytes; truncate: its tail is dropped. */
export type OverlongPolicy = (typeof OVERLONG_POLICIES)[number];

export const SPOOL_FULL_POLICIES = ['drop_newest', 'block'] as const;
/**
 * What happens to new lines when the spool holds `spool.max_bytes` not yet acknowledged:
 * drop_newest: they are dropped and counted (the web server never waits);
 * block: stream inputs stop reading (writers feel backpressure), HTTP answers 503, datagrams drop.
 */
export type SpoolFullPolicy = (typeof SPOOL_FULL_POLICIES)[number];

export const INPUT_TYPES = ['unix', 'unix_dgram', 'tcp', 'syslog_udp', 'syslog_tcp', 'syslog_unix', 'syslog_unix_dgram', 'file', 'http', 'pipe', 'spread'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export const TCP_FRAMINGS = ['newline', 'octet_counted', 'auto'] as const;
/** auto: per connection, octet counting (RFC 6587 §3.4.1) when the first byte is a digit, else newline. */
export type TcpFraming = (typeof TCP_FRAMINGS)[number];

export const FILE_START_POSITIONS = ['beginning', 'end'] as const;
export type FileStartPosition = (typeof FILE_START_POSITIONS)[number];

export interface ShipperSection {
  /** The shipper's Spread private name (1..10 characters). */
  readonly name: string;
  /** A Spread name (`4803`, `4803@logbox`, `/tmp/4803`, `unix:/path`, `tcp:host:port`) or `embedded`. */
  readonly daemon: string;
  /** ringlogd YAML or spread.conf for the embedded daemon; empty = ringlogd's defaults. */
  readonly embedded_config: string;
  /** The daemon name inside `embedded_config` when it names several daemons. */
  readonly embedded_name: string;
  readonly reconnect_initial_delay_ms: number;
  readonly reconnect_max_delay_ms: number;
  /** Service type of every batch sent upstream. */
  readonly service: ShipperService;
  /** Directory for the spool and file-tail checkpoints; created 0700 if missing. */
  readonly state_dir: string;
}

export interface ShipperLogSection {
  readonly level: LogLevel;
  /** Empty = standard error. */
  readonly file: string;
}

export interface LinesSection {
  /** Longest line kept whole, in bytes (terminator excluded). */
  readonly max_bytes: number;
  readonly overlong: OverlongPolicy;
}

export interface BatchSection {
  /** A batch is sent once it holds this many bytes (lines and their newlines). */
  readonly max_bytes: number;
  /** Longest a line waits in an open batch before the batch is written to the spool. */
  readonly max_delay_ms: number;
}

export const DELIVERY_MODES = ['acknowledged', 'ordered'] as const;
/**
 * acknowledged: batches carry the shipper's id and offsets and stay spooled until every collector
 * that ever acknowledged this shipper has written them (exactly once: docs/delivery.md).
 * ordered: plain bodies, forgotten once the daemon has ordered them (for spreadlogd and other
 * plain Spread receivers; a crash can lose or repeat a batch).
 */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export interface UpstreamSection {
  readonly delivery: DeliveryMode;
  /** The group collectors acknowledge on (acknowledged delivery). */
  readonly ack_group: string;
  /**
   * A collector further behind the most advanced one than this stops holding the spool back: the
   * batches only it lacks are forgotten once every other collector has them (counted), so one
   * dead logging box cannot fill the spool of every web node.
   */
  readonly lagging_collector_max_bytes: number;
  /** Bytes sent but not yet confirmed by the daemon; sending pauses beyond it. */
  readonly window_bytes: number;
  /** Spool bytes kept in memory so sending does not read them back from disk. */
  readonly memory_max_bytes: number;
}

export interface SpoolSection {
  /** Bytes written but not yet confirmed by the daemon; `on_full` applies beyond it. */
  readonly max_bytes: number;
  /** Size of one spool segment file. */
  readonly segment_bytes: number;
  readonly on_full: SpoolFullPolicy;
  /** fsync the spool this often; 0 = leave it to the OS (kill -9 still loses nothing written). */
  readonly fsync_interval_ms: number;
}

interface InputBase {
  /** Unique among inputs; defaults to `<type>-<index>`. Names metrics and checkpoints. */
  readonly name: string;
  /** Destination group; for `pipe` and `spread`, the default when the writer names none. */
  readonly group: string;
  /**
   * 0 = every line goes to `group`. N > 0 = mod_log_spread's mass-vhost mode: the first token of
   * each line (the vhost) is hashed into N buckets and the line goes to `<group>-<bucket>`.
   */
  readonly vhost_buckets: number;
}

interface StreamInputLimits {
  /** Concurrent connections accepted; more are refused and counted. */
  readonly max_connections: number;
  /** A connection silent for this long is closed; 0 = never (idle writers cost little). */
  readonly idle_timeout_ms: number;
}

interface SocketFile {
  /** Absolute path of the socket; a stale socket file there is replaced. */
  readonly path: string;
  /** Permission bits of the socket file, an octal string such as "0660". */
  readonly mode: string;
}

export interface UnixInputConfig extends InputBase, StreamInputLimits, SocketFile {
  readonly type: 'unix' | 'syslog_unix';
}

export interface UnixDgramInputConfig extends InputBase, SocketFile {
  readonly type: 'unix_dgram' | 'syslog_unix_dgram';
}

export interface TcpInputConfig extends InputBase, StreamInputLimits {
  readonly type: 'tcp' | 'syslog_tcp';
  /** `HOST:PORT`; 127.0.0.1 by default. */
  readonly listen: string;
  readonly framing: TcpFraming;
}

export interface UdpInputConfig extends InputBase {
  readonly type: 'syslog_udp';
  readonly listen: string;
}

export interface FileInputConfig extends InputBase {
  readonly type: 'file';
  /** Absolute paths or globs; files appearing later are picked up. */
  readonly paths: readonly string[];
  /** Where to start in a file seen for the first time and not in the checkpoint. */
  readonly start_at: FileStartPosition;
  /** How often read offsets are checkpointed (they are also saved at shutdown). */
  readonly checkpoint_interval_ms: number;
}

export interface HttpInputConfig extends InputBase {
  readonly type: 'http';
  readonly listen: string;
  /** Largest request body accepted. */
  readonly body_max_bytes: number;
}

export interface PipeInputConfig extends InputBase, StreamInputLimits, SocketFile {
  readonly type: 'pipe';
}

export interface SpreadInputConfig extends InputBase {
  readonly type: 'spread';
  /** Spread listen name: a port (`4803`: TCP 127.0.0.1:4803 and unix /tmp/4803), `HOST:PORT`, or `unix:/path`. */
  readonly listen: string;
  readonly max_connections: number;
}

export type ShipperInputConfig =
  | UnixInputConfig
  | UnixDgramInputConfig
  | TcpInputConfig
  | UdpInputConfig
  | FileInputConfig
  | HttpInputConfig
  | PipeInputConfig
  | SpreadInputConfig;

export interface ShipperConfig {
  readonly shipper: ShipperSection;
  readonly admin: AdminSection;
  readonly log: ShipperLogSection;
  readonly lines: LinesSection;
  readonly batch: BatchSection;
  readonly upstream: UpstreamSection;
  readonly spool: SpoolSection;
  readonly inputs: readonly ShipperInputConfig[];
}
