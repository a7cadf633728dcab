/**
 * Defaults of the daemon config, next to the schema that applies them. Each carries its unit.
 * `config/ringlogd.yaml` shows the same values; a test keeps the two in step.
 */
import { RING_TIMEOUTS_DEFAULT_MS } from '@ringlog/ring';
import type { DaemonSection, LogSection, RingSection, RingTimeoutsMs, SegmentTimeoutsMs } from './daemon-config-types.ts';

export const DAEMON_SECTION_DEFAULTS: DaemonSection = {
  name: 'localhost', // text, 1..19 characters
  listen: ['tcp:127.0.0.1:4803', 'unix:/tmp/4803'], // listener strings
  max_sessions: 0, // sessions; 0 = no cap
  handshake_timeout_ms: 1000, // milliseconds
  session_queue_max_messages: 1000, // messages (Spread's DEFAULT_MAX_SESSION_MESSAGES)
  session_queue_max_bytes: 67_108_864, // bytes (64 MiB)
  session_queue_full_policy: 'disconnect', // policy name
  auth_methods: ['NULL'], // Spread auth method names
};

export const LOG_SECTION_DEFAULTS: LogSection = {
  level: 'info', // pino level name
  file: '', // path; empty = standard error
};

/** Port, as in Spread (DEFAULT_SPREAD_PORT). */
export const SEGMENT_PORT_DEFAULT = 4803;

export const RING_SECTION_DEFAULTS: RingSection = {
  packet_bytes: 1400, // bytes of client messages per UDP packet; leaves 100 of a 1500-byte Ethernet MTU for IP, UDP and ring headers
  personal_window_packets: 64, // packets a daemon sends per token visit
  global_window_packets: 1024, // packets in flight across the ring
  idle_token_hold_ms: 5, // milliseconds an idle daemon keeps the token
  mode: 'auto', // ring mode name; auto = unicast
};

/**
 * ringlog's timeouts when the config gives none: tuned for one LAN segment, so a lost daemon
 * is noticed in about a second rather than Spread's several seconds. Milliseconds.
 */
export const RING_TIMEOUT_DEFAULTS_MS: RingTimeoutsMs = RING_TIMEOUTS_DEFAULT_MS;

/** Spread's membership timeouts for one segment (spec §8), milliseconds. */
export const SPREAD_TIMEOUTS_LAN_MS: SegmentTimeoutsMs = {
  token: 1250,
  hurry: 500,
  alive: 250,
  join: 250,
  rep: 625,
  seg: 500,
  gather: 1250,
  form: 1250,
  lookup: 30_000,
};

/** Spread's membership timeouts for more than one segment (spec §8), milliseconds. */
export const SPREAD_TIMEOUTS_WAN_MS: SegmentTimeoutsMs = {
  token: 5000,
  hurry: 1500,
  alive: 250,
  join: 250,
  rep: 1250,
  seg: 500,
  gather: 2500,
  form: 2500,
  lookup: 45_000,
};
