/**
 * The piped-log protocol between `ringlog pipe` (the helper Apache starts with
 * `CustomLog "|ringlog pipe …"`) and the shipper's `pipe` input, over one unix stream socket.
 *
 * Theory of operation
 * - Helper → shipper: one hello line, then log lines, every frame LF-terminated:
 *     `RINGLOG-PIPE 1 id=<helper id> [group=<group>]\n` then `<line>\n` `<line>\n` …
 *   The id (1..64 bytes in 0x21..0x7e) names the helper in the shipper's log; `group`, when
 *   present, is a legal Spread group name and routes every line of the connection (without it,
 *   the input's configured `group` applies). Unknown `key=value` tokens are ignored, so later
 *   versions can add fields; a different version number is refused.
 *   A line is any bytes but LF, at most PIPE_LINE_MAX_BYTES; the helper truncates longer ones.
 * - Shipper → helper: `ACK <bytes>\n`, the cumulative count of bytes (LF included) of complete
 *   lines received on THIS connection since the hello that the shipper has made durable
 *   (`LineIngest.flushToSpool()` returned). Acks are batched: at most one per PIPE_ACK_INTERVAL_MS.
 *   `BYE <reason>\n` may precede a close the shipper chose (bad hello, overlong line, shutdown…).
 * - The helper keeps every byte until it is acknowledged. Each new connection starts at the
 *   helper's first unacknowledged byte (always a line start, since acks count whole lines), and
 *   its acks count from there again.
 *
 * Delivery is at least once: if the shipper crashes after a line is durable but before its ack
 * reaches the helper, the helper resends it and the line is stored twice. Lines the shipper drops
 * by policy (spool full under `drop_newest`) are acknowledged too: the drop is counted there.
 * Exactly once needs sequence numbers in the hello and the acks (a later version).
 *
 * Rules of this file: no sockets, no timers, no clock. Hostile bytes from a peer become a
 * violation value, never an exception; encoders throw only on local misuse.
 */
import { isLegalGroupName } from '@ringlog/wire';

export const PIPE_MAGIC = 'RINGLOG-PIPE';
export const PIPE_PROTOCOL_VERSION = 1;
/** Longest hello line, LF included; longer is a bad hello. */
export const PIPE_HELLO_MAX_BYTES = 512;
/** Longest helper id, in bytes. */
export const PIPE_HELPER_ID_MAX_BYTES = 64;
/** Longest log line on the pipe socket (LF excluded); the engine's own line policy applies after. */
export const PIPE_LINE_MAX_BYTES = 1024 * 1024;
/** Longest shipper → helper frame, LF included. */
export const PIPE_REPLY_MAX_BYTES = 64;
/** The shipper sends at most one ack per connection this often. */
export const PIPE_ACK_INTERVAL_MS = 5;

export const PipeByeReason = {
  BAD_HELLO: 'bad-hello',
  UNSUPPORTED_VERSION: 'unsupported-version',
  OVERLONG_LINE: 'overlong-line',
  TOO_MANY_CONNECTIONS: 'too-many-connections',
  IDLE_TIMEOUT: 'idle-timeout',
  SHUTDOWN: 'shutdown',
} as const;
export type PipeByeReason = (typeof PipeByeReason)[keyof typeof PipeByeReason];

export interface PipeHello {
  readonly version: number;
  readonly helperId: string;
  /** Null when the helper names no group (the input's group applies). */
  readonly group: string | null;
}

export type PipeHelloParse =
  | { readonly ok: true; readonly hello: PipeHello }
  | { readonly ok: false; readonly reason: 'bad_hello' | 'unsupported_version'; readonly detail: string };

export type PipeReply =
  | { readonly type: 'ack'; readonly bytes: number }
  | { readonly type: 'bye'; readonly reason: string };

/** The hello line, LF included. Throws on a helper id or group the shipper would refuse. */
export function encodePipeHello(helperId: string, group: string | null): Buffer {
  if (!isLegalHelperId(helperId)) throw new RangeError(`Illegal pipe helper id ${JSON.stringify(helperId)}`);
  if (group !== null && !isLegalGroupName(group)) throw new RangeError(`Illegal group name ${JSON.stringify(group)}`);
  const groupToken = group === null ? '' : ` group=${group}`;
  return Buffer.from(`${PIPE_MAGIC} ${PIPE_PROTOCOL_VERSION} id=${helperId}${groupToken}\n`, 'latin1');
}

/** Parses a hello line (without its LF). */
export function parsePipeHello(line: Buffer): PipeHelloParse {
  const text = line.toString('latin1');
  const tokens = text.split(' ');
  if (tokens[0] !== PIPE_MAGIC) return badHello(`does not start with "${PIPE_MAGIC} "`);
  const versionText = tokens[1] ?? '';
  if (!/^[0-9]{1,6}$/.test(versionText)) return badHello('version is not a number');
  if (Number(versionText) !== PIPE_PROTOCOL_VERSION) {
    return { ok: false, reason: 'unsupported_version', detail: `version ${versionText}; this shipper speaks ${PIPE_PROTOCOL_VERSION}` };
  }
  const fields = new Map<string, string>();
  for (const token of tokens.slice(2)) {
    const equals = token.indexOf('=');
    if (equals <= 0) return badHello('a field is not key=value');
    const key = token.slice(0, equals);
    if (fields.has(key)) return badHello(`field ${key} appears twice`);
    fields.set(key, token.slice(equals + 1));
  }
  const helperId = fields.get('id');
  if (helperId === undefined || !isLegalHelperId(helperId)) return badHello('id is missing or illegal');
  const group = fields.get('group') ?? null;
  if (group !== null && !isLegalGroupName(group)) return badHello('group is not a legal group name');
  return { ok: true, hello: { version: PIPE_PROTOCOL_VERSION, helperId, group } };
}

export function encodePipeAck(bytes: number): Buffer {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`Ack must be a safe integer >= 0, got ${bytes}`);
  return Buffer.from(`ACK ${bytes}\n`, 'latin1');
}

export function encodePipeBye(reason: PipeByeReason): Buffer {
  return Buffer.from(`BYE ${reason}\n`, 'latin1');
}

/** Parses one shipper → helper frame (without its LF); null when it is not a legal frame. */
export function parsePipeReply(line: Buffer): PipeReply | null {
  const text = line.toString('latin1');
  const ack = /^ACK ([0-9]{1,16})$/.exec(text);
  if (ack !== null) {
    const bytes = Number(ack[1]);
    return Number.isSafeInteger(bytes) ? { type: 'ack', bytes } : null;
  }
  const bye = /^BYE ([a-z-]{1,40})$/.exec(text);
  if (bye !== null) return { type: 'bye', reason: bye[1] ?? '' };
  return null;
}

function isLegalHelperId(id: string): boolean {
  if (id.length === 0 || id.length > PIPE_HELPER_ID_MAX_BYTES) return false;
  for (let index = 0; index < id.length; index++) {
    const code = id.charCodeAt(index);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

function badHello(detail: string): PipeHelloParse {
  return { ok: false, reason: 'bad_hello', detail };
}
