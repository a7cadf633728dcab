/**
 * The file input's state and its single work loop: which paths name which open files, which
 * open files may have unread bytes, which matched paths are not open and why, and what is
 * remembered of files no longer open. See file-input.ts for the theory of operation.
 *
 * Rules of this file:
 * - All state changes happen in the loop (or before it starts), one step at a time: a step
 *   looks at one path or reads one chunk of one file. Events and timers only queue work.
 * - Offsets move only after the lines they cover were pushed.
 * - An operating error (errno) of one path or file is counted and retried on the next poll;
 *   anything else is a bug and propagates.
 */
import type { BigIntStats } from 'node:fs';
import { readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileStartPosition } from '@ringlog/config';
import type { InputHandle, LineIngest } from '@ringlog/shipper';
import type { FileTailTelemetry } from './file-tail-telemetry.ts';
import type { FileTailTuning } from './file-tail-tuning.ts';
import { headsOverlap, readHead } from './fingerprint.ts';
import type { KnownFile, KnownFiles } from './known-files.ts';
import type { SplitResult } from './line-splitter.ts';
import type { PathPatterns } from './path-pattern.ts';
import { startOffset } from './start-offset.ts';
import { TailedFile, type PreviousIdentity, type TailedFileInit } from './tailed-file.ts';

export interface FileTailerOptions {
  readonly patterns: PathPatterns;
  readonly known: KnownFiles;
  /** No checkpoint existed: files found at start begin at `startAt` instead of 0. */
  readonly firstRun: boolean;
  readonly startAt: FileStartPosition;
  readonly lineMaxBytes: number;
  readonly ingest: LineIngest;
  readonly handle: InputHandle;
  readonly telemetry: FileTailTelemetry;
  readonly tuning: FileTailTuning;
}

/** Why a matched path has no open file: looked at again on every poll. */
type WaitReason = 'empty' | 'copy' | 'unreadable';

type OpenHow = 'new' | 'start_at' | 'resumed' | 'rotated_while_stopped';

export class FileTailer {
  readonly #options: FileTailerOptions;
  readonly #known: KnownFiles;
  readonly #telemetry: FileTailTelemetry;
  readonly #readers = new Set<TailedFile>();
  readonly #byPath = new Map<string, TailedFile>();
  readonly #pendingPaths = new Set<string>();
  readonly #dirty = new Set<TailedFile>();
  readonly #waiting = new Map<string, WaitReason>();
  readonly #readBuffer: Buffer;
  #changes = 0;
  #stopping = false;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopped!: () => void;
  readonly #stopSignal = new Promise<void>((resolve) => (this.#stopped = resolve));

  constructor(options: FileTailerOptions) {
    this.#options = options;
    this.#known = options.known;
    this.#telemetry = options.telemetry;
    this.#readBuffer = Buffer.allocUnsafe(options.tuning.readChunkBytes);
  }

  /** Grows whenever an offset, a path or the set of files changes: a checkpoint is due. */
  get changes(): number {
    return this.#changes;
  }

  get openFiles(): number {
    return this.#readers.size;
  }

