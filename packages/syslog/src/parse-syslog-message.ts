import { CARRIAGE_RETURN, NEWLINE, SPACE } from './bytes.ts';
import { readPri } from './pri.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { parseRfc5424 } from './rfc5424.ts';
import type { SyslogMessage, SyslogParseFailure, SyslogParseFailureReason } from './types.ts';

/** Default maximum frame size in bytes: above the largest UDP datagram (65507 bytes of payload). */
export const SYSLOG_FRAME_BYTES_MAX_DEFAULT = 65_536;

export interface ParseSyslogOptions {
  /** Longer frames fail with `too_long`. Default `SYSLOG_FRAME_BYTES_MAX_DEFAULT`. */
  readonly frameBytesMax?: number;
}

const VERSION_ONE = 0x31;

/** Frozen failures, one per reason: parsing a hostile stream allocates nothing for its failures. */
const FAILURES = new Map<SyslogParseFailureReason, SyslogParseFailure>();
function failure(reason: SyslogParseFailureReason): SyslogParseFailure {
  let result = FAILURES.get(reason);
  if (result === undefined) {
    result = Object.freeze({ ok: false, reason });
    FAILURES.set(reason, result);
  }
  return result;
}

/** The frame without one trailing NUL, "\r\n" or "\n" (a view). */
export function trimTrailer(frame: Buffer): Buffer {
  const last = frame[frame.length - 1];
  if (last === 0) return frame.subarray(0, frame.length - 1);
  if (last !== NEWLINE) return frame;
  const crlf = frame.length >= 2 && frame[frame.length - 2] === CARRIAGE_RETURN;
  return frame.subarray(0, frame.length - (crlf ? 2 : 1));
}

/**
 * Parses one syslog frame: RFC 5424 when `<PRI>` is followed by `1 `, else RFC 3164 (including
 * nginx's `<190>Nov 22 10:00:00 web1 nginx: <log line>`). Never throws on any input; a frame that
 * is not syslog gives a failure with a bounded `reason`. `message` is a view into `frame`.
 */
export function parseSyslogMessage(frame: Buffer, options?: ParseSyslogOptions): SyslogMessage | SyslogParseFailure {
  const frameBytesMax = options?.frameBytesMax ?? SYSLOG_FRAME_BYTES_MAX_DEFAULT;
  if (frame.length > frameBytesMax) return failure('too_long');
  const body = trimTrailer(frame);
  if (body.length === 0) return failure('empty');
  const pri = readPri(body);
  if (typeof pri === 'string') return failure(pri);
  if (body[pri.end] === VERSION_ONE && body[pri.end + 1] === SPACE) {
    const result = parseRfc5424(body, pri.pri, pri.end + 2);
    return typeof result === 'string' ? failure(result) : result;
  }
  return parseRfc3164(body, pri.pri, pri.end);
}
