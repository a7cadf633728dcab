import { SPACE, ascii, isPrintable, tokenEnd } from './bytes.ts';
import { isRfc3339Timestamp, readLegacyTimestamp } from './timestamp.ts';
import type { Rfc3164Message } from './types.ts';

const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Longer than RFC 3164's 32 because real tags (systemd units) are. */
const TAG_LENGTH_MAX = 64;
const PID_LENGTH_MAX = 32;

interface TagResult {
  readonly appName: string;
  readonly procId: string | null;
  /** Index of the first MSG byte. */
  readonly end: number;
}

function isTagByte(byte: number | undefined): boolean {
  return isPrintable(byte) && byte !== COLON && byte !== OPEN_BRACKET && byte !== CLOSE_BRACKET;
}

/**
 * Reads `TAG: `, `TAG[pid]: ` or `TAG[pid] ` at `start`, or null when the text there is not a tag.
 * A tag must be followed by a colon or a `[pid]`, then SP or the end: so `http://x` and `fe80::1` are not tags.
 */
export function readTag(frame: Buffer, start: number): TagResult | null {
  let index = start;
  while (isTagByte(frame[index]) && index - start < TAG_LENGTH_MAX) index += 1;
  if (index === start) return null;
  const appName = ascii(frame, start, index);
  let procId: string | null = null;
  if (frame[index] === OPEN_BRACKET) {
    const close = frame.indexOf(CLOSE_BRACKET, index + 1);
    if (close < 0 || close - index - 1 > PID_LENGTH_MAX) return null;
    procId = frame.toString('utf8', index + 1, close);
    index = close + 1;
  }
  const hasColon = frame[index] === COLON;
  if (!hasColon && procId === null) return null;
  if (hasColon) index += 1;
  if (index < frame.length && frame[index] !== SPACE) return null;
  return { appName, procId, end: index < frame.length ? index + 1 : index };
}

/** Index after a 3164 TIMESTAMP (legacy, or RFC 3339 as rsyslog's forward format sends) at `start`, or -1. */
function readTimestamp(frame: Buffer, start: number): number {
  const legacyEnd = readLegacyTimestamp(frame, start);
  if (legacyEnd >= 0) return legacyEnd;
  const end = tokenEnd(frame, start);
  return end - start <= 40 && isRfc3339Timestamp(ascii(frame, start, end)) ? end : -1;
}

/**
 * Parses an RFC 3164 message after its `<PRI>` (at `start`), leniently: no valid TIMESTAMP means
 * the rest is all MSG (RFC 3164 §4.3.2); HOSTNAME may be missing (the first word is a tag) and so
 * may TAG.
 */
export function parseRfc3164(frame: Buffer, pri: number, start: number): Rfc3164Message {
  const base = { ok: true, format: 'rfc3164', facility: pri >> 3, severity: pri & 7 } as const;
  const timestampEnd = readTimestamp(frame, start);
  if (timestampEnd < 0) {
    return { ...base, timestamp: null, hostname: null, appName: null, procId: null, message: frame.subarray(start) };
  }
  const timestamp = ascii(frame, start, timestampEnd);
  let index = Math.min(timestampEnd + 1, frame.length);
  let hostname: string | null = null;
  let tag = readTag(frame, index);
  if (tag === null && index < frame.length) {
    const hostEnd = tokenEnd(frame, index);
    hostname = frame.toString('utf8', index, hostEnd);
    index = Math.min(hostEnd + 1, frame.length);
    tag = readTag(frame, index);
  }
  const messageStart = tag === null ? index : tag.end;
  return { ...base, timestamp, hostname, appName: tag?.appName ?? null, procId: tag?.procId ?? null, message: frame.subarray(messageStart) };
}
