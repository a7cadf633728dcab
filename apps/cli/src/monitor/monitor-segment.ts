/**
 * Which daemons `ringlog monitor` asks, and with which key: the segment of a daemon config, as
 * spmonitor reads spread.conf. Each daemon is asked where its ring socket listens: its daemon
 * port (its own `port`, else `segment.port`) on its D interface's address, else its address.
 */
import { readFile } from 'node:fs/promises';
import {
  ConfigDaemonNotFoundError,
  ConfigValidationError,
  type DaemonConfig,
  detectConfigFormat,
  loadDaemonConfig,
  type LoadDaemonConfigOptions,
  loadSegmentKey,
  parseSpreadConf,
  type SegmentDaemon,
  segmentDaemonPort,
} from '@ringlog/config';
import { CliError, CliErrorCode } from '../errors.ts';

export interface MonitorTarget {
  readonly name: string;
  readonly address: string;
  readonly port: number;
}

export interface MonitorSegment {
  /** `<file> (yaml)` or `<file> (spread.conf)`. */
  readonly source: string;
  /** Every daemon of the segment, in config order. */
  readonly targets: readonly MonitorTarget[];
  readonly key: Buffer;
}

/**
 * Reads the config and the segment key. Throws the config package's errors (ConfigError: file
 * and line for a bad file, SegmentKeyError for a bad key file) and CliError
 * (RL_CLI_MONITOR_NO_SEGMENT, RL_CLI_MONITOR_NO_KEY).
 */
export async function loadMonitorSegment(configPath: string, keyFile: string | null): Promise<MonitorSegment> {
  const { config, format } = await loadSegmentConfig(configPath, keyFile);
  const segment = config.segment;
  if (segment === undefined) {
    throw new CliError(
      CliErrorCode.MONITOR_NO_SEGMENT,
      `${configPath} has no segment section: its daemon runs alone, so there is no ring to monitor (a segment lists its daemons under segment.daemons)`,
    );
  }
  const [only] = segment.daemons;
  if (segment.daemons.length === 1 && only !== undefined) {
    throw new CliError(CliErrorCode.MONITOR_NO_SEGMENT, `${configPath}: the segment has one daemon (${only.name}): it runs alone, without a ring to monitor`);
  }
  const targets = segment.daemons.map((daemon) => ({ name: daemon.name, address: daemonAddress(daemon), port: segmentDaemonPort(segment, daemon) }));
  // For spread.conf the loader already put --key-file in key_file; for YAML it overrides here.
  const keyPath = keyFile ?? segment.key_file;
  if (keyPath === undefined || keyPath.length === 0) {
    throw new CliError(
      CliErrorCode.MONITOR_NO_KEY,
      `${configPath} names no segment key (segment.key_file, or RinglogKeyFile in spread.conf); give the daemons' key file with --key-file PATH`,
    );
  }
  return { source: `${configPath} (${format})`, targets, key: loadSegmentKey(keyPath) };
}

/** Where the daemon's ring socket listens, as ringlogd picks it: its D (or untyped) interface, else its address. */
function daemonAddress(daemon: SegmentDaemon): string {
  const stanza = daemon.interfaces?.find((item) => item.types.length === 0 || item.types.includes('D'));
  return stanza?.address ?? daemon.address;
}

async function loadSegmentConfig(configPath: string, keyFile: string | null): Promise<{ config: DaemonConfig; format: string }> {
  const options: LoadDaemonConfigOptions = keyFile === null ? {} : { segmentKeyFile: keyFile };
  try {
    return await loadDaemonConfig(configPath, options);
  } catch (error) {
    if (!(error instanceof ConfigDaemonNotFoundError)) throw await withKeyHint(error, configPath, keyFile);
    // spread.conf picks "this" daemon by local address; a monitor need not run on a daemon's
    // host (or runs on one with several), and any daemon of the file names the segment.
    const daemonName = await firstSpreadConfDaemon(configPath);
    if (daemonName === undefined) throw error;
    try {
      return await loadDaemonConfig(configPath, { ...options, daemonName });
    } catch (retryError) {
      throw await withKeyHint(retryError, configPath, keyFile);
    }
  }
}

async function firstSpreadConfDaemon(configPath: string): Promise<string | undefined> {
  const conf = parseSpreadConf(await readFile(configPath, 'utf8'), configPath);
  return conf.segments[0]?.daemons[0]?.name;
}

/** A spread.conf without RinglogKeyFile fails validation; say that --key-file is the way out. */
async function withKeyHint(error: unknown, configPath: string, keyFile: string | null): Promise<unknown> {
  if (keyFile !== null || !(error instanceof ConfigValidationError)) return error;
  if (!error.problems.some((problem) => problem.message.startsWith('segment.key_file is required'))) return error;
  const text = await readFile(configPath, 'utf8').catch(() => '');
  if (detectConfigFormat(configPath, text) !== 'spread.conf') return error;
  return new CliError(CliErrorCode.MONITOR_NO_KEY, `${error.message}\n(or give the daemons' key file with --key-file PATH)`, { cause: error });
}
