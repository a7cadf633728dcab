/**
 * Semantic checks of the shipper config that JSON schema cannot express, named by the schema's
 * `ringlogCheck`. Each ignores values of the wrong type, which the schema's `type` keyword
 * already reports, and answers relative to the value it is given. Some run before the schema
 * has filled in defaults, so a missing setting is read as its default.
 *
 * An input's settings depend on its `type`. The schema accepts the settings of every type on
 * every input (checking each one's type and range); `checkInput` then names any that does not
 * belong to the input's type and any the type requires but the input lacks.
 */
import { absoluteDirectoryProblem } from './absolute-directory.ts';
import { posix } from 'node:path';
import { COLLECTOR_CONFIG_CHECKS } from './collector-config-checks.ts';
import type { CheckFinding, ValueCheck } from './config-schema.ts';
import { isRecord } from './config-path.ts';
import { GROUP_NAME_LENGTH_MAX } from './collector-limits.ts';
import {
  BATCH_SECTION_DEFAULTS,
  defaultInputName,
  SHIPPER_ADMIN_SECTION_DEFAULTS,
  SHIPPER_INPUT_DEFAULTS,
  SHIPPER_SECTION_DEFAULTS,
  SPOOL_SECTION_DEFAULTS,
  UPSTREAM_SECTION_DEFAULTS,
} from './shipper-config-defaults.ts';
import { INPUT_TYPES } from './shipper-config-types.ts';
import type { InputType } from './shipper-config-types.ts';
import {
  adminBinding,
  bindingsClash,
  daemonBinding,
  describeBinding,
  inputBindings,
  inputListenProblem,
  inputNoun,
  socketPathProblem,
} from './shipper-input-bindings.ts';
import type { InputBinding } from './shipper-input-bindings.ts';
import {
  BATCH_BYTES_MAX,
  BATCH_BYTES_MIN,
  FILE_PATHS_MAX,
  INPUTS_MAX,
  SPOOL_SEGMENT_BYTES_MAX,
  SPOOL_SEGMENT_BYTES_MIN,
  VHOST_BUCKETS_MAX,
  WINDOW_BYTES_MAX,
} from './shipper-limits.ts';

/** Settings every input has; `group` is required by all but spread (see INPUT_REQUIRED_KEYS). */
const INPUT_BASE_KEYS = ['type', 'name', 'group', 'vhost_buckets'] as const;

/** Settings an input of each type must have; every other setting of the type has a default. */
export const INPUT_REQUIRED_KEYS: Readonly<Record<InputType, readonly string[]>> = {
  unix: ['group', 'path'],
  syslog_unix: ['group', 'path'],
  pipe: ['group', 'path'],
  unix_dgram: ['group', 'path'],
  syslog_unix_dgram: ['group', 'path'],
  tcp: ['group', 'listen'],
  syslog_tcp: ['group', 'listen'],
  syslog_udp: ['group', 'listen'],
  http: ['group', 'listen'],
  file: ['group', 'paths'],
  spread: ['listen'],
};

/** The settings of an input of `type`, in the order the docs list them. */
export function inputSettings(type: InputType): readonly string[] {
  const settings = [...INPUT_BASE_KEYS, ...INPUT_REQUIRED_KEYS[type], ...Object.keys(SHIPPER_INPUT_DEFAULTS[type])];
  return [...new Set(settings)];
}

const SETTINGS_BY_TYPE = new Map(INPUT_TYPES.map((type) => [type, new Set(inputSettings(type))]));

/** Every setting of some input type: the keys the schema lists for an input. */
export const INPUT_KEYS: readonly string[] = [...new Set(INPUT_TYPES.flatMap((type) => inputSettings(type)))];
const INPUT_KEY_SET: ReadonlySet<string> = new Set(INPUT_KEYS);

export function isInputType(value: unknown): value is InputType {
  return (INPUT_TYPES as readonly unknown[]).includes(value);
}

function reused(name: string): ValueCheck {
  const check = COLLECTOR_CONFIG_CHECKS[name];
  if (check === undefined) throw new Error(`Bug: the collector has no check "${name}"`);
  return check;
}

export const SHIPPER_CONFIG_CHECKS: Readonly<Record<string, ValueCheck>> = {
  'no-nul': reused('no-nul'),
  'spread-daemon': reused('spread-daemon'),
  'reconnect-delays': reused('reconnect-delays'),
  'admin-listen': reused('admin-listen'),
  'octal-mode': reused('octal-mode'),
  'absolute-directory': (value) => (typeof value === 'string' ? absoluteDirectoryProblem(value) : undefined),
  'socket-path': (value) => (typeof value === 'string' ? socketPathProblem(value) : undefined),
  'file-path': (value) => (typeof value === 'string' ? filePathProblem(value) : undefined),
  spool: checkSpool,
  input: checkInput,
  'input-list': checkInputList,
  shipper: checkShipper,
};

