/**
 * The JSON schema of the collector config. Every object rejects unknown keys; defaults come from
 * `collector-config-defaults.ts`. Semantic checks are named by `ringlogCheck` (see config-schema.ts)
 * and live in `collector-config-checks.ts`.
 */
import type { SchemaObject } from 'ajv';
import { COLLECTOR_CONFIG_CHECKS } from './collector-config-checks.ts';
import { isRecord } from './config-path.ts';
import {
  ADMIN_SECTION_DEFAULTS,
  COLLECTOR_LOG_SECTION_DEFAULTS,
  COLLECTOR_SECTION_DEFAULTS,
  LOG_ENTRY_DEFAULTS,
  OUTPUT_SECTION_DEFAULTS,
  ROTATE_SECTION_DEFAULTS,
  SPLIT_SECTION_DEFAULTS,
} from './collector-config-defaults.ts';
import { FSYNC_POLICIES, ROTATE_COMPRESSIONS } from './collector-config-types.ts';
import type { CollectorConfig } from './collector-config-types.ts';
import * as collectorLimits from './collector-limits.ts';
import { defineConfigSchema } from './config-schema.ts';
import { closedObject, groupName, integer, path } from './schema-builders.ts';
import { LOG_LEVELS } from './daemon-config-types.ts';
import { DAEMON_NAME_LENGTH_MAX, TIMEOUT_MS_MAX } from './limits.ts';

