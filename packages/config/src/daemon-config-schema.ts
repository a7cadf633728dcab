/**
 * The JSON schema of the daemon config. Every object rejects unknown keys; defaults come from
 * `daemon-config-defaults.ts`. Semantic checks are named by `ringlogCheck` (see config-schema.ts).
 */
import type { SchemaObject } from 'ajv';
import { isRecord } from './config-path.ts';
import { defineConfigSchema } from './config-schema.ts';
import { DAEMON_CONFIG_CHECKS } from './daemon-config-checks.ts';
import { DAEMON_SECTION_DEFAULTS, LOG_SECTION_DEFAULTS, SEGMENT_PORT_DEFAULT } from './daemon-config-defaults.ts';
import { INTERFACE_TYPES, LOG_LEVELS, SEGMENT_TIMEOUT_NAMES, SESSION_QUEUE_FULL_POLICIES } from './daemon-config-types.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import * as limits from './limits.ts';

const DAEMON_NAME: SchemaObject = {
  type: 'string',
  pattern: limits.DAEMON_NAME_PATTERN,
  ringlogMessage: `must be 1..${limits.DAEMON_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
};

function integer(minimum: number, maximum: number, defaultValue?: number): SchemaObject {
  const schema: SchemaObject = { type: 'integer', minimum, maximum };
  if (defaultValue !== undefined) schema['default'] = defaultValue;
  return schema;
}

function closedObject(properties: Record<string, SchemaObject>, extra: SchemaObject = {}): SchemaObject {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

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
  },
  { required: ['name', 'address'] },
);

const timeouts = closedObject(Object.fromEntries(SEGMENT_TIMEOUT_NAMES.map((name) => [name, integer(1, limits.TIMEOUT_MS_MAX)])), {
  required: [...SEGMENT_TIMEOUT_NAMES],
});

const segmentSection = closedObject(
  {
    port: integer(1, limits.SEGMENT_PORT_MAX, SEGMENT_PORT_DEFAULT),
    addresses: {
      type: 'array',
      minItems: 1,
      maxItems: limits.SEGMENT_ADDRESSES_MAX,
      items: { type: 'string', ringlogCheck: 'segment-address' },
    },
    daemons: { type: 'array', minItems: 1, maxItems: limits.SEGMENT_DAEMONS_MAX, items: segmentDaemon, ringlogCheck: 'segment-daemons' },
    timeouts_ms: timeouts,
  },
  { required: ['addresses', 'daemons'] },
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
