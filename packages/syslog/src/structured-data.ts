import { SPACE, ascii, isPrintable } from './bytes.ts';
import type { SyslogStructuredElement } from './types.ts';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const NILVALUE = 0x2d;
const SD_NAME_LENGTH_MAX = 32;

export interface StructuredDataResult {
  readonly elements: SyslogStructuredElement[];
  /** Index of the first byte after the STRUCTURED-DATA. */
  readonly end: number;
}

/** SD-NAME: 1*32 PRINTUSASCII except `=`, SP, `]`, `"`. Returns the index after it, or -1. */
function readSdName(frame: Buffer, start: number): number {
  let index = start;
  while (isPrintable(frame[index]) && frame[index] !== EQUALS && frame[index] !== CLOSE_BRACKET && frame[index] !== QUOTE) index += 1;
  const length = index - start;
  return length >= 1 && length <= SD_NAME_LENGTH_MAX ? index : -1;
}

/** PARAM-VALUE after its opening quote: returns the index of the closing quote, or -1 when unterminated. */
function findValueEnd(frame: Buffer, start: number): number {
  let index = start;
  while (index < frame.length) {
    const byte = frame[index];
    if (byte === QUOTE) return index;
    // `"` must be escaped, so a backslash always consumes the next byte; `\x` keeps its backslash below.
    index += byte === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** Escapes are ASCII and cannot occur inside a UTF-8 sequence, so unescaping the decoded text is safe. */
function decodeValue(frame: Buffer, start: number, end: number): string {
  return frame.toString('utf8', start, end).replace(/\\(["\\\]])/g, '$1');
}

/** Reads the PARAMs of one SD-ELEMENT after its SD-ID; returns the index of its `]`, or -1. */
function readParams(frame: Buffer, start: number, params: Array<readonly [string, string]>): number {
  let index = start;
  while (frame[index] === SPACE) {
    const nameStart = index + 1;
    const nameEnd = readSdName(frame, nameStart);
    if (nameEnd < 0 || frame[nameEnd] !== EQUALS || frame[nameEnd + 1] !== QUOTE) return -1;
    const valueEnd = findValueEnd(frame, nameEnd + 2);
    if (valueEnd < 0) return -1;
    params.push([ascii(frame, nameStart, nameEnd), decodeValue(frame, nameEnd + 2, valueEnd)]);
    index = valueEnd + 1;
  }
  return frame[index] === CLOSE_BRACKET ? index : -1;
}

/** Reads RFC 5424 STRUCTURED-DATA (`-` or one or more `[SD-ID PARAM...]`) at `start`, or null when malformed. */
export function readStructuredData(frame: Buffer, start: number): StructuredDataResult | null {
  if (frame[start] === NILVALUE) return { elements: [], end: start + 1 };
  if (frame[start] !== OPEN_BRACKET) return null;
  const elements: SyslogStructuredElement[] = [];
  let index = start;
  while (frame[index] === OPEN_BRACKET) {
    const idEnd = readSdName(frame, index + 1);
    if (idEnd < 0) return null;
    const params: Array<readonly [string, string]> = [];
    const close = readParams(frame, idEnd, params);
    if (close < 0) return null;
    elements.push({ id: ascii(frame, index + 1, idEnd), params });
    index = close + 1;
  }
  return { elements, end: index };
}
