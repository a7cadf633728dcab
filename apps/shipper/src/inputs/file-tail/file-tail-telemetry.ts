/**
 * Named events of the file input: each logs structured fields and updates counters, so the
 * tailer never logs inline. Input-wide counters the engine shows (open files, read errors,
 * overlong lines) live in the input's InputStats; what is particular to tailing is in
 * `FileTailCounters`.
 */
import type { InputStats } from '@ringlog/shipper';
import type { Logger } from 'pino';

export interface FileTailCounters {
  /** Files found shorter than what was read, or rewritten from the start (copytruncate). */
  truncations: number;
  /** Open files whose path stopped naming them (renamed away, deleted, replaced). */
  detaches: number;
  /** Files not read because they are copies of content already read (rotated copies). */
  copiesSkipped: number;
  /** Files that resumed at a remembered offset (checkpoint, or found again under a new name). */
  resumes: number;
  checkpointWrites: number;
  checkpointFailures: number;
  checkpointsCorrupt: number;
  watchErrors: number;
  /** Remembered files dropped after not being seen for `forgetAfterMs`. */
  filesForgotten: number;
}

/** Repeated warnings of one kind are logged at most this often; counters still count each one. */
const WARN_INTERVAL_MS = 5_000;

export class FileTailTelemetry {
  readonly counters: FileTailCounters = {
    truncations: 0,
    detaches: 0,
    copiesSkipped: 0,
    resumes: 0,
    checkpointWrites: 0,
    checkpointFailures: 0,
    checkpointsCorrupt: 0,
    watchErrors: 0,
    filesForgotten: 0,
  };
  readonly #logger: Logger;
  readonly #stats: InputStats;
  readonly #lastWarnMs = new Map<string, number>();

  constructor(logger: Logger, stats: InputStats) {
    this.#logger = logger;
    this.#stats = stats;
  }

  fileOpened(path: string, offset: number, how: 'new' | 'start_at' | 'resumed' | 'rotated_while_stopped'): void {
    this.#stats.connections += 1;
    this.#stats.connectionsTotal += 1;
    if (how === 'resumed' || how === 'rotated_while_stopped') this.counters.resumes += 1;
    this.#logger.info({ path, offset, how }, 'Tailing file');
  }

  fileClosed(path: string, offset: number, reason: 'rotated' | 'closing'): void {
    this.#stats.connections -= 1;
    this.#logger.debug({ path, offset, reason }, 'Closed tailed file');
  }

  fileDetached(path: string, reason: 'gone' | 'replaced' | 'unlinked'): void {
    this.counters.detaches += 1;
    this.#logger.info({ path, reason }, 'Tailed file was rotated or deleted; reading it to its end');
  }

  fileReattached(path: string, previousPath: string): void {
    this.#logger.debug({ path, previousPath }, 'Tailed file found under a new name');
  }

  fileTruncated(path: string, offset: number): void {
    this.counters.truncations += 1;
    this.#logger.info({ path, offset }, 'Tailed file was truncated; reading it from the start');
  }

  copySkipped(path: string, copyOf: string): void {
    this.counters.copiesSkipped += 1;
    this.#logger.info({ path, copyOf }, 'File is a copy of a tailed file; not reading it');
  }

  partialLineFlushed(path: string, bytes: number): void {
    this.#logger.debug({ path, bytes }, 'Rotated file ended without a newline; shipped its last line');
  }

  overlongLines(count: number): void {
    this.#stats.error('overlong', count);
  }

  /** Counted once per failure streak of a path (retries are silent until it works again). */
  openFailed(path: string, error: NodeJS.ErrnoException): void {
    this.#stats.error('read_error');
    this.#warnSometimes(`open:${path}`, { path, error_code: error.code, error: error.message, stage: 'open' }, 'Cannot open file to tail; retrying');
  }

  readFailed(path: string, error: NodeJS.ErrnoException): void {
    this.#stats.error('read_error');
    this.#warnSometimes(`read:${path}`, { path, error_code: error.code, error: error.message, stage: 'read' }, 'Cannot read tailed file; retrying');
  }

  watchFailed(error: Error): void {
    this.counters.watchErrors += 1;
    this.#stats.error('read_error');
    const code = (error as NodeJS.ErrnoException).code;
    this.#warnSometimes('watch', { error_code: code, error: error.message, stage: 'watch' }, 'File watcher error; periodic rescans continue');
  }

  checkpointLoaded(path: string, files: number): void {
    this.#logger.info({ path, files }, 'Loaded file tail checkpoint');
  }

  checkpointCorrupt(path: string, error: Error, movedTo: string | undefined): void {
    this.counters.checkpointsCorrupt += 1;
    this.#stats.error('read_error');
    this.#logger.warn({ path, movedTo, error: error.message, stage: 'checkpoint_load' }, 'File tail checkpoint is unreadable; starting as on a first run');
  }

  checkpointSaved(path: string, files: number): void {
    this.counters.checkpointWrites += 1;
    this.#logger.trace({ path, files }, 'Saved file tail checkpoint');
  }

  checkpointFailed(path: string, error: NodeJS.ErrnoException): void {
    this.counters.checkpointFailures += 1;
    this.#warnSometimes('checkpoint', { path, error_code: error.code, error: error.message, stage: 'checkpoint_save' }, 'Cannot save file tail checkpoint; retrying');
  }

  filesForgotten(count: number): void {
    this.counters.filesForgotten += count;
    this.#logger.debug({ count }, 'Forgot offsets of files not seen for a while');
  }

  #warnSometimes(kind: string, fields: Record<string, unknown>, message: string): void {
    const nowMs = Date.now();
    const lastMs = this.#lastWarnMs.get(kind);
    if (lastMs !== undefined && nowMs - lastMs < WARN_INTERVAL_MS) return;
    this.#lastWarnMs.set(kind, nowMs);
    this.#logger.warn(fields, message);
  }
}
