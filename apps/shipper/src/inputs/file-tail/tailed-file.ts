/**
 * One open file being tailed: its descriptor, the offset after the last line pushed, the bytes
 * held after it (a partial line), and its head for the fingerprint.
 *
 * Each read() first checks the file is still the one read so far: if it is now shorter than what
 * was read, or its head changed (truncated, then written past the old offset before we looked),
 * it reports `truncated` with the identity it had, and continues from 0.
 *
 * A file resumed on another inode (a copy matched by content) may be shorter than the offset,
 * either because the copy is still being written or because it was taken earlier: it is
 * "behind" and read nothing until it reaches the offset. Shrinking counts as truncation only
 * once the file has been seen at or past its offset.
 */
import type { FileHandle } from 'node:fs/promises';
import { FINGERPRINT_HEAD_BYTES, fingerprintOf, readHead, type Fingerprint } from './fingerprint.ts';
import { LineSplitter, type SplitResult } from './line-splitter.ts';

export interface TailedFileInit {
  readonly handle: FileHandle;
  readonly dev: string;
  readonly ino: string;
  readonly path: string;
  readonly head: Buffer;
  readonly offset: number;
  /** Resumed on another inode than the offset was reached on: wait while shorter than the offset. */
  readonly mayBeBehind: boolean;
  /** It was rotated before (closed once quiet, then reopened because it grew). */
  readonly rotated: boolean;
  readonly lineMaxBytes: number;
  readonly nowMs: number;
}

/** What a truncated file was, so its copy can pick up where reading stopped. */
export interface PreviousIdentity {
  readonly fingerprint: Fingerprint;
  readonly head: Buffer;
  readonly offset: number;
}

export type ReadOutcome =
  | { readonly type: 'lines'; readonly split: SplitResult; readonly more: boolean }
  | { readonly type: 'idle'; readonly linkCount: number }
  | { readonly type: 'truncated'; readonly previous: PreviousIdentity };

export class TailedFile {
  readonly dev: string;
  readonly ino: string;
  /** The last path it was seen at (its rotated name once found, or the name it had). */
  path: string;
  /** True while a watched path names this file; false once renamed away or deleted. */
  attached = true;
  /** Renamed since it was opened (even to a name a pattern matches): closed once quiet, like a detached file. */
  rotated: boolean;
  /** When it last grew (or was rotated): a rotated file closes after a quiet grace period. */
  lastGrowthMs: number;
  readonly #handle: FileHandle;
  readonly #splitter: LineSplitter;
  #head: Buffer;
  #offset: number;
  #behind: boolean;
  /** Size and times at the last head check: the head is read again only when one changed. */
  #checkedState = '';

  constructor(init: TailedFileInit) {
    this.#handle = init.handle;
    this.dev = init.dev;
    this.ino = init.ino;
    this.path = init.path;
    this.#head = init.head;
    this.#offset = init.offset;
    this.#behind = init.mayBeBehind;
    this.rotated = init.rotated;
    this.#splitter = new LineSplitter(init.lineMaxBytes);
    this.lastGrowthMs = init.nowMs;
  }

  get offset(): number {
    return this.#offset;
  }

  get head(): Buffer {
    return this.#head;
  }

  get fingerprint(): Fingerprint {
    return fingerprintOf(this.dev, this.ino, this.#head);
  }

  /** Reads at most `buffer.length` bytes after what was read so far and splits them into lines. */
  async read(buffer: Buffer, nowMs: number): Promise<ReadOutcome> {
    const stats = await this.#handle.stat();
    const readPosition = this.#offset + this.#splitter.heldBytes;
    if (this.#behind) {
      if (stats.size < this.#offset) return { type: 'idle', linkCount: stats.nlink };
      this.#behind = false;
    }
    // Size alone cannot tell: truncated and refilled to the very size last seen is possible.
    const state = `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
    if (stats.size < readPosition || !(await this.#headStillMatches(stats.size, state))) return { type: 'truncated', previous: this.#restart() };
    if (stats.size === readPosition) return { type: 'idle', linkCount: stats.nlink };
    const wanted = Math.min(buffer.length, stats.size - readPosition);
    const { bytesRead } = await this.#handle.read(buffer, 0, wanted, readPosition);
    if (bytesRead === 0) return { type: 'idle', linkCount: stats.nlink };
    this.lastGrowthMs = nowMs;
    const split = this.#splitter.push(buffer.subarray(0, bytesRead));
    return { type: 'lines', split, more: readPosition + bytesRead < stats.size };
  }

  /** Call once the lines of a read were pushed. */
  commit(committedBytes: number): void {
    this.#offset += committedBytes;
  }

  /** The held partial line as a last line: the file is closed for good. Commit it after pushing. */
  flushPartial(): SplitResult {
    return this.#splitter.flush();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }

  /** Compares the head with the file's first bytes now; grows it toward FINGERPRINT_HEAD_BYTES. */
  async #headStillMatches(sizeBytes: number, state: string): Promise<boolean> {
    if (state === this.#checkedState) return true;
    const fresh = await readHead(this.#handle, sizeBytes);
    if (fresh.length < this.#head.length) return false;
    if (!fresh.subarray(0, this.#head.length).equals(this.#head)) return false;
    if (this.#head.length < FINGERPRINT_HEAD_BYTES) this.#head = fresh;
    this.#checkedState = state;
    return true;
  }

  #restart(): PreviousIdentity {
    const previous = { fingerprint: this.fingerprint, head: this.#head, offset: this.#offset };
    this.#offset = 0;
    this.#head = Buffer.alloc(0);
    this.#checkedState = '';
    this.#behind = false;
    this.#splitter.reset();
    return previous;
  }
}
