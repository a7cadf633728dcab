/**
 * Benchmark helper process: one client joined to a group on ringlogd, counting the lines it
 * receives and keeping them, so that after the timed part it can check every sequence number
 * (` #<seq>` at the end of each line) arrived exactly once and each writer's lines in order.
 * Usage: shipper-receiver.ts <endpoint> <group>. Sends {ready} once joined; then over IPC:
 * {status} → ReceiverStatus; {verify: {count, firstSeqs}} → ReceiverVerdict.
 */
import { connect, type SpreadEvent } from '@ringlog/client';

export interface ReceiverStatus {
  readonly lines: number;
  readonly bytes: number;
  readonly messages: number;
  /** Why the session ended, if it did (the daemon drops a member that falls too far behind). */
  readonly closed: string | null;
}

export interface ReceiverVerdict {
  readonly lines: number;
  /** Sequences in 0..count-1 seen at least once. */
  readonly unique: number;
  readonly missing: number;
  /** Extra copies of sequences already seen. */
  readonly duplicates: number;
  /** Lines whose sequence is not above the previous one from the same writer. */
  readonly outOfOrder: number;
  /** Lines without a readable ` #<seq>` tag, or with one out of range. */
  readonly malformed: number;
}

const NEWLINE = 0x0a;
const HASH = 0x23;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;

const [endpoint, group] = process.argv.slice(2) as [string, string];
const kept: Buffer[] = [];
let lines = 0;
let bytes = 0;
let closed: string | null = null;

function countLines(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(NEWLINE); at !== -1; at = data.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** The number after the last '#' of the line that ends just before `end`, or -1. */
function sequenceBefore(data: Buffer, start: number, end: number): number {
  let at = end - 1;
  let value = 0;
  let scale = 1;
  while (at >= start && (data[at] as number) >= DIGIT_ZERO && (data[at] as number) <= DIGIT_NINE) {
    value += ((data[at] as number) - DIGIT_ZERO) * scale;
    scale *= 10;
    at--;
  }
  return at >= start && data[at] === HASH && scale > 1 ? value : -1;
}

/** Index of the writer whose run of sequences holds `seq` (firstSeqs ascending). */
function writerOf(firstSeqs: readonly number[], seq: number): number {
  let writer = 0;
  while (writer + 1 < firstSeqs.length && (firstSeqs[writer + 1] as number) <= seq) writer++;
  return writer;
}

function verify(count: number, firstSeqs: readonly number[]): ReceiverVerdict {
  const seen = new Uint8Array(count);
  const lastByWriter = new Float64Array(firstSeqs.length).fill(-1);
  let unique = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let malformed = 0;
  for (const data of kept) {
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; start = end + 1, end = data.indexOf(NEWLINE, start)) {
      const seq = sequenceBefore(data, start, end);
      if (seq < 0 || seq >= count) {
        malformed++;
        continue;
      }
      if (seen[seq] === 0) unique++;
      else duplicates++;
      seen[seq] = 1;
      const writer = writerOf(firstSeqs, seq);
      if (seq <= (lastByWriter[writer] as number)) outOfOrder++;
      lastByWriter[writer] = seq;
    }
  }
  return { lines, unique, missing: count - unique, duplicates, outOfOrder, malformed };
}

const session = await connect({ endpoint, name: `rx${process.pid % 100_000}`, membership: true });
let joined = false;
session.onEvent((event: SpreadEvent) => {
  if (event.type === 'message') {
    kept.push(event.data);
    lines += countLines(event.data);
    bytes += event.data.length;
    return;
  }
  if (!joined && event.type === 'membership' && event.group === group) {
    joined = true;
    process.send?.({ ready: true });
  }
});
void session.closed().then((error) => (closed ??= error?.message ?? 'disconnected'));
session.join(group);

process.on('message', (message: { status?: boolean; verify?: { count: number; firstSeqs: number[] } }) => {
  if (message.verify !== undefined) {
    process.send?.(verify(message.verify.count, message.verify.firstSeqs));
    return;
  }
  const status: ReceiverStatus = { lines, bytes, messages: kept.length, closed };
  process.send?.(status);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
