/**
 * The `file` input: tails log files named by absolute paths or globs and pushes their lines.
 *
 * Theory of operation
 * -------------------
 * Finding files. chokidar watches the static base directory of each glob (chokidar 4+ has no
 * globs; picomatch filters its events). A watcher event only says "look at this path"; every
 * few seconds the globs are also expanded by walking their base directories, which catches
 * missed events and base directories created after start (those are not watched until they
 * exist). Watcher errors are logged and counted, never fatal.
 *
 * Identity. A file is known by a fingerprint, not its path: device + inode + SHA-256 of its
 * first min(size, 1 KiB) bytes (fingerprint.ts). A head of a full 1 KiB identifies content on
 * its own, so a copy is recognised on any inode; a shorter head only with its own inode, or on
 * another inode once its own inode was seen holding other content (known-files.ts).
 *
 * Rotation by rename. An open file whose path stops naming it (renamed away by logrotate
 * `create`, or deleted) is "detached": still read through its descriptor from where it was, so
 * lines written late by a writer that still has it open are read. A file found under a new name
 * that is open already (same inode) just continues there. Either way it is "rotated": once it
 * has not grown for `rotatedGraceMs`, its partial last line (if any) is pushed and it is closed;
 * if a pattern matches its new name and it grows again, it is reopened at its offset. The new
 * file at the old path starts at 0.
 *
 * copytruncate. A file that got shorter than what was read, or whose first bytes changed, was
 * truncated: it is read again from 0 and counted. What was read of its old content is
 * remembered (fingerprint, offset, head bytes): logrotate's copy, if a pattern matches it, is
 * recognised by content and is read only from that offset (so nothing is read twice, and the
 * lines written between our last read and the copy are still shipped). A file whose first bytes
 * overlap those of an open file is taken to be a copy of it and is not read while that file is
 * open. Lines written between the copy and the truncate exist nowhere: copytruncate loses them
 * by design, whatever the reader does. When the copy is not matched by any pattern, the lines
 * written between our last read and the truncate are lost too; make the pattern match it.
 * Limits of content identity: two different files whose first 1 KiB are equal (or a short file
 * whose whole content begins another) are taken for copies of each other; and the copy of a file
 * under 1 KiB that was truncated and then deleted while the shipper was stopped is not
 * recognised (it is read from 0 again).
 *
 * Where reading starts. Files in the checkpoint resume at their offset, matched by fingerprint
 * wherever they are now (under a pattern, or, if renamed while the shipper was stopped, by inode
 * in the directory they were last seen in). Files present at the very first start (no
 * checkpoint) start at `start_at` (`end`: after their last complete line). Every other file (it
 * appeared while running, or while stopped) starts at 0. An empty file is opened once it has
 * bytes (its first bytes tell a new log from a copy being written).
 *
 * Lines. Only complete lines (ended by LF) are pushed; a partial last line waits for its LF.
 * A line longer than `lineMaxBytes` is cut into pieces of that size (memory stays bounded) and
 * counted `overlong`. Reads are chunks of `readChunkBytes`; when a push asks to pause, no file
 * is read until `whenWritable()` resolves. Each file's offset is the byte after the last line
 * pushed (and it moves only after the push).
 *
 * Checkpoints. Every `checkpoint_interval_ms` (when anything changed) and at close():
 * `flushToSpool()` puts every line pushed so far in the spool, the offsets are taken in the same
 * tick (nothing is pushed in between), then written to a temp file, fsynced, renamed over the
 * checkpoint, and the directory fsynced (checkpoint-store.ts). A corrupt checkpoint is moved
 * aside, logged, counted (`read_error`), and the input starts as on a first run.
 *
 * Guarantees. A clean close() then start resumes exactly: every line once. A crash (kill -9)
 * never loses a line: the checkpoint on disk covers only lines already in the spool, and
 * everything after it is read again. The lines shipped twice are exactly those pushed after the
 * last completed checkpoint that reached the spool before the crash: at most what was read in
 * one `checkpoint_interval_ms` plus one checkpoint write (more only if saves were failing).
 * Not covered: lines the engine drops by policy (`drop_newest`), files deleted or rotated out of
 * their directory before being read, and what copytruncate itself loses.
 *
 * Rules of this file: it wires things together (watcher, scans, timers, checkpoints) and owns
 * their lifecycle; the file logic lives in FileTailer.
 */
