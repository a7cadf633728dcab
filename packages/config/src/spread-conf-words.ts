/** Spread's keywords (config_gram.l). They are case-sensitive, and none can be used as a name. */
import { SPREAD_DEBUG_FLAGS, SPREAD_PRIORITIES } from './spread-conf-types.ts';
import type { SpreadConfKey } from './spread-conf-types.ts';

/** How a key's value is written. */
export const KeyValueKind = {
  STRING: 'string',
  NUMBER: 'number',
  BOOLEAN: 'boolean',
  TRI_STATE: 'tri-state',
  PRIORITY: 'priority',
  DEBUG_FLAGS: 'debug-flags',
  TIMESTAMP: 'timestamp',
  BARE: 'bare',
  AUTH_LIST: 'auth-list',
  IP_VERSION: 'ip-version',
} as const;
export type KeyValueKind = (typeof KeyValueKind)[keyof typeof KeyValueKind];

export interface KeyDefinition {
  readonly kind: KeyValueKind;
  /** False: recognized, but ringlog ignores it (the parser warns). */
  readonly used: boolean;
}

const K = KeyValueKind;
export const KEY_DEFINITIONS: Readonly<Record<SpreadConfKey, KeyDefinition>> = {
  EventLogFile: { kind: K.STRING, used: true },
  EventTimeStamp: { kind: K.TIMESTAMP, used: false },
  EventPreciseTimeStamp: { kind: K.BARE, used: false },
  EventPriority: { kind: K.PRIORITY, used: true },
  DebugFlags: { kind: K.DEBUG_FLAGS, used: true },
  DangerousMonitor: { kind: K.BOOLEAN, used: false },
  SocketPortReuse: { kind: K.TRI_STATE, used: false },
  MaxSessionMessages: { kind: K.NUMBER, used: true },
  RuntimeDir: { kind: K.STRING, used: false },
  DaemonUser: { kind: K.STRING, used: false },
  DaemonGroup: { kind: K.STRING, used: false },
  AllowedAuthMethods: { kind: K.AUTH_LIST, used: true },
  RequiredAuthMethods: { kind: K.AUTH_LIST, used: true },
  AccessControlPolicy: { kind: K.STRING, used: false },
  ActiveIPVersion: { kind: K.IP_VERSION, used: true },
  WideAreaNetwork: { kind: K.BOOLEAN, used: false },
  AcceleratedRing: { kind: K.BOOLEAN, used: false },
  Window: { kind: K.NUMBER, used: false },
  PersonalWindow: { kind: K.NUMBER, used: false },
  AcceleratedWindow: { kind: K.NUMBER, used: false },
  TokenTimeout: { kind: K.NUMBER, used: true },
  HurryTimeout: { kind: K.NUMBER, used: true },
  AliveTimeout: { kind: K.NUMBER, used: true },
  JoinTimeout: { kind: K.NUMBER, used: true },
  RepTimeout: { kind: K.NUMBER, used: true },
  SegTimeout: { kind: K.NUMBER, used: true },
  GatherTimeout: { kind: K.NUMBER, used: true },
  FormTimeout: { kind: K.NUMBER, used: true },
  LookupTimeout: { kind: K.NUMBER, used: true },
  ExcludeSegAddrsFromHash: { kind: K.BOOLEAN, used: false },
  IgnoreMulticastJoinErrors: { kind: K.BOOLEAN, used: false },
  RinglogKeyFile: { kind: K.STRING, used: true }, // ringlog's own key: Spread refuses it
};

export function isKeyName(text: string): text is SpreadConfKey {
  return Object.hasOwn(KEY_DEFINITIONS, text);
}

export const SEGMENT_KEYWORD = 'Spread_Segment';
export const VIRTUAL_ID_KEYWORD = 'VirtualID';

/** Every case-sensitive word Spread's scanner turns into a token other than STRING. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set<string>([
  SEGMENT_KEYWORD,
  VIRTUAL_ID_KEYWORD,
  ...Object.keys(KEY_DEFINITIONS),
  ...SPREAD_DEBUG_FLAGS,
  'ALL',
  'NONE',
  ...SPREAD_PRIORITIES,
  'D',
  'C',
  'M',
]);