/** A path or glob to follow: absolute, and naming files rather than a directory. */
function filePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL';
  if (!path.startsWith('/')) return `must be an absolute path or glob (got ${JSON.stringify(path.slice(0, 60))})`;
  if (path.endsWith('/')) return 'must name files, not end with "/" (for every file of a directory, write "/dir/*")';
  return undefined;
}

/** A comparison between settings is only worth reporting when each is valid on its own. */
function inRange(value: unknown, minimum: number, maximum: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum;
}

/** `section.key` of the root value, or its default when the section or the key is absent. */
function setting(root: Record<string, unknown>, section: string, key: string, defaultValue: unknown): unknown {
  const value = root[section];
  if (value === undefined) return defaultValue;
  if (!isRecord(value)) return undefined;
  return value[key] ?? defaultValue;
}

/**
 * segment_bytes is at most 1 GiB, the default max_bytes, so a clash always comes from a
 * max_bytes written in the file, and that is where it is reported.
 */
function checkSpool(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const max = value['max_bytes'] ?? SPOOL_SECTION_DEFAULTS.max_bytes;
  const segment = value['segment_bytes'] ?? SPOOL_SECTION_DEFAULTS.segment_bytes;
  if (!inRange(max, SPOOL_SEGMENT_BYTES_MIN, Number.MAX_SAFE_INTEGER) || !inRange(segment, SPOOL_SEGMENT_BYTES_MIN, SPOOL_SEGMENT_BYTES_MAX) || max >= segment) return [];
  return [{ path: ['max_bytes'], message: `must be at least spool.segment_bytes (${segment}): the spool is made of whole segments` }];
}

/** The settings of the input's type: present ones that belong to another type, missing required ones. */
function checkInput(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const type = value['type'];
  if (type === undefined) return [{ message: `missing required key "type" (one of ${INPUT_TYPES.map((known) => JSON.stringify(known)).join(', ')})` }];
  if (!isInputType(type)) return [];
  const settings = SETTINGS_BY_TYPE.get(type) ?? new Set();
  const findings: CheckFinding[] = [];
  for (const key of Object.keys(value)) {
    if (!INPUT_KEY_SET.has(key) || settings.has(key)) continue;
    findings.push({ path: [key], message: `is not a setting of ${inputNoun(type)} (its settings: ${[...settings].join(', ')})` });
  }
  for (const key of INPUT_REQUIRED_KEYS[type]) {
    if (value[key] === undefined) findings.push({ message: `missing required key "${key}" of ${inputNoun(type)}` });
  }
  if (settings.has('listen') && value['listen'] !== undefined) {
    const problem = inputListenProblem(type, value['listen']);
    if (problem !== undefined) findings.push({ path: ['listen'], message: problem });
  }
  findings.push(...groupFindings(value, type));
  return findings;
}

/** Only a spread input may leave `group` empty, and every vhost bucket must be a legal group name. */
function groupFindings(input: Record<string, unknown>, type: InputType): CheckFinding[] {
  const group = input['group'] ?? (type === 'spread' ? SHIPPER_INPUT_DEFAULTS.spread.group : undefined);
  if (typeof group !== 'string' || group.length > GROUP_NAME_LENGTH_MAX) return [];
  if (group === '' && type !== 'spread') {
    return [{ path: ['group'], message: `must not be empty: it is the group ${inputNoun(type)} sends its lines to (only a spread input may leave it empty)` }];
  }
  const buckets = input['vhost_buckets'];
  if (typeof buckets !== 'number' || !Number.isInteger(buckets) || buckets <= 0 || buckets > VHOST_BUCKETS_MAX) return [];
  if (group === '') {
    return [{ path: ['vhost_buckets'], message: 'needs a group: the buckets are the groups <group>-0 .. <group>-<N-1> (without a group a spread input keeps the senders\' groups)' }];
  }
  const lastBucket = `${group}-${buckets - 1}`;
  if (lastBucket.length <= GROUP_NAME_LENGTH_MAX) return [];
  const groupLengthMax = GROUP_NAME_LENGTH_MAX - (lastBucket.length - group.length);
  return [
    {
      path: ['group'],
      message: `is too long for ${buckets} vhost buckets: the last bucket "${lastBucket}" has ${lastBucket.length} characters and Spread group names have at most ${GROUP_NAME_LENGTH_MAX} (shorten the group to ${groupLengthMax})`,
    },
  ];
}

interface Claim {
  readonly binding: InputBinding;
  readonly owner: string;
}

/**
 * Across inputs: unique names (defaults included), no shared socket or address, no file listed
 * twice. Skipped past INPUTS_MAX, which the schema reports: the address check is quadratic.
 */
