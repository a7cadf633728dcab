/** Byte constants and small scanning helpers shared by the parsers. */
export const SPACE = 0x20;
export const LESS_THAN = 0x3c;
export const GREATER_THAN = 0x3e;
export const DIGIT_ZERO = 0x30;
export const NEWLINE = 0x0a;
export const CARRIAGE_RETURN = 0x0d;

export function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** PRINTUSASCII of RFC 5424: %d33-126. */
export function isPrintable(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 33 && byte <= 126;
}

/** Index of the first SP at or after `start`, or `frame.length`. */
export function tokenEnd(frame: Buffer, start: number): number {
  const index = frame.indexOf(SPACE, start);
  return index < 0 ? frame.length : index;
}

/** `frame[start..end)` as ASCII text (callers have checked it is printable). */
export function ascii(frame: Buffer, start: number, end: number): string {
  return frame.toString('latin1', start, end);
}
