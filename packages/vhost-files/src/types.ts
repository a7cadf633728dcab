/**
 * The contracts of per-vhost output: how a file is opened, how lines reach it, and what the
 * cache of open descriptors reports. Implementations live one per file next to this one.
 */

/** Why a first token is not used as a vhost name; each reason is counted separately. */
export type VhostRejectReason =
  | 'empty'
  | 'too_long'
  | 'non_ascii'
  | 'control_byte'
  | 'path_separator'
  | 'dot_segment'
  | 'bad_character';

/** rotating-file-stream settings, already validated by the config package. */
export interface RotateOptions {
  readonly size?: string;
  readonly interval?: string;
  readonly compress: 'none' | 'gzip';
  readonly maxFiles?: number;
  readonly maxSize?: string;
}

/** How one output file is opened. */
export interface FileOpenOptions {
  /** Absolute path of the file. */
  readonly path: string;
  /**
   * Absolute directory the file must stay under. Directories between it and the file are created
   * (with `dirMode`) one at a time and each checked to be a real directory, not a symlink; the
   * file itself is opened without following a symlink. The root itself must already exist or is
   * created with its parents.
   */
  readonly root: string;
  readonly fileMode: number;
  readonly dirMode: number;
  /** Absent = a plain append-only file (fastest); present = rotating-file-stream. */
  readonly rotate?: RotateOptions;
}

/** An open output file. Every write is whole lines; a write is never split across two files. */
export interface LogFile {
  /** Appends all of `chunks` (retrying short writes) before resolving. */
  write(chunks: readonly Buffer[]): Promise<void>;
  /** fsync (a no-op when nothing was written since the last sync). */
  sync(): Promise<void>;
  /** Flushes what was written and releases the descriptor. */
  close(): Promise<void>;
}

/** What the cache of output files reports, for metrics and the collector's own log. */
export type FileEvent =
  | { readonly type: 'open'; readonly path: string }
  | { readonly type: 'close'; readonly path: string; readonly reason: 'evicted' | 'idle' | 'reopen' | 'shutdown' | 'error' }
  | { readonly type: 'open_failed'; readonly path: string; readonly error: Error }
  | { readonly type: 'write_failed'; readonly path: string; readonly error: Error }
  | { readonly type: 'rotated'; readonly path: string; readonly rotatedTo: string }
  | { readonly type: 'dropped'; readonly path: string; readonly lines: number; readonly bytes: number };

/** Counters of an output-file cache; all cumulative except the gauges marked. */
export interface FileCacheStats {
  /** Gauge: descriptors held now (open, opening or closing). */
  readonly openFiles: number;
  /** Gauge (high-water mark): most descriptors held at once since start. */
  readonly openFilesMax: number;
  /** Gauge: targets known (open or not). */
  readonly targets: number;
  /** Gauge: bytes accepted but not yet written. */
  readonly pendingBytes: number;
  readonly opens: number;
  readonly openFailures: number;
  readonly evictions: number;
  readonly idleCloses: number;
  readonly reopens: number;
  readonly writeFailures: number;
  readonly rotations: number;
  readonly droppedLines: number;
  readonly writtenBytes: number;
}

/** One destination of lines: a file path (opened and closed by the cache as needed) or a pipe. */
export interface OutputTarget {
  readonly path: string;
  /** Queues whole lines (each ending in "\n"); synchronous, never writes by itself. */
  append(chunk: Buffer): void;
  /** Bytes queued and not yet written. */
  readonly pendingBytes: number;
}