const collectorSection = closedObject(
  {
    name: {
      type: 'string',
      pattern: collectorLimits.PRIVATE_NAME_PATTERN,
      ringlogMessage: `must be a Spread private name: 1..${collectorLimits.PRIVATE_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
      default: COLLECTOR_SECTION_DEFAULTS.name,
    },
    daemon: path('spread-daemon', COLLECTOR_SECTION_DEFAULTS.daemon),
    embedded_config: path('no-nul', COLLECTOR_SECTION_DEFAULTS.embedded_config),
    embedded_name: {
      type: 'string',
      pattern: `^([\\x24-\\x7e]{1,${DAEMON_NAME_LENGTH_MAX}})?$`,
      ringlogMessage: `must be empty or a daemon name of 1..${DAEMON_NAME_LENGTH_MAX} characters in 0x24..0x7e`,
      default: COLLECTOR_SECTION_DEFAULTS.embedded_name,
    },
    reconnect_initial_delay_ms: integer(1, TIMEOUT_MS_MAX, COLLECTOR_SECTION_DEFAULTS.reconnect_initial_delay_ms),
    reconnect_max_delay_ms: integer(1, TIMEOUT_MS_MAX, COLLECTOR_SECTION_DEFAULTS.reconnect_max_delay_ms),
    state_dir: path('absolute-directory', COLLECTOR_SECTION_DEFAULTS.state_dir),
    ack_group: groupName(COLLECTOR_SECTION_DEFAULTS.ack_group),
  },
  { default: {}, ringlogCheck: 'reconnect-delays' },
);

const adminSection = closedObject(
  { listen: { type: 'string', maxLength: 300, ringlogCheck: 'admin-listen', default: ADMIN_SECTION_DEFAULTS.listen } },
  { default: {} },
);

const logSection = closedObject(
  {
    level: { enum: [...LOG_LEVELS], default: COLLECTOR_LOG_SECTION_DEFAULTS.level },
    file: path('no-nul', COLLECTOR_LOG_SECTION_DEFAULTS.file),
  },
  { default: {} },
);

const outputSection = closedObject(
  {
    max_open_files: integer(1, collectorLimits.OPEN_FILES_MAX, OUTPUT_SECTION_DEFAULTS.max_open_files),
    idle_close_ms: integer(0, collectorLimits.IDLE_CLOSE_MS_MAX, OUTPUT_SECTION_DEFAULTS.idle_close_ms),
    flush_interval_ms: integer(0, collectorLimits.FLUSH_INTERVAL_MS_MAX, OUTPUT_SECTION_DEFAULTS.flush_interval_ms),
    fsync: { enum: [...FSYNC_POLICIES], default: OUTPUT_SECTION_DEFAULTS.fsync },
    fsync_interval_ms: integer(1, TIMEOUT_MS_MAX, OUTPUT_SECTION_DEFAULTS.fsync_interval_ms),
    // No `type`: the check explains the unquoted-YAML-octal case better than "must be a string".
    dir_mode: { ringlogCheck: 'octal-mode', default: OUTPUT_SECTION_DEFAULTS.dir_mode },
    file_mode: { ringlogCheck: 'octal-mode', default: OUTPUT_SECTION_DEFAULTS.file_mode },
    max_pending_bytes: integer(0, Number.MAX_SAFE_INTEGER, OUTPUT_SECTION_DEFAULTS.max_pending_bytes),
  },
  { default: {} },
);

const splitSection = closedObject(
  {
    root: path('absolute-path'),
    path: path('split-path'),
    strip_vhost: { type: 'boolean', default: SPLIT_SECTION_DEFAULTS.strip_vhost },
    catch_all: path('catch-all-path', SPLIT_SECTION_DEFAULTS.catch_all),
    max_vhosts: integer(1, collectorLimits.SPLIT_VHOSTS_MAX, SPLIT_SECTION_DEFAULTS.max_vhosts),
    vhost_max_length: integer(1, collectorLimits.VHOST_LENGTH_MAX, SPLIT_SECTION_DEFAULTS.vhost_max_length),
  },
  { required: ['root', 'path'] },
);

const ROTATE_SIZE: SchemaObject = {
  type: 'string',
  pattern: collectorLimits.ROTATE_SIZE_PATTERN,
  ringlogMessage: 'must be a whole number of bytes with a unit B, K, M or G, such as "100M"',
};

const rotateSection = closedObject(
  {
    size: ROTATE_SIZE,
    interval: {
      type: 'string',
      pattern: collectorLimits.ROTATE_INTERVAL_PATTERN,
      ringlogMessage: 'must be a whole number with a unit s, m, h or d, such as "1d"',
      ringlogCheck: 'rotate-interval',
    },
    compress: { enum: [...ROTATE_COMPRESSIONS], default: ROTATE_SECTION_DEFAULTS.compress },
    max_files: integer(1, collectorLimits.ROTATE_FILES_MAX),
    max_size: ROTATE_SIZE,
  },
  { ringlogCheck: 'rotate' },
);

const logEntry = closedObject(
  {
    name: { type: 'string', pattern: collectorLimits.LOG_NAME_PATTERN, ringlogMessage: 'must be 1..64 letters, digits, "_", "." or "-"' },
    groups: {
      type: 'array',
      minItems: 1,
      maxItems: collectorLimits.LOG_GROUPS_MAX,
      items: {
        type: 'string',
        pattern: collectorLimits.GROUP_NAME_PATTERN,
        ringlogMessage: `must be a Spread group name: 1..${collectorLimits.GROUP_NAME_LENGTH_MAX} characters in 0x24..0x7e (no "#", no whitespace)`,
      },
      ringlogMessage: `must list 1..${collectorLimits.LOG_GROUPS_MAX} groups`,
      ringlogCheck: 'group-list',
    },
    file: path('absolute-path'),
    split: splitSection,
    pipe: { type: 'string', maxLength: collectorLimits.PATTERN_LENGTH_MAX, ringlogCheck: 'pipe-command' },
    match: {
      type: 'array',
      maxItems: collectorLimits.LOG_MATCHES_MAX,
      items: { type: 'string', maxLength: collectorLimits.PATTERN_LENGTH_MAX, ringlogCheck: 'match-pattern' },
      default: LOG_ENTRY_DEFAULTS.match,
    },
    unmatched_file: path('absolute-path'),
    rewrite_timestamp: {
      type: 'string',
      maxLength: collectorLimits.REWRITE_TIMESTAMP_LENGTH_MAX,
      ringlogCheck: 'rewrite-timestamp',
      default: LOG_ENTRY_DEFAULTS.rewrite_timestamp,
    },
    rotate: rotateSection,
  },
  { required: ['name', 'groups'], ringlogCheck: 'log-entry' },
);

export const COLLECTOR_CONFIG_SCHEMA = defineConfigSchema<CollectorConfig>(
  closedObject(
    {
      collector: collectorSection,
      admin: adminSection,
      log: logSection,
      output: outputSection,
      logs: {
        type: 'array',
        minItems: 1,
        maxItems: collectorLimits.LOGS_MAX,
        items: logEntry,
        ringlogMessage: `must list at least one log (and at most ${collectorLimits.LOGS_MAX})`,
        ringlogCheck: 'log-list',
      },
    },
    { required: ['logs'] },
  ),
  COLLECTOR_CONFIG_CHECKS,
  readPortAsSpreadName,
);

/** YAML reads `daemon: 4803` as a number; a bare port is the Spread name "4803" the operator meant. */
function readPortAsSpreadName(value: unknown): void {
  if (!isRecord(value) || !isRecord(value['collector'])) return;
  const daemon = value['collector']['daemon'];
  if (typeof daemon === 'number' && Number.isSafeInteger(daemon)) value['collector']['daemon'] = String(daemon);
}
