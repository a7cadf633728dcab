/**
 * Deterministic Apache "combined" access-log lines for the collector benchmark, vhost first
 * (`%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, what mod_log_spread-style senders
 * emit), about 200 bytes each, newline-terminated, in one Buffer.
 *
 * The same seed gives the same bytes on every machine (@ringlog/prng's mulberry32, no Math.random),
 * so ringlog and the comparators (rsyslog, syslog-ng) are fed identical input.
 */
import { mulberry32 } from '@ringlog/prng';
import { accessLine, clfTime } from '@ringlog/stack-app/access-line';

export interface AccessLinesOptions {
  /** Number of lines. */
  readonly count: number;
  /**
   * Number of distinct vhosts. Lines take them from a shuffled deck of all the names, reshuffled
   * when used up, so every vhost occurs (when count ≥ vhosts) and as often as any other, ±1.
   */
  readonly vhosts: number;
  /** PRNG seed; default 1. */
  readonly seed?: number;
  /** Vhost names to use instead of the generated `www{n}.example.com` / `site{n}.example.net`; length must be ≥ vhosts. */
  readonly vhostNames?: readonly string[];
}

export interface AccessLines {
  /** All lines, each ending in "\n". */
  readonly buffer: Buffer;
  /** Number of lines in buffer. */
  readonly lines: number;
  /** buffer.length. */
  readonly bytes: number;
  /** Lines per vhost, for the vhosts that occur (perVhost.size = min(count, vhosts)). */
  readonly perVhost: Map<string, number>;
  /**
   * Bytes a spsplit-like splitter writes in total: every line less its first token (the vhost) and
   * the space after it, newline kept. Runners wait for the sum of output file sizes to reach it.
   */
  readonly expectedBytes: number;
}

/** The i-th generated vhost name (0-based): even i → `www{n}.example.com`, odd i → `site{n}.example.net`. */
export function vhostName(index: number): string {
  const n = index >>> 1;
  return index % 2 === 0 ? `www${n}.example.com` : `site${n}.example.net`;
}

/** Start of the generated traffic: 22/Nov/2026:10:00:00 +0000. */
const START_SECONDS = Date.UTC(2026, 10, 22, 10, 0, 0) / 1000;

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
}

/** `22/Nov/2026:10:00:00 +0000` for a Unix time in seconds (UTC). */
export function clfDate(unixSeconds: number): string {
  return clfTime(new Date(unixSeconds * 1000));
}

function generatedLine(vhost: string, date: string, random: () => number): string {
  const ip = `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`;
  return `${accessLine({ vhost, ip, time: date, pathNumbers: 100_000 }, random)}\n`;
}

/** Generates `count` lines over `vhosts` vhosts; see {@link AccessLines}. */
export function generateAccessLines(options: AccessLinesOptions): AccessLines {
  const { count, vhosts } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(vhosts) || vhosts < 1) throw new RangeError(`vhosts must be a positive integer, got ${vhosts}`);
  const names = options.vhostNames ?? Array.from({ length: vhosts }, (_, i) => vhostName(i));
  if (names.length < vhosts) throw new RangeError(`vhostNames has ${names.length} names, fewer than vhosts (${vhosts})`);
  const random = mulberry32(options.seed ?? 1);
  const perVhost = new Map<string, number>();
  let buffer = Buffer.allocUnsafe(Math.max(4096, count * 240));
  let offset = 0;
  let seconds = START_SECONDS;
  let date = clfDate(seconds);
  let strippedBytes = 0;
  const deck = names.slice(0, vhosts);
  let dealt = deck.length;
  for (let i = 0; i < count; i++) {
    // About 2,000 requests per second of log time.
    if (i % 2000 === 1999) date = clfDate(++seconds);
    if (dealt === deck.length) {
      shuffle(deck, random);
      dealt = 0;
    }
    const vhost = deck[dealt++] as string;
    const line = generatedLine(vhost, date, random);
    if (offset + line.length * 3 > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, offset + line.length * 3));
      buffer.copy(grown, 0, 0, offset);
      buffer = grown;
    }
    const written = buffer.write(line, offset, 'utf8');
    offset += written;
    strippedBytes += written - Buffer.byteLength(vhost, 'utf8') - 1;
    perVhost.set(vhost, (perVhost.get(vhost) ?? 0) + 1);
  }
  const out = buffer.subarray(0, offset);
  return { buffer: out, lines: count, bytes: out.length, perVhost, expectedBytes: strippedBytes };
}

/**
 * Bytes a spsplit-like splitter writes for these lines: total line bytes less, for each line, its
 * vhost token and the space after it (the newline stays).
 */
export function expectedStrippedBytes(totalBytes: number, perVhost: ReadonlyMap<string, number>): number {
  let stripped = 0;
  for (const [vhost, lines] of perVhost) stripped += lines * (Buffer.byteLength(vhost, 'utf8') + 1);
  return totalBytes - stripped;
}

/** Counts lines per vhost (first space-separated token) in a buffer of newline-terminated lines. */
export function countLinesPerVhost(buffer: Buffer): Map<string, number> {
  const perVhost = new Map<string, number>();
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0x0a, start);
    if (end === -1) end = buffer.length;
    let space = buffer.indexOf(0x20, start);
    if (space === -1 || space > end) space = end;
    const vhost = buffer.toString('utf8', start, space);
    perVhost.set(vhost, (perVhost.get(vhost) ?? 0) + 1);
    start = end + 1;
  }
  return perVhost;
}

/**
 * Cuts newline-terminated lines into batches of at most maxBytes, each ending at a line boundary
 * (views into buffer, no copy). A single line longer than maxBytes makes a batch of its own.
 */
export function* lineBatches(buffer: Buffer, maxBytes: number): Generator<Buffer> {
  if (!(maxBytes >= 1)) throw new RangeError(`maxBytes must be ≥ 1, got ${maxBytes}`);
  let start = 0;
  while (start < buffer.length) {
    let end: number;
    if (buffer.length - start <= maxBytes) {
      end = buffer.length;
    } else {
      const lastNewline = buffer.lastIndexOf(0x0a, start + maxBytes - 1);
      if (lastNewline >= start) {
        end = lastNewline + 1;
      } else {
        const next = buffer.indexOf(0x0a, start + maxBytes);
        end = next === -1 ? buffer.length : next + 1;
      }
    }
    yield buffer.subarray(start, end);
    start = end;
  }
}

/** {@link lineBatches} as an array. */
export function splitIntoBatches(buffer: Buffer, maxBytes: number): Buffer[] {
  return [...lineBatches(buffer, maxBytes)];
}

/** Splits lines into `parts` contiguous runs of about equal size, cut at line boundaries (views, no copy). */
export function splitIntoParts(buffer: Buffer, parts: number): Buffer[] {
  const result: Buffer[] = [];
  let start = 0;
  for (let i = 1; i <= parts && start < buffer.length; i++) {
    let end = i === parts ? buffer.length : Math.floor((buffer.length * i) / parts);
    if (end < buffer.length) {
      const nl = buffer.indexOf(0x0a, Math.max(start, end - 1));
      end = nl === -1 ? buffer.length : nl + 1;
    }
    if (end > start) result.push(buffer.subarray(start, end));
    start = end;
  }
  return result;
}