import type { FileInputConfig } from '@ringlog/config';
import type { InputHandle } from '@ringlog/shipper';
import { ShipperAppError, ShipperAppErrorCode, ShipperInputError } from '../../errors.ts';
import type { InputContext, ShipperInput } from '../shipper-input.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { FileTailTelemetry, type FileTailCounters } from './file-tail-telemetry.ts';
import { FILE_TAIL_TUNING_DEFAULTS, type FileTailTuning } from './file-tail-tuning.ts';
import { FileTailer } from './file-tailer.ts';
import { KnownFiles } from './known-files.ts';
import { PathPatterns } from './path-pattern.ts';
import { scanPattern } from './pattern-scan.ts';
import { PatternWatcher } from './pattern-watcher.ts';

export type { FileTailTuning } from './file-tail-tuning.ts';
export type { FileTailCounters } from './file-tail-telemetry.ts';

/** Builds the file input; `tuning` overrides internal timings (tests). */
export function createFileInput(config: FileInputConfig, context: InputContext, tuning: Partial<FileTailTuning> = {}): FileInput {
  return new FileInput(config, context, { ...FILE_TAIL_TUNING_DEFAULTS, ...tuning });
}

export class FileInput implements ShipperInput {
  readonly handle: InputHandle;
  readonly #config: FileInputConfig;
  readonly #context: InputContext;
  readonly #tuning: FileTailTuning;
  readonly #patterns: PathPatterns;
  readonly #store: CheckpointStore;
  readonly #telemetry: FileTailTelemetry;
  readonly #watcher: PatternWatcher;
  readonly #timers: NodeJS.Timeout[] = [];
  #tailer: FileTailer | undefined;
  #savedChanges = -1;
  #checkpointChain: Promise<void> = Promise.resolve();
  #rescanning = false;
  #closed = false;