  /** Opens the files found at start; files already known by inode go first so they win their offsets over copies. */
  async openInitial(paths: readonly string[]): Promise<void> {
    const ranked = await Promise.all(paths.map(async (path) => ({ path, known: await this.#hasKnownInode(path) })));
    ranked.sort((a, b) => Number(b.known) - Number(a.known));
    for (const { path } of ranked) await this.#guard(path, () => this.#reconcile(path, true));
  }

  /**
   * Finds known files that were renamed while the shipper was stopped to a name no pattern
   * matches (logrotate's `access.log.1` for a pattern `access.log`): they are looked for by
   * inode in the directory they were last seen in, and read from their offset to their end.
   */
  async openRotatedWhileStopped(): Promise<void> {
    const directories = new Set(this.#known.list().map((file) => dirname(file.path)));
    for (const directory of directories) {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch {
        continue;
      }
      for (const name of names) await this.#guard(join(directory, name), () => this.#openIfRotated(join(directory, name)));
    }
  }

  start(): void {
    if (this.#running !== undefined) throw new Error('file tailer started twice');
    this.#running = this.#loop();
  }

  /** Ends the loop after its current step (a wait for backpressure ends at once). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped();
    this.#kick();
    await this.#running;
  }

  async closeFiles(): Promise<void> {
    for (const reader of this.#readers) {
      await reader.close();
      this.#telemetry.fileClosed(reader.path, reader.offset, 'closing');
    }
    this.#readers.clear();
    this.#byPath.clear();
    this.#dirty.clear();
  }

  /** A watcher event: the path may be new, changed, renamed away or deleted. */
  notePath(path: string): void {
    this.#pendingPaths.add(path);
    this.#kick();
  }

  /** Paths found by a rescan; open files' own paths are checked too (a missed rename or delete). */
  noteScan(paths: readonly string[]): void {
    for (const path of paths) this.#pendingPaths.add(path);
    for (const reader of this.#readers) if (reader.attached) this.#pendingPaths.add(reader.path);
    this.#kick();
  }

  /** Periodic: read every open file (detached ones get no events), retry waiting paths, forget old files. */
  poll(): void {
    for (const reader of this.#readers) this.#dirty.add(reader);
    for (const path of this.#waiting.keys()) this.#pendingPaths.add(path);
    const forgotten = this.#known.forgetSeenBefore(this.#nowMs() - this.#options.tuning.forgetAfterMs);
    if (forgotten > 0) {
      this.#telemetry.filesForgotten(forgotten);
      this.#changes += 1;
    }
    this.#kick();
  }

  /** Every file's offset, open files first. Call right after `flushToSpool()`, in the same tick. */
  snapshot(): KnownFile[] {
    const nowMs = this.#nowMs();
    const open = [...this.#readers].map((reader) => ({ fingerprint: reader.fingerprint, offset: reader.offset, path: reader.path, seenAtMs: nowMs }));
    return [...open, ...this.#known.list()];
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      const path = takeFirst(this.#pendingPaths);
      if (path !== undefined) {
        await this.#guard(path, () => this.#reconcile(path, false));
        continue;
      }
      const reader = takeFirst(this.#dirty);
      if (reader !== undefined) {
        await this.#guard(reader.path, () => this.#readOnce(reader));
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #kick(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #guard(path: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isErrno(error)) throw error;
      this.#telemetry.readFailed(path, error);
    }
  }

  /** Looks at a matched path: same file as before, a file seen under another name, or a new one. */
  async #reconcile(path: string, initial: boolean): Promise<void> {
    if (!this.#options.patterns.matches(path)) return;
    let stats: BigIntStats;
    try {
      stats = await stat(path, { bigint: true });
    } catch (error) {
      if (isGone(error)) return this.#pathGone(path);
      return this.#markUnreadable(path, error as NodeJS.ErrnoException);
    }
    if (!stats.isFile()) return this.#pathGone(path);
    const dev = String(stats.dev);
    const ino = String(stats.ino);
    const attached = this.#byPath.get(path);
    if (attached !== undefined && attached.dev === dev && attached.ino === ino) {
      this.#dirty.add(attached);
      return;
    }
    if (attached !== undefined) this.#detach(attached, 'replaced');
    const live = this.#findLive(dev, ino);
    if (live !== undefined) return this.#attach(live, path);
    // A rotated file closed once read to its end: opened again only when it grew.
    const closed = this.#known.findByInode(dev, ino);
    if (closed?.rotated === true && closed.offset === Number(stats.size)) return;
    await this.#openPath(path, initial);
  }

  async #openPath(path: string, initial: boolean): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await this.#options.tuning.openFile(path);
    } catch (error) {
      if (isGone(error)) return this.#pathGone(path);
      return this.#markUnreadable(path, error as NodeJS.ErrnoException);
    }
    let adopted = false;
    try {
      adopted = await this.#adopt(handle, path, initial);
    } finally {
      if (!adopted) await handle.close();
    }
  }

  /** Decides what an opened file is; true when a TailedFile now owns the handle. */
  async #adopt(handle: FileHandle, path: string, initial: boolean): Promise<boolean> {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) return false;
    const dev = String(stats.dev);
    const ino = String(stats.ino);
    // The path may have changed between stat and open: trust the descriptor.
    const live = this.#findLive(dev, ino);
    if (live !== undefined) {
      this.#attach(live, path);
      return false;
    }
    const size = Number(stats.size);
    if (size === 0) {
      // Nothing to read, and what it will be (a new log, or a copy being written) shows with its
      // first bytes. What was read from this inode before, if anything, can only survive as a copy.
      this.#known.markInodeReused(dev, ino);
      this.#waiting.set(path, 'empty');
      return false;
    }
    const head = await readHead(handle, size);
    const known = this.#known.claim({ dev, ino, head });
    // Entries of this inode left unclaimed are content it no longer holds (truncated while we
    // were not looking): that content may survive as a copy on another inode.
    this.#known.markInodeReused(dev, ino);
    if (known !== undefined) {
      const sameInode = known.fingerprint.dev === dev && known.fingerprint.ino === ino;
      // Found under another name than it was last seen at: it was renamed, so it is rotated too.
      const rotated = known.rotated === true || known.path !== path;
      this.#addReader({ handle, dev, ino, path, head, offset: known.offset, mayBeBehind: !sameInode, rotated }, 'resumed');
      return true;
    }
    const copyOf = [...this.#readers].find((reader) => headsOverlap(head, reader.head));
    if (copyOf !== undefined) {
      if (this.#waiting.get(path) !== 'copy') this.#telemetry.copySkipped(path, copyOf.path);
      this.#waiting.set(path, 'copy');
      return false;
    }
    const atStart = initial && this.#options.firstRun;
    const offset = atStart ? await startOffset(handle, size, this.#options.startAt, this.#options.lineMaxBytes) : 0;
    this.#addReader({ handle, dev, ino, path, head, offset, mayBeBehind: false, rotated: false }, atStart ? 'start_at' : 'new');
    return true;
  }

  async #openIfRotated(path: string): Promise<void> {
    if (this.#options.patterns.matches(path)) return;
    const stats = await stat(path, { bigint: true });
    if (!stats.isFile() || !this.#known.hasInode(String(stats.dev), String(stats.ino))) return;
    if (this.#findLive(String(stats.dev), String(stats.ino)) !== undefined) return;
    const handle = await this.#options.tuning.openFile(path);
    let adopted = false;
    try {
      const opened = await handle.stat({ bigint: true });
      const dev = String(opened.dev);
      const ino = String(opened.ino);
      const head = await readHead(handle, Number(opened.size));
      const known = this.#known.claim({ dev, ino, head });
      this.#known.markInodeReused(dev, ino);
      if (known === undefined) return;
      const sameInode = known.fingerprint.dev === dev && known.fingerprint.ino === ino;
      const reader = this.#addReader({ handle, dev, ino, path, head, offset: known.offset, mayBeBehind: !sameInode, rotated: true }, 'rotated_while_stopped');
      adopted = true;
      this.#byPath.delete(path);
      reader.attached = false;
    } finally {
      if (!adopted) await handle.close();
    }
  }

  #addReader(init: Omit<TailedFileInit, 'lineMaxBytes' | 'nowMs'>, how: OpenHow): TailedFile {
    const reader = new TailedFile({ ...init, lineMaxBytes: this.#options.lineMaxBytes, nowMs: this.#nowMs() });
    this.#readers.add(reader);
    this.#byPath.set(init.path, reader);
    this.#waiting.delete(init.path);
    this.#dirty.add(reader);
    this.#changes += 1;
    this.#telemetry.fileOpened(init.path, init.offset, how);
    return reader;
  }

  async #readOnce(reader: TailedFile): Promise<void> {
    if (!this.#readers.has(reader)) return;
    const nowMs = this.#nowMs();
    const outcome = await reader.read(this.#readBuffer, nowMs);
    switch (outcome.type) {
      case 'lines':
        await this.#push(reader, outcome.split);
        if (outcome.more) this.#dirty.add(reader);
        return;
      case 'truncated':
        return this.#truncated(reader, outcome.previous);
      case 'idle':
        // A deleted file whose unlink the watcher missed: let the path check detach it.
        if (outcome.linkCount === 0 && reader.attached) this.#pendingPaths.add(reader.path);
        if ((!reader.attached || reader.rotated) && nowMs - reader.lastGrowthMs >= this.#options.tuning.rotatedGraceMs) await this.#retire(reader);
        return;
    }
  }

  async #push(reader: TailedFile, split: SplitResult): Promise<void> {
    if (split.overlongLines > 0) this.#telemetry.overlongLines(split.overlongLines);
    const outcome = split.lines.length > 0 ? this.#options.ingest.push(this.#options.handle, split.lines) : undefined;
    reader.commit(split.committedBytes);
    if (split.committedBytes > 0) this.#changes += 1;
    if (outcome?.paused === true) await Promise.race([this.#options.ingest.whenWritable(), this.#stopSignal]);
  }

  /** The copy that copytruncate made may appear before or after this: remember what was read of the old content. */
  #truncated(reader: TailedFile, previous: PreviousIdentity): void {
    this.#telemetry.fileTruncated(reader.path, previous.offset);
    if (previous.head.length > 0) {
      this.#known.remember({ fingerprint: previous.fingerprint, offset: previous.offset, path: reader.path, seenAtMs: this.#nowMs(), copySourceHead: previous.head });
    }
    this.#changes += 1;
    this.#dirty.add(reader);
    this.#recheckCopies();
  }

  /**
   * A rotated file stayed quiet for the grace period: ship its partial last line and close it.
   * If a pattern matches its new name and it grows again, it is reopened at its offset.
   */
  async #retire(reader: TailedFile): Promise<void> {
    const partial = reader.flushPartial();
    if (partial.committedBytes > 0) this.#telemetry.partialLineFlushed(reader.path, partial.committedBytes);
    await this.#push(reader, partial);
    this.#readers.delete(reader);
    this.#dirty.delete(reader);
    if (this.#byPath.get(reader.path) === reader) this.#byPath.delete(reader.path);
    await reader.close();
    this.#telemetry.fileClosed(reader.path, reader.offset, 'rotated');
    this.#known.remember({ fingerprint: reader.fingerprint, offset: reader.offset, path: reader.path, seenAtMs: this.#nowMs(), rotated: true });
    this.#changes += 1;
    this.#recheckCopies();
  }

  #pathGone(path: string): void {
    this.#waiting.delete(path);
    const reader = this.#byPath.get(path);
    if (reader !== undefined) this.#detach(reader, 'gone');
  }

  #detach(reader: TailedFile, reason: 'gone' | 'replaced'): void {
    if (this.#byPath.get(reader.path) === reader) this.#byPath.delete(reader.path);
    reader.attached = false;
    reader.lastGrowthMs = this.#nowMs();
    this.#dirty.add(reader);
    this.#telemetry.fileDetached(reader.path, reason);
  }

  #attach(reader: TailedFile, path: string): void {
    if (reader.path !== path) {
      if (this.#byPath.get(reader.path) === reader) this.#byPath.delete(reader.path);
      this.#telemetry.fileReattached(path, reader.path);
      reader.path = path;
      reader.rotated = true;
      reader.lastGrowthMs = this.#nowMs();
      this.#changes += 1;
    }
    reader.attached = true;
    this.#byPath.set(path, reader);
    this.#waiting.delete(path);
    this.#dirty.add(reader);
  }

  #markUnreadable(path: string, error: NodeJS.ErrnoException): void {
    if (this.#waiting.get(path) !== 'unreadable') this.#telemetry.openFailed(path, error);
    this.#waiting.set(path, 'unreadable');
  }

  #recheckCopies(): void {
    for (const [path, reason] of this.#waiting) if (reason === 'copy') this.#pendingPaths.add(path);
    this.#kick();
  }

  #findLive(dev: string, ino: string): TailedFile | undefined {
    for (const reader of this.#readers) if (reader.dev === dev && reader.ino === ino) return reader;
    return undefined;
  }

  async #hasKnownInode(path: string): Promise<boolean> {
    try {
      const stats = await stat(path, { bigint: true });
      return this.#known.hasInode(String(stats.dev), String(stats.ino));
    } catch {
      return false;
    }
  }

  #nowMs(): number {
    return this.#options.tuning.nowMs();
  }
}

function takeFirst<T>(set: Set<T>): T | undefined {
  for (const item of set) {
    set.delete(item);
    return item;
  }
  return undefined;
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
