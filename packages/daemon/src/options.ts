/** Runtime options of one daemon. The app maps its validated config onto these. */

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export const QueueFullPolicy = {
  /** End the session with a logged reason, as Spread does at MaxSessionMessages. */
  DISCONNECT: 'disconnect',
  /** Discard the oldest queued message, count it, keep the session. */
  DROP_OLDEST: 'drop_oldest',
} as const;
export type QueueFullPolicy = (typeof QueueFullPolicy)[keyof typeof QueueFullPolicy];

export interface DaemonOptions {
  /** Daemon name in private groups `#user#name`; at most 19 characters. */
  readonly name: string;
  /** 32-bit daemon id shown as proc_id in group ids; default: a hash of `name`. */
  readonly virtualId: number;
  readonly listen: readonly ListenAddress[];
  /** 0 means no cap; past it a new session gets REJECT_QUOTA. */
  readonly maxSessions: number;
  /** A connection that has not finished the handshake by then is closed. */
  readonly handshakeTimeoutMs: number;
  /** Outbound messages held per session beyond what the socket takes (MaxSessionMessages). */
  readonly sessionQueueMaxMessages: number;
  readonly sessionQueueMaxBytes: number;
  readonly sessionQueueFullPolicy: QueueFullPolicy;
  /** Bytes handed to a socket before further output waits in the session queue. */
  readonly socketHighWaterBytes: number;
  /** Auth methods offered; only NULL is implemented. */
  readonly authMethods: readonly string[];
}

export const DEFAULT_DAEMON_OPTIONS: Omit<DaemonOptions, 'virtualId'> = {
  name: 'localhost',
  listen: [
    { kind: 'tcp', host: '127.0.0.1', port: 4803 },
    { kind: 'unix', path: '/tmp/4803' },
  ],
  maxSessions: 0,
  handshakeTimeoutMs: 1_000,
  sessionQueueMaxMessages: 1_000,
  sessionQueueMaxBytes: 64 * 1024 * 1024,
  sessionQueueFullPolicy: QueueFullPolicy.DISCONNECT,
  socketHighWaterBytes: 256 * 1024,
  authMethods: ['NULL'],
};

/** FNV-1a of the name: a stable default daemon id, like Spread's hash of the daemon name. */
export function defaultVirtualId(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i) & 0xff;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function resolveDaemonOptions(partial: Partial<DaemonOptions>): DaemonOptions {
  const merged = { ...DEFAULT_DAEMON_OPTIONS, ...partial };
  return { ...merged, virtualId: partial.virtualId ?? defaultVirtualId(merged.name) };
}
