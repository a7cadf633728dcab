/**
 * Parses test/fixtures/spread-5.0.1-captures.txt (a byte-for-byte copy of
 * shared/spec/spread-5.0.1-captures.txt) into records the vector tests can use.
 *
 * A record is a header line `[conn N] <ISO time> <C->D|D->C> <n> bytes: <description>`,
 * then indented detail lines (`groups: […]`, `data: "…"`, `memb body: …`, …) and hex dump
 * lines `    <offset>  <hex bytes>  |<ascii>|`. The parser checks each dump line's offset and
 * ASCII column against its bytes, and throws with the line number when one disagrees, so a
 * misread dump cannot pass silently. It does not check the byte count against `<n>`: the
 * tests do, through `declaredBytes`.
 */
import { readFileSync } from 'node:fs';

export type Direction = 'C->D' | 'D->C';

export interface CaptureRecord {
  readonly section: number;
  readonly conn: number;
  readonly direction: Direction;
  /** The text after `bytes: ` on the header line. */
  readonly description: string;
  /** Indented non-dump lines under the header, trimmed (`groups: […]`, `data: "…"`, …). */
  readonly details: readonly string[];
  /** The `<n>` of the header line. */
  readonly declaredBytes: number;
  readonly bytes: Buffer;
  /** 1-based line number of the header, for failure messages. */
  readonly line: number;
}

/** A `raw C->D chunk n bytes` line: one TCP read as the proxy saw it. */
export interface RawChunk {
  readonly section: number;
  readonly conn: number;
  readonly direction: Direction;
  readonly length: number;
  readonly line: number;
}

/** One part of a section-2 `sent` list; `elided` when the log cut it short with `...`. */
export interface SentPart {
  readonly bytes: Buffer;
  readonly elided: boolean;
}

/** A section-2 line `<label>: sent HEX [+ HEX...] -> got HEX (<outcome>)`. */
export interface HandshakeVariant {
  readonly label: string;
  readonly sent: readonly SentPart[];
  readonly got: Buffer;
  /** `closed` or `timeout 800ms`. */
  readonly outcome: string;
  readonly line: number;
}

export interface Captures {
  readonly records: readonly CaptureRecord[];
  readonly rawChunks: readonly RawChunk[];
  readonly handshakeVariants: readonly HandshakeVariant[];
}

export const CAPTURES_PATH = new URL('../fixtures/spread-5.0.1-captures.txt', import.meta.url);

const SECTION_LINE = /^# (\d+)\. /;
const RECORD_LINE = /^\[conn (\d+)\] (\S+) (C->D|D->C) (\d+) bytes: (.*)$/;
const RAW_CHUNK_LINE = /^\[conn (\d+)\] raw (C->D|D->C) chunk (\d+) bytes$/;
// The ASCII column may itself contain '|' (0x7c), so only the first '|' after the hex ends it.
const DUMP_LINE = /^ {4}([0-9a-f]{4}) {2}([0-9a-f]{2}(?: [0-9a-f]{2})*) +\|(.*)\|$/;
const DETAIL_LINE = /^ {4}(\S.*)$/;
const VARIANT_LINE = /^(.+?): sent (.+?) -> got ([0-9a-f]+) \((.+)\)$/;
const SENT_PART = /^([0-9a-f]+)(\.\.\.)?$/;

interface PendingRecord {
  section: number;
  conn: number;
  direction: Direction;
  description: string;
  details: string[];
  declaredBytes: number;
  chunks: Buffer[];
  length: number;
  line: number;
}

function asciiColumn(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '.';
  return text;
}

function parseDumpLine(record: PendingRecord, match: RegExpExecArray, lineNumber: number): void {
  const offset = Number.parseInt(match[1] as string, 16);
  const bytes = Buffer.from((match[2] as string).replaceAll(' ', ''), 'hex');
  if (offset !== record.length) {
    throw new Error(`captures line ${lineNumber}: dump offset ${offset}, expected ${record.length}`);
  }
  if (bytes.length > 16 || asciiColumn(bytes) !== match[3]) {
    throw new Error(`captures line ${lineNumber}: hex and ASCII columns disagree`);
  }
  record.chunks.push(bytes);
  record.length += bytes.length;
}

function parseVariant(match: RegExpExecArray, lineNumber: number): HandshakeVariant {
  const sent = (match[2] as string).split(' + ').map((part) => {
    const partMatch = SENT_PART.exec(part);
    if (partMatch === null) throw new Error(`captures line ${lineNumber}: bad sent part ${JSON.stringify(part)}`);
    return { bytes: Buffer.from(partMatch[1] as string, 'hex'), elided: partMatch[2] !== undefined };
  });
  return { label: match[1] as string, sent, got: Buffer.from(match[3] as string, 'hex'), outcome: match[4] as string, line: lineNumber };
}

function finish(record: PendingRecord): CaptureRecord {
  const { chunks, length: _length, ...rest } = record;
  return { ...rest, bytes: Buffer.concat(chunks) };
}

export function parseCaptures(text: string): Captures {
  const records: CaptureRecord[] = [];
  const rawChunks: RawChunk[] = [];
  const handshakeVariants: HandshakeVariant[] = [];
  let section = 0;
  let current: PendingRecord | null = null;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNumber = index + 1;
    if (current !== null) {
      const dump = DUMP_LINE.exec(line);
      if (dump !== null) {
        parseDumpLine(current, dump, lineNumber);
        continue;
      }
      const detail = DETAIL_LINE.exec(line);
      if (detail !== null && current.length === 0) {
        current.details.push(detail[1] as string);
        continue;
      }
      records.push(finish(current));
      current = null;
    }
    const sectionMatch = SECTION_LINE.exec(line);
    if (sectionMatch !== null) {
      section = Number(sectionMatch[1]);
      continue;
    }
    const recordMatch = RECORD_LINE.exec(line);
    if (recordMatch !== null) {
      current = {
        section,
        conn: Number(recordMatch[1]),
        direction: recordMatch[3] as Direction,
        description: recordMatch[5] as string,
        details: [],
        declaredBytes: Number(recordMatch[4]),
        chunks: [],
        length: 0,
        line: lineNumber,
      };
      continue;
    }
    const chunkMatch = RAW_CHUNK_LINE.exec(line);
    if (chunkMatch !== null) {
      rawChunks.push({ section, conn: Number(chunkMatch[1]), direction: chunkMatch[2] as Direction, length: Number(chunkMatch[3]), line: lineNumber });
      continue;
    }
    const variantMatch = VARIANT_LINE.exec(line);
    if (variantMatch !== null && section === 2) handshakeVariants.push(parseVariant(variantMatch, lineNumber));
  }
  if (current !== null) records.push(finish(current));
  return { records, rawChunks, handshakeVariants };
}

let cached: Captures | null = null;

/** The parsed fixture, read once per test file. */
export function loadCaptures(): Captures {
  cached ??= parseCaptures(readFileSync(CAPTURES_PATH, 'latin1'));
  return cached;
}

/** Where a record came from, for failure messages. */
export function recordLabel(record: CaptureRecord): string {
  return `§${record.section} conn ${record.conn} ${record.direction} (line ${record.line})`;
}

/** True for records the proxy decoded as a framed message (header + groups + data). */
export function isMessageRecord(record: CaptureRecord): boolean {
  return record.description.startsWith('MESSAGE ');
}

/** The records of one connection of one section, in capture order. */
export function connectionRecords(captures: Captures, section: number, conn: number): CaptureRecord[] {
  return captures.records.filter((r) => r.section === section && r.conn === conn);
}
