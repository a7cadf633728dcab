import { SPACE, ascii, isPrintable } from './bytes.ts';
import { readStructuredData } from './structured-data.ts';
import { isRfc3339Timestamp } from './timestamp.ts';
import type { Rfc5424Message, SyslogParseFailureReason } from './types.ts';

/** Length limits of the RFC 5424 header fields, in bytes. */
const TIMESTAMP_LENGTH_MAX = 40;
const HOSTNAME_LENGTH_MAX = 255;
const APP_NAME_LENGTH_MAX = 48;
const PROC_ID_LENGTH_MAX = 128;
const MSG_ID_LENGTH_MAX = 32;
const FIELD_LENGTHS_MAX = [TIMESTAMP_LENGTH_MAX, HOSTNAME_LENGTH_MAX, APP_NAME_LENGTH_MAX, PROC_ID_LENGTH_MAX, MSG_ID_LENGTH_MAX] as const;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Reads the five SP-terminated header fields after `1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID.
 * Returns their texts (null for NILVALUE) and the index of STRUCTURED-DATA, or null when malformed.
 */
function readHeaderFields(frame: Buffer, start: number): { fields: Array<string | null>; end: number } | null {
  const fields: Array<string | null> = [];
  let index = start;
  for (const lengthMax of FIELD_LENGTHS_MAX) {
    const fieldStart = index;
    while (isPrintable(frame[index])) index += 1;
    const length = index - fieldStart;
    if (length < 1 || length > lengthMax || frame[index] !== SPACE) return null;
    const text = ascii(frame, fieldStart, index);
    fields.push(text === '-' ? null : text);
    index += 1;
  }
  return { fields, end: index };
}

/** MSG after STRUCTURED-DATA: nothing, or SP then the bytes, without a leading UTF-8 BOM. */
function messageAfter(frame: Buffer, index: number): Buffer | null {
  if (index === frame.length) return frame.subarray(index);
  if (frame[index] !== SPACE) return null;
  const start = index + 1;
  const hasBom = frame.length - start >= 3 && BOM.equals(frame.subarray(start, start + 3));
  return frame.subarray(hasBom ? start + 3 : start);
}

/** Parses an RFC 5424 message whose `<PRI>1 ` ends at `start`. */
export function parseRfc5424(frame: Buffer, pri: number, start: number): Rfc5424Message | SyslogParseFailureReason {
  const header = readHeaderFields(frame, start);
  if (header === null) return 'bad_header';
  const [timestamp = null, hostname = null, appName = null, procId = null, msgId = null] = header.fields;
  if (timestamp !== null && !isRfc3339Timestamp(timestamp)) return 'bad_timestamp';
  const structured = readStructuredData(frame, header.end);
  if (structured === null) return 'bad_structured_data';
  const message = messageAfter(frame, structured.end);
  if (message === null) return 'bad_structured_data';
  return {
    ok: true,
    format: 'rfc5424',
    facility: pri >> 3,
    severity: pri & 7,
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData: structured.elements,
    message,
  };
}
