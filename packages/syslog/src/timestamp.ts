import { SPACE, ascii, isDigit } from './bytes.ts';

/**
 * RFC 3339 date-time as RFC 5424 restricts it (no leap-second check), leniently allowing up to 9
 * fraction digits and a lower-case `t`/`z` as RFC 3339 does.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

export function isRfc3339Timestamp(text: string): boolean {
  const match = RFC3339.exec(text);
  if (match === null) return false;
  const [, , month, day, hour, minute, second, offsetHour, offsetMinute] = match.map(Number);
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31) return false;
  if (hour! > 23 || minute! > 59 || second! > 60) return false;
  if (offsetHour !== undefined && !Number.isNaN(offsetHour) && (offsetHour > 23 || offsetMinute! > 59)) return false;
  return true;
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

function twoDigits(frame: Buffer, index: number): number {
  if (!isDigit(frame[index]) || !isDigit(frame[index + 1])) return -1;
  return (frame[index]! - 0x30) * 10 + (frame[index + 1]! - 0x30);
}

/** Index after the day of `Mmm dd ` / `Mmm  d ` / `Mmm d ` (the lenient unpadded form), or -1. */
function readMonthDay(frame: Buffer, start: number): number {
  if (!MONTHS.has(ascii(frame, start, start + 3)) || frame[start + 3] !== SPACE) return -1;
  let index = start + 4;
  if (frame[index] === SPACE) index += 1;
  if (!isDigit(frame[index])) return -1;
  let day = frame[index]! - 0x30;
  index += 1;
  if (isDigit(frame[index]) && frame[start + 4] !== SPACE) {
    day = day * 10 + (frame[index]! - 0x30);
    index += 1;
  }
  if (day < 1 || day > 31 || frame[index] !== SPACE) return -1;
  return index + 1;
}

/**
 * Reads an RFC 3164 TIMESTAMP (`Mmm dd hh:mm:ss`) at `start` and returns the index after it, or -1.
 * It must be followed by SP or the end of the frame.
 */
export function readLegacyTimestamp(frame: Buffer, start: number): number {
  const timeStart = readMonthDay(frame, start);
  if (timeStart < 0) return -1;
  const hour = twoDigits(frame, timeStart);
  const minute = twoDigits(frame, timeStart + 3);
  const second = twoDigits(frame, timeStart + 6);
  if (frame[timeStart + 2] !== 0x3a || frame[timeStart + 5] !== 0x3a) return -1;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
  const end = timeStart + 8;
  if (end < frame.length && frame[end] !== SPACE) return -1;
  return end;
}