  constructor(config: FileInputConfig, context: InputContext, tuning: FileTailTuning) {
    this.#config = config;
    this.#context = context;
    this.#tuning = tuning;
    try {
      this.#patterns = new PathPatterns(config.paths);
    } catch (error) {
      throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${config.name}: ${(error as Error).message}`, { cause: error });
    }
    if (config.paths.length === 0) throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${config.name}: no paths to tail`);
    if (!(config.checkpoint_interval_ms > 0)) throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${config.name}: checkpoint_interval_ms must be positive`);
    this.handle = context.ingest.registerInput(config.name, config.type, { group: config.group, vhostBuckets: config.vhost_buckets });
    this.#store = new CheckpointStore(context.stateDir, config.name);
    this.#telemetry = new FileTailTelemetry(context.logger.child({ input: config.name }), this.handle.stats);
    this.#watcher = new PatternWatcher(this.#patterns.list, {
      onPath: (path) => this.#tailer?.notePath(path),
      onError: (error) => this.#telemetry.watchFailed(error),
    });
  }

  /** Tailing-specific counters (truncations, rotations, checkpoints); the engine's are on `handle.stats`. */
  get counters(): Readonly<FileTailCounters> {
    return this.#telemetry.counters;
  }

  /** The checkpoint file of this input. */
  get checkpointPath(): string {
    return this.#store.path;
  }

  describe(): string {
    return `file ${this.#config.paths.join(', ')} (checkpoint ${this.#store.path})`;
  }

  async start(): Promise<void> {
    if (this.#tailer !== undefined || this.#closed) throw new Error(`input ${this.#config.name} started twice`);
    try {
      await this.#store.ensureDirectory();
    } catch (error) {
      throw new ShipperInputError(this.#config.name, `cannot create checkpoint directory ${this.#store.directory}: ${(error as Error).message}`, { cause: error });
    }
    const known = await this.#loadCheckpoint();
    const tailer = new FileTailer({
      patterns: this.#patterns,
      known: known ?? new KnownFiles(),
      firstRun: known === undefined,
      startAt: this.#config.start_at,
      lineMaxBytes: this.#context.lineMaxBytes,
      ingest: this.#context.ingest,
      handle: this.handle,
      telemetry: this.#telemetry,
      tuning: this.#tuning,
    });
    this.#tailer = tailer;
    // Watch first, then scan: a file created in between is seen by one or the other (or both).
    await this.#watcher.refresh();
    await tailer.openInitial(await this.#scanAll());
    await tailer.openRotatedWhileStopped();
    tailer.start();
    // A first run's start_at positions are saved at once: a crash before the first periodic
    // checkpoint must not make the next start a first run again (and skip lines at `end`).
    if (known === undefined) await this.checkpoint(true);
    this.#every(this.#tuning.pollIntervalMs, () => tailer.poll());
    this.#every(this.#tuning.rescanIntervalMs, () => void this.#rescan().catch((error: Error) => this.#telemetry.watchFailed(error)));
    this.#every(this.#config.checkpoint_interval_ms, () => void this.checkpoint());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#watcher.close();
    const tailer = this.#tailer;
    if (tailer === undefined) return;
    await tailer.stop();
    await this.checkpoint(true);
    await tailer.closeFiles();
  }

  /**
   * Saves every offset now (when anything changed, or `force`). Saves never overlap: each waits
   * for the one before. Resolves once written; a failure is logged, counted and retried.
   */
  checkpoint(force = false): Promise<void> {
    // A save that threw (a bug: save errors are handled) must not stop every later one.
    this.#checkpointChain = this.#checkpointChain.catch(() => undefined).then(() => this.#saveCheckpoint(force));
    return this.#checkpointChain;
  }

  async #saveCheckpoint(force: boolean): Promise<void> {
    const tailer = this.#tailer;
    if (tailer === undefined) return;
    const changes = tailer.changes;
    if (!force && changes === this.#savedChanges) return;
    // Same tick, in this order: every line the offsets cover is in the spool before they are saved.
    this.#context.ingest.flushToSpool();
    const files = tailer.snapshot();
    try {
      await this.#store.save(files, this.#tuning.nowMs());
      this.#savedChanges = changes;
      this.#telemetry.checkpointSaved(this.#store.path, files.length);
    } catch (error) {
      this.#telemetry.checkpointFailed(this.#store.path, error as NodeJS.ErrnoException);
    }
  }

  /** The remembered files, or undefined for a first run (no checkpoint, or a corrupt one). */
  async #loadCheckpoint(): Promise<KnownFiles | undefined> {
    const loaded = await this.#store.load(this.#tuning.nowMs());
    if (loaded.type === 'none') return undefined;
    if (loaded.type === 'corrupt') {
      this.#telemetry.checkpointCorrupt(loaded.path, loaded.error, loaded.movedTo);
      return undefined;
    }
    const known = new KnownFiles();
    for (const file of loaded.files) known.remember(file);
    // Forgetting counts running time only: time spent stopped says nothing about a file being
    // gone, and restarts must not make the unseen look fresh either.
    known.shiftSeen(Math.max(0, this.#tuning.nowMs() - loaded.savedAtMs));
    this.#telemetry.checkpointLoaded(loaded.from, known.size);
    return known;
  }

  async #scanAll(): Promise<string[]> {
    const found = new Set<string>();
    for (const pattern of this.#patterns.list) {
      const result = await scanPattern(pattern);
      for (const path of result.paths) found.add(path);
      for (const error of result.errors) this.#telemetry.watchFailed(error);
    }
    return [...found];
  }

  async #rescan(): Promise<void> {
    if (this.#rescanning || this.#closed) return;
    this.#rescanning = true;
    try {
      await this.#watcher.refresh();
      const paths = await this.#scanAll();
      if (!this.#closed) this.#tailer?.noteScan(paths);
    } finally {
      this.#rescanning = false;
    }
  }

  #every(intervalMs: number, tick: () => void): void {
    const timer = setInterval(tick, intervalMs);
    // The shipper's sockets keep the process alive; these timers alone must not.
    timer.unref();
    this.#timers.push(timer);
  }
}
