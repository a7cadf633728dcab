/**
 * Checks what the end-to-end benchmark's lines became in the per-vhost files, from given offsets
 * on (the flood phase from 0, the paced phase from where the flood left each file): each line's tag
 * (` #<writer>.<seq>[@<µs>]`, e2e-lines.ts) names the generated line it must be, so every line
 * is checked to be
 *   - known (a writer and a sequence number that writer sent), and seen once: none lost, none repeated;
 *   - in its vhost's file, unaltered but for the vhost and its space cut off;
 *   - after the previous line of the same writer in the same file (each writer's order kept per file);
 * and each vhost file holds as many lines as its vhost was given.
 */
import { readFileSync } from 'node:fs';
import { baseVhost, type BaseLines } from './e2e-lines.ts';

export interface VerifyInput {
  readonly files: readonly { readonly vhost: string; readonly path: string; readonly fromOffset: number }[];
  /** Lines each writer sent (index = writer id). */
  readonly sentPerWriter: readonly number[];
  readonly base: BaseLines;
  /** The base line writer w's line seq carries. */
  baseIndex(writer: number, seq: number): number;
  /** Whether lines carry a write stamp (`@<µs>`). */
  readonly stamped: boolean;
}

export interface Verdict {
  readonly lines: number;
  readonly expected: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly wrongFile: number;
  readonly altered: number;
  readonly malformed: number;
  /** Vhosts whose file holds another number of lines than the vhost was given. */
  readonly vhostCountMismatches: number;
  readonly ok: boolean;
  readonly text: string;
}

const NEWLINE = 0x0a;
const HASH = 0x23;
const DOT = 0x2e;
const AT = 0x40;
const SPACE = 0x20;

interface Tag {
  readonly writer: number;
  readonly seq: number;
  /** Where ` #` starts: the line's body ends here. */
  readonly bodyEnd: number;
}

/** Parses the tag of line [start, end), or null. */
function parseTag(data: Buffer, start: number, end: number, stamped: boolean): Tag | null {
  const hash = data.lastIndexOf(HASH, end);
  if (hash <= start || data[hash - 1] !== SPACE) return null;
  let at = hash + 1;
  let writer = 0;
  let digits = 0;
  for (; at < end && data[at] !== DOT; at++, digits++) writer = writer * 10 + ((data[at] as number) - 0x30);
  if (at >= end || digits === 0) return null;
  let seq = 0;
  digits = 0;
  for (at++; at < end && data[at] !== AT; at++, digits++) seq = seq * 10 + ((data[at] as number) - 0x30);
  if (digits === 0 || (at < end) !== stamped || !Number.isSafeInteger(writer) || !Number.isSafeInteger(seq)) return null;
  return { writer, seq, bodyEnd: hash - 1 };
}

/** A vhost file that was never created holds no lines. */
function readIfThere(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

/** Expected lines per vhost: each writer's lines mapped to their base line's vhost. */
function expectedPerVhost(input: VerifyInput): Map<string, number> {
  const byIndex = new Map<number, string>();
  const perVhost = new Map<string, number>();
  input.sentPerWriter.forEach((sent, writer) => {
    for (let seq = 0; seq < sent; seq++) {
      const index = input.baseIndex(writer, seq);
      let vhost = byIndex.get(index);
      if (vhost === undefined) {
        vhost = baseVhost(input.base, index);
        byIndex.set(index, vhost);
      }
      perVhost.set(vhost, (perVhost.get(vhost) ?? 0) + 1);
    }
  });
  return perVhost;
}

export function verifyFiles(input: VerifyInput): Verdict {
  const { base } = input;
  const seen = input.sentPerWriter.map((sent) => new Uint8Array(sent));
  const expected = input.sentPerWriter.reduce((a, b) => a + b, 0);
  const count = { lines: 0, unique: 0, duplicates: 0, outOfOrder: 0, wrongFile: 0, altered: 0, malformed: 0 };
  const wantedPerVhost = expectedPerVhost(input);
  let vhostCountMismatches = 0;
  for (const file of input.files) {
    const data = readIfThere(file.path).subarray(file.fromOffset);
    const lastSeq = new Float64Array(input.sentPerWriter.length).fill(-1);
    let fileLines = 0;
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; start = end + 1, end = data.indexOf(NEWLINE, start)) {
      count.lines++;
      fileLines++;
      const tag = parseTag(data, start, end, input.stamped);
      const marks = tag === null ? undefined : seen[tag.writer];
      if (tag === null || marks === undefined || tag.seq >= marks.length) {
        count.malformed++;
        continue;
      }
      if (marks[tag.seq] === 0) count.unique++;
      else count.duplicates++;
      marks[tag.seq] = 1;
      if (tag.seq <= (lastSeq[tag.writer] as number)) count.outOfOrder++;
      lastSeq[tag.writer] = tag.seq;
      const index = input.baseIndex(tag.writer, tag.seq);
      if (baseVhost(base, index) !== file.vhost) count.wrongFile++;
      else if (base.buffer.compare(data, start, tag.bodyEnd, (base.spaces[index] as number) + 1, base.ends[index] as number) !== 0) count.altered++;
    }
    if (start !== data.length) count.malformed++; // a partial last line
    if (fileLines !== (wantedPerVhost.get(file.vhost) ?? 0)) vhostCountMismatches++;
  }
  const missing = expected - count.unique;
  const ok = missing === 0 && count.duplicates === 0 && count.outOfOrder === 0 && count.wrongFile === 0 && count.altered === 0 && count.malformed === 0 && vhostCountMismatches === 0;
  const text = ok
    ? `${count.lines} lines in ${input.files.length} vhost files, each once, unaltered, in order per writer`
    : `FAILED: ${missing} lost, ${count.duplicates} repeated, ${count.outOfOrder} out of order, ${count.wrongFile} in the wrong file, ${count.altered} altered, ${count.malformed} malformed, ${vhostCountMismatches} vhost counts off`;
  return { expected, missing, ...count, vhostCountMismatches, ok, text };
}
