/**
 * Every byte the pipe helper holds and the shipper has not acknowledged, as one logical byte
 * stream. Offsets in it only grow; `ackedOffset` moves up as acks arrive and `endOffset` as
 * stdin delivers lines. The stream is stored, oldest first, in:
 *
 *   frozen files   leftovers of dead helpers (and own files closed to make room for one), read only
 *   own file       this helper's spool file: older lines moved out of a full memory buffer
 *   memory         the newest lines, up to `bufferBytes`
 *
 * New lines always enter memory; when memory is full its OLDEST chunks move to the own file, so
 * order is kept without re-reading. When the own file is full too (`spoolMaxBytes`), the NEWEST
 * lines are dropped and counted: what is already held stays complete and in order.
 *
 * Rules: the sender reads by offset and acknowledges by offset; nothing here touches sockets.
 * Invariant: own file data offset 0 is logical offset `#ownBase`, and memory starts where the
 * own file ends.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { PipeMemoryQueue } from './pipe-memory-queue.ts';
import { findLeftovers, nextFreeIndex, spoolFileName } from './pipe-spool-dir.ts';
import { PipeSpoolFile } from './pipe-spool-file.ts';

export interface PipeBacklogOptions {
  /** Null = memory only (no usable spool directory). */
  readonly spoolDir: string | null;
  readonly pid: number;
  readonly group: string | null;
  readonly bufferBytes: number;
  /** Largest own spool file; 0 = never spool. */
  readonly spoolMaxBytes: number;
  readonly now: () => number;
  /** Reports a spool problem (rate limiting is the caller's). */
  readonly warn: (key: string, message: string) => void;
}

interface FrozenFile {
  readonly file: PipeSpoolFile;
  /** Logical offset of the file's data offset 0. */
  readonly base: number;
}

export interface PersistOutcome {
  /** Files left for a later helper, in stream order. */
  readonly paths: readonly string[];
  /** Unacknowledged bytes saved in them. */
  readonly pendingBytes: number;
}

export class PipeBacklog {
  readonly #options: PipeBacklogOptions;
  readonly #frozen: FrozenFile[] = [];
  #own: PipeSpoolFile | null = null;
  #ownBase = 0;
  #memory = new PipeMemoryQueue(0);
  #acked = 0;
  #nextFileIndex = 0;
  #adoptedBefore = false;
  /** Lines refused because memory and the spool file were full. */
  droppedLines = 0;
  /**
   * Set by a drop, cleared by the next acknowledgement: until the shipper takes something, every
   * new line is dropped, so what is kept stays one unbroken run (a short line arriving after a
   * long one was refused would otherwise squeeze into the leftover room and leave a hole).
   */
  #dropping = false;

  constructor(options: PipeBacklogOptions) {
    this.#options = options;
  }

  get ackedOffset(): number {
    return this.#acked;
  }

  get endOffset(): number {
    return this.#memory.end;
  }

  get pendingBytes(): number {
    return this.endOffset - this.#acked;
  }

  get memoryBytes(): number {
    return this.#memory.bytes;
  }

  /** Data bytes in the own spool file (acknowledged prefix included). */
  get ownFileBytes(): number {
    return this.#own?.dataBytes ?? 0;
  }

