/** The daemon's validated configuration. Keys mirror the YAML file (snake_case, unit suffixes). */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SESSION_QUEUE_FULL_POLICIES = ['disconnect', 'drop_oldest'] as const;
export type SessionQueueFullPolicy = (typeof SESSION_QUEUE_FULL_POLICIES)[number];

/** Spread auth methods ringlog implements. Upstream also knows IP and PAM; they are rejected. */
export const AUTH_METHODS = ['NULL'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Interface types of a Spread daemon: D = daemon-to-daemon, C = clients, M = monitor. */
export const INTERFACE_TYPES = ['D', 'C', 'M'] as const;
export type InterfaceType = (typeof INTERFACE_TYPES)[number];

/** The nine Spread membership timeouts (spec §8), all in milliseconds. */
export const SEGMENT_TIMEOUT_NAMES = ['token', 'hurry', 'alive', 'join', 'rep', 'seg', 'gather', 'form', 'lookup'] as const;
export type SegmentTimeoutName = (typeof SEGMENT_TIMEOUT_NAMES)[number];
export type SegmentTimeoutsMs = { readonly [K in SegmentTimeoutName]: number };

export interface DaemonSection {
  /** Used in private group names `#user#name`; 1..19 characters in 0x24..0x7e. */
  readonly name: string;
  /** `tcp:HOST:PORT`, `tcp:[IPv6]:PORT` or `unix:/path`; see `parseListenAddress`. */
  readonly listen: readonly string[];
  /** Sessions; 0 = no cap. Past it new sessions are rejected with REJECT_QUOTA. */
  readonly max_sessions: number;
  readonly handshake_timeout_ms: number;
  /** Spread's MaxSessionMessages: messages queued per session beyond the socket. */
  readonly session_queue_max_messages: number;
  readonly session_queue_max_bytes: number;
  readonly session_queue_full_policy: SessionQueueFullPolicy;
  readonly auth_methods: readonly AuthMethod[];
}

export interface LogSection {
  readonly level: LogLevel;
  /** Empty = standard error; `%h`/`%H` expand to the host name (see `expandLogFilePath`). */
  readonly file: string;
}

export interface SegmentInterface {
  /** Empty = all three types. */
  readonly types: readonly InterfaceType[];
  /** An IP address, without a port. */
  readonly address: string;
}

export interface SegmentDaemon {
  readonly name: string;
  /** An IP address, or a host name resolved by DNS at start-up (discouraged, as in Spread). */
  readonly address: string;
  readonly virtual_id?: number;
  /** Absent = one untyped interface on `address` (Spread's "ANY"). */
  readonly interfaces?: readonly SegmentInterface[];
}

export interface SegmentSection {
  /** Client TCP and daemon UDP data port; the token uses port + 1. */
  readonly port: number;
  /** Segment multicast or broadcast addresses, 1..5. */
  readonly addresses: readonly string[];
  readonly daemons: readonly SegmentDaemon[];
  /** All nine or none; absent = Spread's defaults (spec §8). */
  readonly timeouts_ms?: SegmentTimeoutsMs;
}

export interface DaemonConfig {
  readonly daemon: DaemonSection;
  readonly log: LogSection;
  /** The peer daemons; absent = a daemon alone. */
  readonly segment?: SegmentSection;
}
