/**
 * The `application/x-ndjson` body of `POST /ingest`: one JSON object per line, with a `line`
 * string and an optional `group`. Other fields are ignored (clients may send their own
 * metadata). The whole body is checked before anything is pushed, so a bad record refuses the
 * request without accepting half of it.
 */
import { isLegalGroupName } from '@ringlog/wire';
import { splitLines } from '@ringlog/shipper';

export interface NdjsonBatch {
  /** Null = the request's group (or the input's). */
  readonly group: string | null;
  /** LF-free lines; a `line` value holding LFs becomes several lines, like text/plain. */
  readonly lines: Buffer[];
}

export type NdjsonParse =
  | { readonly ok: true; readonly batches: NdjsonBatch[] }
  | { readonly ok: false; readonly lineNumber: number; readonly message: string };

/** Parses the body into batches of consecutive records with the same group, in body order. */
export function parseNdjson(body: Buffer): NdjsonParse {
  const batches: NdjsonBatch[] = [];
  let lineNumber = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    lineNumber += 1;
    const text = body.toString('utf8', start, end).trim();
    start = end + 1;
    if (text.length === 0) continue;
    const record = parseRecord(text);
    if (typeof record === 'string') return { ok: false, lineNumber, message: `line ${lineNumber}: ${record}` };
    const lines = splitLines(Buffer.from(record.line, 'utf8'));
    const last = batches.at(-1);
    if (last !== undefined && last.group === record.group) last.lines.push(...lines);
    else batches.push({ group: record.group, lines });
  }
  return { ok: true, batches };
}

/** The record, or what is wrong with it. */
function parseRecord(text: string): { line: string; group: string | null } | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { line, group } = value as { line?: unknown; group?: unknown };
  if (typeof line !== 'string') return 'field "line" must be a string';
  if (group === undefined) return { line, group: null };
  if (typeof group !== 'string' || !isLegalGroupName(group)) return 'field "group" must be a group name of 1..31 characters in 0x24..0x7e';
  return { line, group };
}
