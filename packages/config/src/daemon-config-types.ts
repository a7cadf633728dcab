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

/**
 * How a daemon sends packets to the others. `unicast` sends each packet to every daemon in turn;
 * `broadcast` and `multicast` send it once to `segment.addresses[0]` on `segment.port`. `auto` is
 * unicast (see `segmentRingMode`).
 */
export const RING_MODES = ['auto', 'unicast', 'broadcast', 'multicast'] as const;
export type RingMode = (typeof RING_MODES)[number];

/**
 * The timeouts of ringlog's token ring, in milliseconds, as the ring defines them. Not a config
 * section: `ringTimeoutsFromConfig` maps `segment.timeouts_ms` (Spread's names) onto these.
 */
export type { RingTimeoutsMs } from '@ringlog/ring';

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
  /**
   * This daemon's client TCP and daemon UDP data port (its token uses port + 1), for several
   * daemons on one host. Absent = `segment.port`; see `segmentDaemonPort`.
   */
  readonly port?: number;
}

/** Tuning of the token ring; every key has a default. */
export interface RingSection {
  /** Most bytes of client messages packed into one UDP packet. */
  readonly packet_bytes: number;
  /** Most new packets a daemon sends per token visit. */
  readonly personal_window_packets: number;
  /** Most packets in flight across the whole ring. */
  readonly global_window_packets: number;
  /** How long an idle daemon keeps the token before passing it on. */
  readonly idle_token_hold_ms: number;
  readonly mode: RingMode;
}

export interface SegmentSection {
  /**
   * Client TCP and daemon UDP data port of every daemon without its own `port`; the token uses
   * port + 1. Also the destination port in the broadcast and multicast ring modes.
   */
  readonly port: number;
  /** Segment multicast or broadcast addresses, 1..5. */
  readonly addresses: readonly string[];
  readonly daemons: readonly SegmentDaemon[];
  /** All nine or none; absent = ringlog's tuned defaults (see `ringTimeoutsFromConfig`). */
  readonly timeouts_ms?: SegmentTimeoutsMs;
  /**
   * The file holding the secret that authenticates every packet between daemons (HMAC-SHA256),
   * made absolute against the config file's directory. Required with more than one daemon;
   * read with `loadSegmentKey`.
   */
  readonly key_file?: string;
  readonly ring: RingSection;
}

export interface DaemonConfig {
  readonly daemon: DaemonSection;
  readonly log: LogSection;
  /** The peer daemons; absent = a daemon alone. */
  readonly segment?: SegmentSection;
}
