/**
 * The JSON schema of the shipper config. Every object rejects unknown keys; section defaults
 * come from `shipper-config-defaults.ts`. Semantic checks are named by `ringlogCheck` (see
 * config-schema.ts) and live in `shipper-config-checks.ts`.
 *
 * An input lists the settings of every input type, each with its type and range, and no
 * defaults: which settings an input may have, and their defaults, depend on its `type`. The
 * `input` check reports settings of another type and missing required ones with the type's
 * name, clearer than what ajv's if/then or oneOf would say; `shipper-config.ts` fills in the
 * input defaults after validation.
 */
import type { SchemaObject } from 'ajv';
import { isRecord } from './config-path.ts';
import { defineConfigSchema } from './config-schema.ts';
import { closedObject, groupName, integer, path } from './schema-builders.ts';
import { LOG_LEVELS } from './daemon-config-types.ts';
import { GROUP_NAME_LENGTH_MAX, PRIVATE_NAME_LENGTH_MAX, PRIVATE_NAME_PATTERN } from './collector-limits.ts';
import { DAEMON_NAME_LENGTH_MAX, TIMEOUT_MS_MAX } from './limits.ts';
import { INPUT_KEYS, SHIPPER_CONFIG_CHECKS } from './shipper-config-checks.ts';
import {
  BATCH_SECTION_DEFAULTS,
  LINES_SECTION_DEFAULTS,
  SHIPPER_ADMIN_SECTION_DEFAULTS,
  SHIPPER_LOG_SECTION_DEFAULTS,
  SHIPPER_SECTION_DEFAULTS,
  SPOOL_SECTION_DEFAULTS,
  UPSTREAM_SECTION_DEFAULTS,
} from './shipper-config-defaults.ts';
import { DELIVERY_MODES, FILE_START_POSITIONS, INPUT_TYPES, OVERLONG_POLICIES, SHIPPER_SERVICES, SPOOL_FULL_POLICIES, TCP_FRAMINGS } from './shipper-config-types.ts';
import type { InputType, ShipperConfig } from './shipper-config-types.ts';
import * as shipperLimits from './shipper-limits.ts';