  /** Adds whole lines; false when they were dropped (memory and spool file full). */
  append(bytes: Buffer, lines: number): boolean {
    if (this.#dropping) return this.#drop(lines);
    const budget = this.#options.bufferBytes;
    while (!this.#memory.empty && this.#memory.bytes + bytes.length > budget) {
      if (!this.#spillFront()) break;
    }
    if (this.#memory.bytes + bytes.length <= budget) {
      this.#memory.push(bytes);
      return true;
    }
    if (this.#memory.empty && this.#ownRoomFor(bytes.length)) {
      // Bigger than the whole buffer: straight through memory to the file.
      this.#memory.push(bytes);
      this.#spillFront();
      return true;
    }
    return this.#drop(lines);
  }

  #drop(lines: number): false {
    this.#dropping = true;
    this.droppedLines += lines;
    return false;
  }

  /** Up to `maxBytes` of the stream from `offset` (ackedOffset <= offset < endOffset). */
  read(offset: number, maxBytes: number): Buffer {
    if (offset < this.#acked || offset >= this.endOffset) throw new RangeError(`Read at ${offset} outside ${this.#acked}..${this.endOffset}`);
    for (const frozen of this.#frozen) {
      if (offset < frozen.base + frozen.file.dataBytes) return frozen.file.read(offset - frozen.base, maxBytes);
    }
    if (this.#own !== null && offset < this.#ownBase + this.#own.dataBytes) return this.#own.read(offset - this.#ownBase, maxBytes);
    return this.#memory.read(offset, maxBytes);
  }

  /** The shipper has everything before `offset`. */
  acknowledge(offset: number): void {
    if (offset < this.#acked || offset > this.endOffset) throw new RangeError(`Ack ${offset} outside ${this.#acked}..${this.endOffset}`);
    if (offset > this.#acked) this.#dropping = false;
    this.#acked = offset;
    while (this.#frozen[0] !== undefined && offset >= this.#frozen[0].base + this.#frozen[0].file.dataBytes) this.#frozen.shift()?.file.remove();
    const first = this.#frozen[0];
    if (first !== undefined && offset > first.base + first.file.ackedBytes) first.file.setAcked(offset - first.base);
    const own = this.#own;
    if (own !== null && own.dataBytes > 0) {
      const ownEnd = this.#ownBase + own.dataBytes;
      if (offset >= ownEnd) {
        own.reset();
        this.#ownBase = ownEnd;
      } else if (offset > this.#ownBase + own.ackedBytes) {
        own.setAcked(offset - this.#ownBase);
      }
    }
    this.#memory.dropBefore(offset);
  }

  /**
   * Takes over spool files of dead helpers for this group and appends them to the stream: at
   * start they come before any new line; later, after everything held so far. Returns how many.
   */
  adoptLeftovers(): number {
    const dir = this.#options.spoolDir;
    if (dir === null) return 0;
    // Before this helper has named any file, files under its pid are an earlier process's.
    const atStart = !this.#adoptedBefore && this.#nextFileIndex === 0;
    this.#adoptedBefore = true;
    if (atStart) this.#nextFileIndex = nextFreeIndex(dir, this.#options.pid);
    let adopted = 0;
    for (const leftover of findLeftovers(dir, this.#options.pid, this.#options.group, atStart)) {
      if (!this.#freezeTail()) break;
      const file = this.#claim(leftover.path, join(dir, spoolFileName(this.#options.pid, this.#nextFileIndex)));
      if (file === null) continue;
      this.#nextFileIndex += 1;
      if (file.unackedBytes === 0) {
        file.remove();
        continue;
      }
      const start = this.endOffset;
      this.#frozen.push({ file, base: start - file.ackedBytes });
      this.#memory = new PipeMemoryQueue(start + file.unackedBytes);
      this.#ownBase = this.#memory.start;
      adopted += 1;
    }
    return adopted;
  }

  /**
   * At exit: memory goes to the own file, even past `spoolMaxBytes` (by at most `bufferBytes`:
   * the cap bounds a long outage, not the lines already held), and every file is closed, kept
   * only if it holds unacknowledged lines.
   */
  persist(): PersistOutcome {
    while (!this.#memory.empty && this.#spillFront(true));
    if (!this.#memory.empty) this.droppedLines += countLines(this.#memory, this.#acked);
    const kept = this.#frozen.splice(0).map((frozen) => frozen.file);
    const own = this.#own;
    this.#own = null;
    if (own !== null && own.unackedBytes > 0) kept.push(own);
    else own?.remove();
    for (const file of kept) file.close();
    return { paths: kept.map((file) => file.path), pendingBytes: kept.reduce((sum, file) => sum + file.unackedBytes, 0) };
  }

  /** Moves the oldest memory chunk (minus any acknowledged prefix) to the own file; false when it cannot. */
  #spillFront(ignoreCap = false): boolean {
    const chunk = this.#memory.front();
    if (chunk === undefined) return true;
    const ownEmpty = this.#own === null || this.#own.dataBytes === 0;
    const skip = ownEmpty ? Math.max(0, this.#acked - this.#memory.start) : 0;
    const bytes = chunk.subarray(skip);
    if (!ignoreCap && !this.#ownRoomFor(bytes.length)) return false;
    if (this.#options.spoolDir === null) return false;
    try {
      const own = (this.#own ??= this.#createOwnFile());
      if (ownEmpty) this.#ownBase = this.#memory.start + skip;
      own.append(bytes);
    } catch (error) {
      this.#options.warn('spool-write', `cannot write the spool file: ${(error as Error).message}; holding lines in memory only`);
      return false;
    }
    this.#memory.shift();
    return true;
  }

  #ownRoomFor(bytes: number): boolean {
    const { spoolDir, spoolMaxBytes } = this.#options;
    if (spoolDir === null || spoolMaxBytes === 0) return false;
    const own = this.#own;
    if ((own?.dataBytes ?? 0) + bytes <= spoolMaxBytes) return true;
    // Reclaim the acknowledged front, but only when it is at least half the file (amortized copying).
    if (own === null || own.ackedBytes === 0 || own.ackedBytes * 2 < own.dataBytes) return false;
    try {
      this.#ownBase += own.compact();
    } catch (error) {
      this.#options.warn('spool-write', `cannot compact the spool file: ${(error as Error).message}`);
      return false;
    }
    return own.dataBytes + bytes <= spoolMaxBytes;
  }

  #createOwnFile(): PipeSpoolFile {
    const path = join(this.#options.spoolDir as string, spoolFileName(this.#options.pid, this.#nextFileIndex));
    const file = PipeSpoolFile.create(path, this.#options.group, this.#options.now());
    this.#nextFileIndex += 1;
    return file;
  }

  /** Makes the own file and memory part of the frozen files, so a leftover can follow them; false when there is no room. */
  #freezeTail(): boolean {
    while (!this.#memory.empty) {
      if (!this.#spillFront()) return false;
    }
    const own = this.#own;
    if (own === null) return true;
    this.#own = null;
    if (own.unackedBytes > 0) this.#frozen.push({ file: own, base: this.#ownBase });
    else own.remove();
    return true;
  }

  /** Renames a leftover to this helper's name, then opens it; null when another helper took it first. */
  #claim(from: string, to: string): PipeSpoolFile | null {
    try {
      // The rename is the claim: of two helpers racing for a file, exactly one succeeds.
      renameSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#options.warn('adopt', `cannot take over ${from}: ${(error as Error).message}`);
      return null;
    }
    try {
      return PipeSpoolFile.open(to);
    } catch (error) {
      this.#options.warn('adopt', `cannot read ${to}: ${(error as Error).message}`);
      return null;
    }
  }
}

/** Lines held in memory past the acknowledged offset (only counted when they are lost at exit). */
function countLines(memory: PipeMemoryQueue, acked: number): number {
  let lines = 0;
  for (let offset = Math.max(acked, memory.start); offset < memory.end; ) {
    const bytes = memory.read(offset, memory.end - offset);
    for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, lf + 1)) lines += 1;
    offset += bytes.length;
  }
  return lines;
}