function checkInputList(value: unknown): CheckFinding[] {
  if (!Array.isArray(value) || value.length > INPUTS_MAX) return [];
  const findings: CheckFinding[] = [];
  const names = new Map<string, { index: number; defaulted: boolean }>();
  const claims: Claim[] = [];
  const files = new Map<string, string>();
  value.forEach((input: unknown, index) => {
    if (!isRecord(input) || !isInputType(input['type'])) return;
    const type = input['type'];
    findings.push(...nameFindings(input, type, index, names));
    for (const { key, binding } of inputBindings(input, type)) {
      const owner = `inputs[${index}].${key}`;
      const earlier = claims.find((claim) => bindingsClash(claim.binding, binding));
      if (earlier !== undefined) findings.push({ path: [index, key], message: clashMessage(input, binding, earlier) });
      claims.push({ binding, owner });
    }
    if (type === 'file') findings.push(...filePathFindings(input, index, files));
  });
  return findings;
}

function nameFindings(input: Record<string, unknown>, type: InputType, index: number, names: Map<string, { index: number; defaulted: boolean }>): CheckFinding[] {
  const given = input['name'];
  if (given !== undefined && typeof given !== 'string') return [];
  const name = given ?? defaultInputName(type, index);
  const earlier = names.get(name);
  if (earlier === undefined) {
    names.set(name, { index, defaulted: given === undefined });
    return [];
  }
  if (given === undefined) {
    return [{ path: [index], message: `has no name, and its default name "${name}" is taken by inputs[${earlier.index}]; give it a name` }];
  }
  const also = earlier.defaulted ? `the default name of inputs[${earlier.index}], which has none` : `also inputs[${earlier.index}]`;
  return [{ path: [index, 'name'], message: `duplicate input name ${JSON.stringify(name)} (${also})` }];
}

function clashMessage(input: Record<string, unknown>, binding: InputBinding, earlier: Claim): string {
  const listen = input['listen'];
  const means = input['type'] === 'spread' && typeof listen === 'string' && /^[0-9]+$/.test(listen) ? `"${listen}" listens on TCP 127.0.0.1:${listen} and unix socket /tmp/${listen}; ` : '';
  const mine = describeBinding(binding);
  const theirs = describeBinding(earlier.binding);
  const clash = mine === theirs ? `${mine} is also taken by ${earlier.owner}` : `${mine} overlaps ${theirs} of ${earlier.owner}`;
  return `${means}${clash}; each input needs its own`;
}

function filePathFindings(input: Record<string, unknown>, index: number, files: Map<string, string>): CheckFinding[] {
  const paths = input['paths'];
  if (!Array.isArray(paths) || paths.length > FILE_PATHS_MAX) return [];
  const findings: CheckFinding[] = [];
  paths.forEach((path: unknown, pathIndex) => {
    if (typeof path !== 'string' || filePathProblem(path) !== undefined) return;
    const normal = posix.normalize(path);
    const earlier = files.get(normal);
    const owner = `inputs[${index}].paths[${pathIndex}]`;
    if (earlier === undefined) files.set(normal, owner);
    else findings.push({ path: [index, 'paths', pathIndex], message: `${JSON.stringify(path.slice(0, 80))} is also listed by ${earlier}; a file followed twice is shipped twice` });
  });
  return findings;
}

/** Across sections: the upstream window holds a whole batch; inputs stay off the admin and daemon addresses. */
function checkShipper(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const findings: CheckFinding[] = [];
  const window = setting(value, 'upstream', 'window_bytes', UPSTREAM_SECTION_DEFAULTS.window_bytes);
  const batch = setting(value, 'batch', 'max_bytes', BATCH_SECTION_DEFAULTS.max_bytes);
  if (inRange(window, BATCH_BYTES_MIN, WINDOW_BYTES_MAX) && inRange(batch, BATCH_BYTES_MIN, BATCH_BYTES_MAX) && window < batch) {
    findings.push({ path: ['upstream', 'window_bytes'], message: `must be at least batch.max_bytes (${batch}): a batch is sent whole` });
  }
  const inputs = value['inputs'];
  if (!Array.isArray(inputs) || inputs.length > INPUTS_MAX) return findings;
  const admin = adminBinding(setting(value, 'admin', 'listen', SHIPPER_ADMIN_SECTION_DEFAULTS.listen));
  const daemon = setting(value, 'shipper', 'daemon', SHIPPER_SECTION_DEFAULTS.daemon);
  const upstream = typeof daemon === 'string' ? daemonBinding(daemon) : undefined;
  inputs.forEach((input: unknown, index) => {
    if (!isRecord(input) || !isInputType(input['type'])) return;
    for (const { key, binding } of inputBindings(input, input['type'])) {
      if (admin !== undefined && bindingsClash(binding, admin)) {
        findings.push({ path: ['inputs', index, key], message: `${describeBinding(binding)} is also taken by admin.listen (${describeBinding(admin)}); move one of them` });
      }
      if (upstream !== undefined && bindingsClash(binding, upstream)) {
        const message = `${describeBinding(binding)} is where shipper.daemon (${JSON.stringify(daemon)}) connects, so the shipper would send its lines to itself; point shipper.daemon at another daemon (e.g. "4804", "4803@logbox" or "embedded")`;
        findings.push({ path: ['inputs', index, key], message });
      }
    }
  });
  return findings;
}
