/**
 * Lines for the shipper benchmark: generated access lines (generateAccessLines, 50 vhosts) each
 * tagged with its unique sequence number (` #<seq>` before the LF), so a receiver can tell a lost
 * or repeated line from its content. Written once to a file that writer processes read their
 * share from, cut at line boundaries into one contiguous run of sequences per writer connection.
 */
import { writeFileSync } from 'node:fs';
import { generateAccessLines, splitIntoParts } from './access-lines.ts';

const NEWLINE = 0x0a;
/** Room for ` #` and up to 10 digits per line. */
const TAG_BYTES_MAX = 12;

export interface SequencedLines {
  readonly buffer: Buffer;
  readonly lines: number;
  readonly bytes: number;
}

/** One writer connection's share: a byte range of the lines file and its first sequence number. */
export interface WriterPart {
  readonly startByte: number;
  readonly endByte: number;
  readonly firstSeq: number;
  readonly lines: number;
}

/** `count` access lines of about 220 bytes, line i ending in ` #i`. */
export function sequencedAccessLines(count: number, seed = 42): SequencedLines {
  const generated = generateAccessLines({ count, vhosts: 50, seed });
  const source = generated.buffer;
  const out = Buffer.allocUnsafe(source.length + count * TAG_BYTES_MAX);
  let offset = 0;
  let start = 0;
  for (let seq = 0; seq < count; seq++) {
    const end = source.indexOf(NEWLINE, start);
    offset += source.copy(out, offset, start, end);
    offset += out.write(` #${seq}\n`, offset, 'latin1');
    start = end + 1;
  }
  const buffer = out.subarray(0, offset);
  return { buffer, lines: count, bytes: buffer.length };
}

/** Cuts the lines into `writers` contiguous parts (byte ranges and their sequence numbers). */
export function writerParts(lines: SequencedLines, writers: number): WriterPart[] {
  const parts: WriterPart[] = [];
  let startByte = 0;
  let firstSeq = 0;
  for (const part of splitIntoParts(lines.buffer, writers)) {
    let count = 0;
    for (let at = part.indexOf(NEWLINE); at !== -1; at = part.indexOf(NEWLINE, at + 1)) count++;
    parts.push({ startByte, endByte: startByte + part.length, firstSeq, lines: count });
    startByte += part.length;
    firstSeq += count;
  }
  return parts;
}

/** Writes the lines where writer processes can read them; returns the path. */
export function writeLinesFile(lines: SequencedLines, path: string): string {
  writeFileSync(path, lines.buffer);
  return path;
}
