/**
 * The JSON schema of the daemon config. Every object rejects unknown keys; defaults come from
 * `daemon-config-defaults.ts`. Semantic checks are named by `ringlogCheck` (see config-schema.ts).
 */
import type { SchemaObject } from 'ajv';
import { isRecord } from './config-path.ts';
import { defineConfigSchema } from './config-schema.ts';
import { DAEMON_CONFIG_CHECKS } from './daemon-config-checks.ts';
import { DAEMON_SECTION_DEFAULTS, LOG_SECTION_DEFAULTS, RING_SECTION_DEFAULTS, SEGMENT_PORT_DEFAULT } from './daemon-config-defaults.ts';
import { INTERFACE_TYPES, LOG_LEVELS, RING_MODES, SEGMENT_TIMEOUT_NAMES, SESSION_QUEUE_FULL_POLICIES } from './daemon-config-types.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import * as limits from './limits.ts';
import { closedObject, integer, path } from './schema-builders.ts';

const DAEMON_NAME: SchemaObject = {
  type: 'string',
  pattern: limits.DAEMON_NAME_PATTERN,
  ringlogMessage: `must be 1..${limits.DAEMON_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
};

const daemonSection = closedObject(
  {
    name: { ...DAEMON_NAME, default: DAEMON_SECTION_DEFAULTS.name },
    listen: {
      type: 'array',
      maxItems: limits.LISTENERS_MAX,
      items: { type: 'string', ringlogCheck: 'listen-address' },
      ringlogCheck: 'listen-list',
      default: DAEMON_SECTION_DEFAULTS.listen,
    },
    max_sessions: integer(0, 1_000_000, DAEMON_SECTION_DEFAULTS.max_sessions),
    handshake_timeout_ms: integer(1, limits.TIMEOUT_MS_MAX, DAEMON_SECTION_DEFAULTS.handshake_timeout_ms),
    session_queue_max_messages: integer(1, 100_000_000, DAEMON_SECTION_DEFAULTS.session_queue_max_messages),
    session_queue_max_bytes: integer(1, Number.MAX_SAFE_INTEGER, DAEMON_SECTION_DEFAULTS.session_queue_max_bytes),
    session_queue_full_policy: { enum: [...SESSION_QUEUE_FULL_POLICIES], default: DAEMON_SECTION_DEFAULTS.session_queue_full_policy },
    auth_methods: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      uniqueItems: true,
      items: { type: 'string', ringlogCheck: 'auth-method' },
      ringlogMessage: 'must list each auth method once, at least one; ringlog implements only NULL',
      default: DAEMON_SECTION_DEFAULTS.auth_methods,
    },
  },
  { default: {} },
);

const logSection = closedObject(
  {
    level: { enum: [...LOG_LEVELS], default: LOG_SECTION_DEFAULTS.level },
    file: { type: 'string', maxLength: limits.PATH_LENGTH_MAX, ringlogCheck: 'no-nul', default: LOG_SECTION_DEFAULTS.file },
  },
  { default: {} },
);

const segmentInterface = closedObject(
  {
    types: { type: 'array', uniqueItems: true, maxItems: 3, items: { enum: [...INTERFACE_TYPES] }, default: [] },
    address: { type: 'string', ringlogCheck: 'ip-address' },
  },
  { required: ['address'] },
);

const segmentDaemon = closedObject(
  {
    name: DAEMON_NAME,
    address: { type: 'string', ringlogCheck: 'daemon-address' },
    virtual_id: integer(1, limits.VIRTUAL_ID_MAX),
    interfaces: { type: 'array', minItems: 1, maxItems: limits.DAEMON_INTERFACES_MAX, items: segmentInterface },
    port: integer(1, limits.SEGMENT_PORT_MAX),
  },
  { required: ['name', 'address'] },
);

const timeouts = closedObject(Object.fromEntries(SEGMENT_TIMEOUT_NAMES.map((name) => [name, integer(1, limits.TIMEOUT_MS_MAX)])), {
  required: [...SEGMENT_TIMEOUT_NAMES],
});

const ringSection = closedObject(
  {
    packet_bytes: integer(limits.RING_PACKET_BYTES_MIN, limits.RING_PACKET_BYTES_MAX, RING_SECTION_DEFAULTS.packet_bytes),
    personal_window_packets: integer(1, limits.RING_PERSONAL_WINDOW_PACKETS_MAX, RING_SECTION_DEFAULTS.personal_window_packets),
    global_window_packets: integer(1, limits.RING_GLOBAL_WINDOW_PACKETS_MAX, RING_SECTION_DEFAULTS.global_window_packets),
    idle_token_hold_ms: integer(0, limits.RING_IDLE_TOKEN_HOLD_MS_MAX, RING_SECTION_DEFAULTS.idle_token_hold_ms),
    mode: { enum: [...RING_MODES], default: RING_SECTION_DEFAULTS.mode },
  },
  { default: {}, ringlogCheck: 'ring-windows' },
);

const segmentSection = closedObject(
  {
    port: integer(1, limits.SEGMENT_PORT_MAX, SEGMENT_PORT_DEFAULT),
    addresses: {
      type: 'array',
      minItems: 1,
      maxItems: limits.SEGMENT_ADDRESSES_MAX,
      items: { type: 'string', ringlogCheck: 'segment-address' },
    },
    daemons: {
      type: 'array',
      minItems: 1,
      maxItems: limits.SEGMENT_DAEMONS_MAX,
      items: segmentDaemon,
      ringlogCheck: 'segment-daemons',
      ringlogMessage: `must list 1..${limits.SEGMENT_DAEMONS_MAX} daemons, this one included`,
    },
    timeouts_ms: timeouts,
    key_file: { ...path('key-file'), ringlogMessage: `must be a path of at most ${limits.PATH_LENGTH_MAX} characters` },
    ring: ringSection,
  },
  { required: ['addresses', 'daemons'], ringlogCheck: 'segment' },
);

export const DAEMON_CONFIG_SCHEMA = defineConfigSchema<DaemonConfig>(
  closedObject({ daemon: daemonSection, log: logSection, segment: segmentSection }, { ringlogCheck: 'daemon-in-segment' }),
  DAEMON_CONFIG_CHECKS,
  readNullAuthMethod,
);

/** YAML 1.2 reads a bare `NULL` as null, so `auth_methods: [NULL]` means the NULL method. */
function readNullAuthMethod(value: unknown): void {
  if (!isRecord(value) || !isRecord(value['daemon'])) return;
  const methods = value['daemon']['auth_methods'];
  if (!Array.isArray(methods)) return;
  methods.forEach((method, index) => {
    if (method === null) methods[index] = 'NULL';
  });
}
