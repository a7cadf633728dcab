/**
 * A typed description of a Spread spread.conf (spec §7), as `parseSpreadConf` reads it. Keys keep
 * Spread's own spelling so they can be matched to its documentation. Lines count from 1.
 */
import type { InterfaceType } from './daemon-config-types.ts';
import type { ConfigWarning } from './problem.ts';

export const SPREAD_PRIORITIES = ['pDEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL'] as const;
export type SpreadPriority = (typeof SPREAD_PRIORITIES)[number];

/** DebugFlags bits. `ALL` (every bit) and `NONE` (no bit) are also accepted in the file. */
export const SPREAD_DEBUG_FLAGS = [
  'EXIT', 'PRINT', 'DEBUG', 'DATA_LINK', 'NETWORK', 'PROTOCOL', 'SESSION', 'CONFIGURATION', 'MEMBERSHIP',
  'FLOW_CONTROL', 'STATUS', 'EVENTS', 'GROUPS', 'MEMORY', 'SKIPLIST', 'ACM', 'SECURITY',
] as const;
export type SpreadDebugFlag = (typeof SPREAD_DEBUG_FLAGS)[number];

export const SPREAD_TIMEOUT_KEYS = [
  'TokenTimeout', 'HurryTimeout', 'AliveTimeout', 'JoinTimeout', 'RepTimeout', 'SegTimeout', 'GatherTimeout', 'FormTimeout', 'LookupTimeout',
] as const;
export type SpreadTimeoutKey = (typeof SPREAD_TIMEOUT_KEYS)[number];

/** A value and the line it was set on. */
export interface SpreadSetting<T> {
  readonly value: T;
  readonly line: number;
}

export interface SpreadConfKeys {
  readonly EventLogFile?: SpreadSetting<string>;
  /** null = bare `EventTimeStamp` (Spread's default format). */
  readonly EventTimeStamp?: SpreadSetting<string | null>;
  readonly EventPreciseTimeStamp?: SpreadSetting<true>;
  readonly EventPriority?: SpreadSetting<SpreadPriority>;
  /** The flags left set after applying the list in order (`ALL` expanded, `!X` removing X). */
  readonly DebugFlags?: SpreadSetting<readonly SpreadDebugFlag[]>;
  readonly DangerousMonitor?: SpreadSetting<boolean>;
  readonly SocketPortReuse?: SpreadSetting<'ON' | 'OFF' | 'AUTO'>;
  readonly MaxSessionMessages?: SpreadSetting<number>;
  readonly RuntimeDir?: SpreadSetting<string>;
  readonly DaemonUser?: SpreadSetting<string>;
  readonly DaemonGroup?: SpreadSetting<string>;
  readonly AllowedAuthMethods?: SpreadSetting<readonly string[]>;
  readonly RequiredAuthMethods?: SpreadSetting<readonly string[]>;
  readonly AccessControlPolicy?: SpreadSetting<string>;
  readonly ActiveIPVersion?: SpreadSetting<'IPv4' | 'IPv6'>;
  readonly WideAreaNetwork?: SpreadSetting<boolean>;
  readonly AcceleratedRing?: SpreadSetting<boolean>;
  readonly Window?: SpreadSetting<number>;
  readonly PersonalWindow?: SpreadSetting<number>;
  readonly AcceleratedWindow?: SpreadSetting<number>;
  readonly TokenTimeout?: SpreadSetting<number>;
  readonly HurryTimeout?: SpreadSetting<number>;
  readonly AliveTimeout?: SpreadSetting<number>;
  readonly JoinTimeout?: SpreadSetting<number>;
  readonly RepTimeout?: SpreadSetting<number>;
  readonly SegTimeout?: SpreadSetting<number>;
  readonly GatherTimeout?: SpreadSetting<number>;
  readonly FormTimeout?: SpreadSetting<number>;
  readonly LookupTimeout?: SpreadSetting<number>;
  readonly ExcludeSegAddrsFromHash?: SpreadSetting<boolean>;
  readonly IgnoreMulticastJoinErrors?: SpreadSetting<boolean>;
  /**
   * ringlog's own key, not Spread's: the segment key file (YAML `segment.key_file`), relative to
   * the directory of the spread.conf. Upstream Spread refuses a file that has it.
   */
  readonly RinglogKeyFile?: SpreadSetting<string>;
}
export type SpreadConfKey = keyof SpreadConfKeys;

export interface SpreadInterface {
  readonly line: number;
  /** Empty = all three (an untyped entry). */
  readonly types: readonly InterfaceType[];
  /** IP literal as written, possibly with an IPv6 `%zone`. */
  readonly address: string;
}

export interface SpreadDaemon {
  readonly line: number;
  /** Truncated to 19 characters; the IP string when only an address was given. */
  readonly name: string;
  /** IP literal as written; undefined when only a name was given. */
  readonly address?: string;
  /** From `ip:port`: this daemon's own port; undefined = the segment's. */
  readonly port?: number;
  /** Only a name was given: Spread would resolve it by DNS. */
  readonly needsDns: boolean;
  readonly virtualId?: number;
  /** undefined = no stanza (Spread's "ANY": one untyped interface on the unspecified address). */
  readonly interfaces?: readonly SpreadInterface[];
}

export interface SpreadSegment {
  readonly line: number;
  /** From the first segment address; 4803 when none is given. */
  readonly port: number;
  /** Segment multicast/broadcast addresses, without port. */
  readonly addresses: readonly string[];
  readonly daemons: readonly SpreadDaemon[];
}

export interface SpreadConf {
  readonly file: string;
  readonly segments: readonly SpreadSegment[];
  readonly keys: SpreadConfKeys;
  readonly warnings: readonly ConfigWarning[];
}
