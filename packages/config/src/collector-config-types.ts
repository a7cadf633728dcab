/**
 * The collector's validated configuration. Keys mirror the YAML file (snake_case, unit suffixes).
 * A log takes the lines of its groups and writes them to exactly one of: one `file`, a `split`
 * into per-vhost files, or a `pipe` to a command.
 */
import type { LogLevel } from './daemon-config-types.ts';

export const FSYNC_POLICIES = ['never', 'interval', 'always'] as const;
/** never: leave it to the OS; interval: fsync dirty files every fsync_interval_ms; always: after every write. */
export type FsyncPolicy = (typeof FSYNC_POLICIES)[number];

export const ROTATE_COMPRESSIONS = ['none', 'gzip'] as const;
export type RotateCompression = (typeof ROTATE_COMPRESSIONS)[number];

export interface CollectorSection {
  /** The collector's Spread private name (1..10 characters, as Spread allows). */
  readonly name: string;
  /**
   * Where the daemon is: a Spread name (`4803`, `4803@host`, `/tmp/4803`, or the client's explicit
   * `unix:/path` and `tcp:host:port`) or `embedded` to run ringlogd inside the collector's process
   * (configured by `embedded_config`). `clientSpreadName` turns it into the client's spelling.
   */
  readonly daemon: string;
  /** ringlogd YAML or spread.conf for the embedded daemon; empty = ringlogd's defaults. */
  readonly embedded_config: string;
  /** The daemon name inside `embedded_config` when it is a spread.conf with several daemons. */
  readonly embedded_name: string;
  readonly reconnect_initial_delay_ms: number;
  readonly reconnect_max_delay_ms: number;
  /**
   * Where the collector keeps its id and, per shipper, how far it has written (recorded with the
   * data: see docs/delivery.md); created 0700 if missing. One directory per collector.
   */
  readonly state_dir: string;
  /** The group the collector acknowledges written batches to; shippers listen on it. */
  readonly ack_group: string;
}

export interface AdminSection {
  /** `HOST:PORT` (IPv6 as `[::1]:PORT`), or `off`. 127.0.0.1 by default: the metrics name vhosts. */
  readonly listen: string;
}

export interface CollectorLogSection {
  readonly level: LogLevel;
  /** Empty = standard error. */
  readonly file: string;
}

/** Output settings shared by every log. */
export interface OutputSection {
  /** Descriptors the collector may hold for output files, across all logs (LRU beyond it). */
  readonly max_open_files: number;
  /** A file not written for this long is closed; 0 = never. */
  readonly idle_close_ms: number;
  /**
   * Longest a received line waits in memory before it is written; a flush starts sooner once
   * 512 KiB are waiting. 0 = at the end of every event-loop turn (many small writes under load).
   */
  readonly flush_interval_ms: number;
  readonly fsync: FsyncPolicy;
  readonly fsync_interval_ms: number;
  /** Octal string such as "0755": mode of directories the collector creates. */
  readonly dir_mode: string;
  /** Octal string such as "0644": mode of files the collector creates. */
  readonly file_mode: string;
  /** Lines held in memory for files that cannot be written (disk full, permissions) before the oldest are dropped and counted. */
  readonly max_pending_bytes: number;
}

export interface SplitSection {
  /** Absolute directory every split file stays under. */
  readonly root: string;
  /**
   * File path relative to `root`. `{vhost}` (required), `{group}`, `{log}`, and the strftime
   * conversions of `STRFTIME_CONVERSIONS` (`%Y %m %d %H` ...) in the collector's local time.
   * No ".." segment, no backslash.
   */
  readonly path: string;
  /** Remove the vhost token and the space after it from the written line (spsplit does). */
  readonly strip_vhost: boolean;
  /** Relative to `root`: where lines with an unsafe or over-the-cap vhost go. No `{vhost}`. */
  readonly catch_all: string;
  /** Distinct vhosts this log writes; lines of further vhosts go to `catch_all` and are counted. */
  readonly max_vhosts: number;
  /** Longest accepted vhost name (a DNS name is at most 253). */
  readonly vhost_max_length: number;
}

export interface RotateSection {
  /** rotating-file-stream size: `<n>B|K|M|G`, e.g. "100M". */
  readonly size?: string;
  /** rotating-file-stream interval: `<n>s|m|h|d`, e.g. "1d". */
  readonly interval?: string;
  readonly compress: RotateCompression;
  /** Rotated files kept; absent = all. */
  readonly max_files?: number;
  /** Total size of rotated files kept, e.g. "10G"; absent = no limit. */
  readonly max_size?: string;
}

export interface LogConfig {
  /** Unique; used in metrics and in `{log}`. */
  readonly name: string;
  readonly groups: readonly string[];
  /** Exactly one of file, split, pipe. */
  readonly file?: string;
  readonly split?: SplitSection;
  /** A shell command that gets the lines on standard input, restarted if it exits. */
  readonly pipe?: string;
  /**
   * Regular expressions (JavaScript syntax, no flags: see `compileMatchPattern`); a line passes
   * when any matches. Empty = every line passes.
   */
  readonly match: readonly string[];
  /** Where lines that match none of `match` go; absent = they are dropped and counted. */
  readonly unmatched_file?: string;
  /**
   * `none`, `clf` (Common Log Format `10/Oct/2000:13:55:36 -0700`), or a strftime pattern: the
   * text between a line's first `[` and the next `]` becomes the collector's time in that format
   * (the brackets stay, so the pattern holds none).
   */
  readonly rewrite_timestamp: string;
  readonly rotate?: RotateSection;
}

export interface CollectorConfig {
  readonly collector: CollectorSection;
  readonly admin: AdminSection;
  readonly log: CollectorLogSection;
  readonly output: OutputSection;
  readonly logs: readonly LogConfig[];
}
