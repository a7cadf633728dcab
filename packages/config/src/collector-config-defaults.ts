/**
 * Defaults of the collector config, next to the schema that applies them. Each carries its unit.
 * `config/collector.yaml` shows the same values; a test keeps the two in step.
 */
import type { AdminSection, CollectorLogSection, CollectorSection, OutputSection } from './collector-config-types.ts';

export const COLLECTOR_SECTION_DEFAULTS: CollectorSection = {
  name: 'rlcollect', // Spread private name, 1..10 characters
  daemon: '4803', // Spread name: the local daemon's unix socket /tmp/4803
  embedded_config: '', // path; empty = ringlogd's defaults
  embedded_name: '', // daemon name; empty = the only daemon of embedded_config
  reconnect_initial_delay_ms: 100, // milliseconds
  reconnect_max_delay_ms: 5000, // milliseconds
  state_dir: '/var/lib/ringlog-collector', // absolute directory path
  ack_group: 'ringlog-acks', // Spread group name
};

export const ADMIN_SECTION_DEFAULTS: AdminSection = {
  listen: '127.0.0.1:9180', // HOST:PORT, [IPv6]:PORT or "off"
};

export const COLLECTOR_LOG_SECTION_DEFAULTS: CollectorLogSection = {
  level: 'info', // pino level name
  file: '', // path; empty = standard error
};

export const OUTPUT_SECTION_DEFAULTS: OutputSection = {
  max_open_files: 1024, // file descriptors, across all logs
  idle_close_ms: 60_000, // milliseconds; 0 = never close an idle file
  flush_interval_ms: 10, // milliseconds; sooner once FLUSH_EARLY_BYTES wait; 0 = at the end of each event-loop turn
  fsync: 'interval', // policy name
  fsync_interval_ms: 1000, // milliseconds
  dir_mode: '0755', // octal permission string
  file_mode: '0644', // octal permission string
  max_pending_bytes: 268_435_456, // bytes (256 MiB)
};

/** Per-log defaults. */
export const LOG_ENTRY_DEFAULTS = {
  match: [] as readonly string[], // regular expressions; empty = every line
  rewrite_timestamp: 'none', // none, clf or a strftime pattern
} as const;

/** Defaults of `logs[].split`; `root` and `path` have none. */
export const SPLIT_SECTION_DEFAULTS = {
  strip_vhost: true, // boolean
  catch_all: '_catchall/access.log', // path relative to split.root
  max_vhosts: 100_000, // distinct vhosts per log
  vhost_max_length: 253, // characters (a DNS name is at most 253)
} as const;

/** Defaults of `logs[].rotate`. */
export const ROTATE_SECTION_DEFAULTS = {
  compress: 'none', // none or gzip
} as const;