const shipperSection = closedObject(
  {
    name: {
      type: 'string',
      pattern: PRIVATE_NAME_PATTERN,
      ringlogMessage: `must be a Spread private name: 1..${PRIVATE_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
      default: SHIPPER_SECTION_DEFAULTS.name,
    },
    daemon: path('spread-daemon', SHIPPER_SECTION_DEFAULTS.daemon),
    embedded_config: path('no-nul', SHIPPER_SECTION_DEFAULTS.embedded_config),
    embedded_name: {
      type: 'string',
      pattern: `^([\\x24-\\x7e]{1,${DAEMON_NAME_LENGTH_MAX}})?$`,
      ringlogMessage: `must be empty or a daemon name of 1..${DAEMON_NAME_LENGTH_MAX} characters in 0x24..0x7e`,
      default: SHIPPER_SECTION_DEFAULTS.embedded_name,
    },
    reconnect_initial_delay_ms: integer(1, TIMEOUT_MS_MAX, SHIPPER_SECTION_DEFAULTS.reconnect_initial_delay_ms),
    reconnect_max_delay_ms: integer(1, TIMEOUT_MS_MAX, SHIPPER_SECTION_DEFAULTS.reconnect_max_delay_ms),
    service: { enum: [...SHIPPER_SERVICES], default: SHIPPER_SECTION_DEFAULTS.service },
    state_dir: path('absolute-directory', SHIPPER_SECTION_DEFAULTS.state_dir),
  },
  { default: {}, ringlogCheck: 'reconnect-delays' },
);

const adminSection = closedObject(
  { listen: { type: 'string', maxLength: 300, ringlogCheck: 'admin-listen', default: SHIPPER_ADMIN_SECTION_DEFAULTS.listen } },
  { default: {} },
);

const logSection = closedObject(
  {
    level: { enum: [...LOG_LEVELS], default: SHIPPER_LOG_SECTION_DEFAULTS.level },
    file: path('no-nul', SHIPPER_LOG_SECTION_DEFAULTS.file),
  },
  { default: {} },
);

const linesSection = closedObject(
  {
    max_bytes: integer(1, shipperLimits.LINE_BYTES_MAX, LINES_SECTION_DEFAULTS.max_bytes),
    overlong: { enum: [...OVERLONG_POLICIES], default: LINES_SECTION_DEFAULTS.overlong },
  },
  { default: {} },
);

const batchSection = closedObject(
  {
    max_bytes: integer(shipperLimits.BATCH_BYTES_MIN, shipperLimits.BATCH_BYTES_MAX, BATCH_SECTION_DEFAULTS.max_bytes),
    max_delay_ms: integer(0, shipperLimits.BATCH_DELAY_MS_MAX, BATCH_SECTION_DEFAULTS.max_delay_ms),
  },
  { default: {} },
);

const upstreamSection = closedObject(
  {
    delivery: { enum: [...DELIVERY_MODES], default: UPSTREAM_SECTION_DEFAULTS.delivery },
    ack_group: groupName(UPSTREAM_SECTION_DEFAULTS.ack_group),
    lagging_collector_max_bytes: integer(0, Number.MAX_SAFE_INTEGER, UPSTREAM_SECTION_DEFAULTS.lagging_collector_max_bytes),
    window_bytes: integer(shipperLimits.BATCH_BYTES_MIN, shipperLimits.WINDOW_BYTES_MAX, UPSTREAM_SECTION_DEFAULTS.window_bytes),
    memory_max_bytes: integer(0, Number.MAX_SAFE_INTEGER, UPSTREAM_SECTION_DEFAULTS.memory_max_bytes),
  },
  { default: {} },
);

const spoolSection = closedObject(
  {
    max_bytes: integer(shipperLimits.SPOOL_SEGMENT_BYTES_MIN, Number.MAX_SAFE_INTEGER, SPOOL_SECTION_DEFAULTS.max_bytes),
    segment_bytes: integer(shipperLimits.SPOOL_SEGMENT_BYTES_MIN, shipperLimits.SPOOL_SEGMENT_BYTES_MAX, SPOOL_SECTION_DEFAULTS.segment_bytes),
    on_full: { enum: [...SPOOL_FULL_POLICIES], default: SPOOL_SECTION_DEFAULTS.on_full },
    fsync_interval_ms: integer(0, TIMEOUT_MS_MAX, SPOOL_SECTION_DEFAULTS.fsync_interval_ms),
  },
  { default: {}, ringlogCheck: 'spool' },
);

/** The type and range of every input setting, whichever input types have it. */
const INPUT_SETTING_SCHEMAS: Readonly<Record<string, SchemaObject>> = {
  type: { enum: [...INPUT_TYPES] },
  name: {
    type: 'string',
    pattern: shipperLimits.INPUT_NAME_PATTERN,
    ringlogMessage: 'must be 1..64 letters, digits, "_", "." or "-" (and not "." or "..")',
  },
  group: {
    type: 'string',
    pattern: shipperLimits.GROUP_NAME_OR_EMPTY_PATTERN,
    ringlogMessage: `must be a Spread group name: 1..${GROUP_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
  },
  vhost_buckets: integer(0, shipperLimits.VHOST_BUCKETS_MAX),
  path: path('socket-path'),
  // No `type`: the check explains the unquoted-YAML-octal case better than "must be a string".
  mode: { ringlogCheck: 'octal-mode' },
  max_connections: integer(1, shipperLimits.CONNECTIONS_MAX),
  idle_timeout_ms: integer(0, shipperLimits.IDLE_TIMEOUT_MS_MAX),
  // No `type`: its form depends on the input's type, so the `input` check reads it whole.
  listen: {},
  framing: { enum: [...TCP_FRAMINGS] },
  paths: {
    type: 'array',
    minItems: 1,
    maxItems: shipperLimits.FILE_PATHS_MAX,
    items: path('file-path'),
    ringlogMessage: `must list 1..${shipperLimits.FILE_PATHS_MAX} absolute paths or globs`,
  },
  start_at: { enum: [...FILE_START_POSITIONS] },
  checkpoint_interval_ms: integer(1, TIMEOUT_MS_MAX),
  body_max_bytes: integer(1, shipperLimits.HTTP_BODY_BYTES_MAX),
};

function inputProperties(): Record<string, SchemaObject> {
  const properties: Record<string, SchemaObject> = {};
  for (const key of INPUT_KEYS) {
    const schema = INPUT_SETTING_SCHEMAS[key];
    if (schema === undefined) throw new Error(`Bug: input setting "${key}" has no schema`);
    properties[key] = schema;
  }
  return properties;
}

const inputEntry = closedObject(inputProperties(), { ringlogCheck: 'input' });

export const SHIPPER_CONFIG_SCHEMA = defineConfigSchema<ValidatedShipperConfig>(
  closedObject(
    {
      shipper: shipperSection,
      admin: adminSection,
      log: logSection,
      lines: linesSection,
      batch: batchSection,
      upstream: upstreamSection,
      spool: spoolSection,
      inputs: {
        type: 'array',
        minItems: 1,
        maxItems: shipperLimits.INPUTS_MAX,
        items: inputEntry,
        ringlogMessage: `must list at least one input (and at most ${shipperLimits.INPUTS_MAX})`,
        ringlogCheck: 'input-list',
      },
    },
    { required: ['inputs'], ringlogCheck: 'shipper' },
  ),
  SHIPPER_CONFIG_CHECKS,
  readPortsAsSpreadNames,
);

/** An input as the schema leaves it: valid, but without the defaults of its type. */
export type ValidatedShipperInput = { readonly type: InputType } & Readonly<Record<string, unknown>>;

/** What the schema guarantees; `shipper-config.ts` completes the inputs. */
export interface ValidatedShipperConfig extends Omit<ShipperConfig, 'inputs'> {
  readonly inputs: readonly ValidatedShipperInput[];
}

/**
 * YAML reads `daemon: 4803` and a spread input's `listen: 4803` as numbers; a bare port is the
 * Spread name "4803" the operator meant. Other inputs need HOST:PORT, and their check says so.
 */
function readPortsAsSpreadNames(value: unknown): void {
  if (!isRecord(value)) return;
  const shipper = value['shipper'];
  if (isRecord(shipper) && isSafeInteger(shipper['daemon'])) shipper['daemon'] = String(shipper['daemon']);
  const inputs = value['inputs'];
  if (!Array.isArray(inputs)) return;
  for (const input of inputs) {
    if (isRecord(input) && input['type'] === 'spread' && isSafeInteger(input['listen'])) input['listen'] = String(input['listen']);
  }
}

function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
