/**
 * A parsed spread.conf as a `DaemonConfig`, the way `spread -c spread.conf -n NAME` would run:
 * the selected daemon's name, client listeners from its C (or untyped) interfaces on its port,
 * the log settings, MaxSessionMessages, the auth methods, and its segment with the segment key
 * file (ringlog's RinglogKeyFile). The result goes through the same schema as YAML, and any
 * problem is reported at the spread.conf line it came from.
 */
import { dirname, resolve } from 'node:path';
import { formatConfigPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { validateConfigValue } from './config-schema.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { DAEMON_CONFIG_SCHEMA } from './daemon-config-schema.ts';
import { SEGMENT_TIMEOUT_NAMES } from './daemon-config-types.ts';
import type { DaemonConfig } from './daemon-config-types.ts';
import { hostAddresses, selectDaemon } from './daemon-selection.ts';
import type { SelectedDaemon } from './daemon-selection.ts';
import { ConfigValidationError } from './errors.ts';
import { boundProblems, boundWarnings } from './problem.ts';
import type { ConfigProblem, ConfigWarning } from './problem.ts';
import { clientListeners } from './spread-client-listeners.ts';
import { spreadLogLevel } from './spread-log-level.ts';
import { SPREAD_TIMEOUT_KEYS } from './spread-conf-types.ts';
import type { SpreadConf, SpreadConfKeys, SpreadSegment } from './spread-conf-types.ts';

export interface SpreadConfConversionOptions {
  /** As `spread -n NAME`; default: the daemon whose address is in `localAddresses`. */
  readonly daemonName?: string;
  /** Default: this host's interface addresses (os.networkInterfaces()). */
  readonly localAddresses?: readonly string[];
  /**
   * The segment key file, relative to the working directory; overrides RinglogKeyFile. For a
   * spread.conf shared with upstream Spread, which refuses a file with ringlog's own key.
   */
  readonly segmentKeyFile?: string;
}

/** Which spread.conf line each converted value came from, by formatted config path. */
type Origins = Map<string, number>;

export function spreadConfToDaemonConfig(
  conf: SpreadConf,
  options: SpreadConfConversionOptions = {},
): { config: DaemonConfig; warnings: ConfigWarning[] } {
  const selected = selectDaemon(conf, options.daemonName, options.localAddresses ?? hostAddresses);
  const warnings: ConfigWarning[] = [...conf.warnings];
  const warn = (line: number, message: string): void => {
    warnings.push({ file: conf.file, line, message });
  };
  const origins: Origins = new Map();
  const value = {
    daemon: daemonSection(conf.keys, selected, origins, warn),
    log: logSection(conf.keys, origins, warn),
    segment: segmentSection(conf, selected, origins, warn),
  };
  const keyFile = segmentKeyFile(conf, options, origins);
  if (keyFile !== undefined) value.segment['key_file'] = keyFile;
  const validation = validateConfigValue(value, DAEMON_CONFIG_SCHEMA);
  if (!validation.ok) {
    const problems = validation.problems.map((problem) => originProblem(conf.file, problem.path, problem.message, origins, selected));
    throw new ConfigValidationError(boundProblems(problems));
  }
  return { config: cloneDeepFrozen(validation.value), warnings: boundWarnings(warnings) };
}

function daemonSection(keys: SpreadConfKeys, selected: SelectedDaemon, origins: Origins, warn: (line: number, message: string) => void): Record<string, unknown> {
  const { daemon, segment } = selected;
  const section: Record<string, unknown> = {
    name: daemon.name,
    listen: clientListeners(daemon, daemon.port ?? segment.port, warn),
  };
  origins.set('daemon', daemon.line);
  if (keys.MaxSessionMessages !== undefined) {
    section['session_queue_max_messages'] = keys.MaxSessionMessages.value;
    origins.set('daemon.session_queue_max_messages', keys.MaxSessionMessages.line);
  }
  const { AllowedAuthMethods: allowed, RequiredAuthMethods: required } = keys;
  if (allowed !== undefined || required !== undefined) {
    // Setting either key disables NULL unless it is listed (spec §7); both lists end up enabled.
    section['auth_methods'] = [...new Set([...(allowed?.value ?? []), ...(required?.value ?? [])])];
    origins.set('daemon.auth_methods', (allowed ?? required)?.line ?? daemon.line);
  }
  return section;
}

function logSection(keys: SpreadConfKeys, origins: Origins, warn: (line: number, message: string) => void): Record<string, unknown> {
  const mapped = spreadLogLevel(keys);
  if (mapped.warning !== undefined) warn(keys.DebugFlags?.line ?? 1, mapped.warning);
  const section: Record<string, unknown> = { level: mapped.level };
  if (keys.EventLogFile !== undefined) {
    section['file'] = keys.EventLogFile.value;
    origins.set('log.file', keys.EventLogFile.line);
  }
  return section;
}

function segmentSection(conf: SpreadConf, selected: SelectedDaemon, origins: Origins, warn: (line: number, message: string) => void): Record<string, unknown> {
  const { segment, segmentIndex } = selected;
  if (conf.segments.length > 1) {
    warn(segment.line, `ringlog runs one segment: only Spread_Segment[${segmentIndex}] (this daemon's) is used, the other ${conf.segments.length - 1} are ignored`);
  }
  origins.set('segment', segment.line);
  const section: Record<string, unknown> = {
    port: segment.port,
    addresses: [...segment.addresses],
    daemons: segmentDaemons(segment, origins),
  };
  const timeouts = timeoutsMs(conf.keys);
  if (timeouts !== undefined) {
    section['timeouts_ms'] = timeouts;
    origins.set('segment.timeouts_ms', conf.keys.TokenTimeout?.line ?? segment.line);
  }
  return section;
}

function segmentDaemons(segment: SpreadSegment, origins: Origins): Record<string, unknown>[] {
  return segment.daemons.map((daemon, index) => {
    origins.set(formatConfigPath(['segment', 'daemons', index]), daemon.line);
    // A daemon given by name only keeps the name as its address, resolved by DNS at start-up.
    const entry: Record<string, unknown> = { name: daemon.name, address: daemon.address ?? daemon.name };
    if (daemon.port !== undefined) entry['port'] = daemon.port;
    if (daemon.virtualId !== undefined) entry['virtual_id'] = daemon.virtualId;
    if (daemon.interfaces !== undefined) {
      entry['interfaces'] = daemon.interfaces.map((stanza, stanzaIndex) => {
        origins.set(formatConfigPath(['segment', 'daemons', index, 'interfaces', stanzaIndex]), stanza.line);
        return { types: [...stanza.types], address: stanza.address };
      });
    }
    return entry;
  });
}

/** The option, else RinglogKeyFile made absolute against the spread.conf's directory. */
function segmentKeyFile(conf: SpreadConf, options: SpreadConfConversionOptions, origins: Origins): string | undefined {
  if (options.segmentKeyFile !== undefined) return options.segmentKeyFile === '' ? '' : resolve(options.segmentKeyFile);
  const setting = conf.keys.RinglogKeyFile;
  if (setting === undefined) return undefined;
  origins.set('segment.key_file', setting.line);
  return setting.value === '' ? '' : resolve(dirname(resolve(conf.file)), setting.value);
}

/** All nine timeouts, or undefined (the parser already refused a partial set). Same order as SPREAD_TIMEOUT_KEYS. */
function timeoutsMs(keys: SpreadConfKeys): Record<string, number> | undefined {
  const values = SPREAD_TIMEOUT_KEYS.map((key) => keys[key]?.value);
  if (values.some((value) => value === undefined)) return undefined;
  return Object.fromEntries(SEGMENT_TIMEOUT_NAMES.map((name, index) => [name, values[index] ?? 0]));
}

function originProblem(file: string, path: ConfigPath, message: string, origins: Origins, selected: SelectedDaemon): ConfigProblem {
  let line = selected.daemon.line;
  for (let length = path.length; length > 0; length -= 1) {
    const origin = origins.get(formatConfigPath(path.slice(0, length)));
    if (origin !== undefined) {
      line = origin;
      break;
    }
  }
  return { file, line, column: 1, path: formatConfigPath(path), message };
}
