/**
 * The write journal: what lets a collector killed at any instant restart with every line written
 * once. It records, atomically (temporary file + rename), per shipper the offset up to which
 * batches are on disk ("written"), and, while a flush is under way, the size every file it
 * touches had before ("pending").
 *
 * Theory of operation. A flush runs: `prepare(paths)` records the pre-flush size of each file
 * about to be written for the first time since the last commit; the files are written; when all
 * of them succeeded, `commit(offsets)` records the new offsets and clears "pending". A crash
 * before the commit leaves "pending": `open()` then cuts each of those files back to its recorded
 * size, so exactly the lines of the uncommitted batches disappear, and since the offsets were not
 * advanced, the shippers send those batches again. A crash after the commit leaves the files and
 * offsets in agreement. Only this collector writes these files (one state_dir per collector).
 *
 * Limits (docs/delivery.md): a file that rotates between prepare and a crash is cut only if it
 * is still longer than recorded (a rotated file's lines may then be written twice); pipes cannot
 * be cut. With fsync on, the journal is fsynced after the files, so it survives power loss too.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { isNodeId, writeFileAtomic, type NodeId } from '@ringlog/delivery';
import { JournalError } from './errors.ts';

export const JOURNAL_FILE = 'written.json';
const VERSION = 1;
/** Recorded size of a file that did not exist before the flush. */
const ABSENT = -1;

export interface JournalOpenOptions {
  readonly dir: string;
  /** fsync the journal on every write (with output.fsync always/interval). */
  readonly fsync: boolean;
  /** Directories output files live under; a pending path outside them is never touched. */
  readonly roots: readonly string[];
}

export interface JournalRecovery {
  readonly written: Map<NodeId, number>;
  /** Entries of the order log the last commit covered. */
  readonly orderLength: number;
  /** Files cut back to their size before an uncommitted flush. */
  readonly truncated: readonly { readonly path: string; readonly fromBytes: number; readonly toBytes: number }[];
  /** Pending paths left alone: outside every output root, or no longer a regular file. */
  readonly skipped: readonly string[];
}

interface JournalState {
  written: Map<NodeId, number>;
  orderLength: number;
  pending: Map<string, number>;
}

export class WriteJournal {
  readonly file: string;
  readonly #fsync: boolean;
  #written: Map<NodeId, number>;
  #orderLength: number;
  readonly #pending = new Map<string, number>();
  #writes = 0;

  private constructor(file: string, fsync: boolean, written: Map<NodeId, number>, orderLength: number) {
    this.file = file;
    this.#fsync = fsync;
    this.#written = written;
    this.#orderLength = orderLength;
  }

  /** Reads the journal (creating the directory 0700), repairs files of an uncommitted flush. */
  static open(options: JournalOpenOptions): { journal: WriteJournal; recovery: JournalRecovery } {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const file = path.join(options.dir, JOURNAL_FILE);
    const state = readState(file);
    const truncated: { path: string; fromBytes: number; toBytes: number }[] = [];
    const skipped: string[] = [];
    for (const [target, sizeBytes] of state.pending) {
      const cut = cutBack(target, sizeBytes, options.roots);
      if (cut === 'skipped') skipped.push(target);
      else if (cut !== null) truncated.push(cut);
    }
    const journal = new WriteJournal(file, options.fsync, state.written, state.orderLength);
    if (state.pending.size > 0 || !existsSync(file)) journal.#save();
    return { journal, recovery: { written: new Map(state.written), orderLength: state.orderLength, truncated, skipped } };
  }

  get writes(): number {
    return this.#writes;
  }

  /** Records the current size of each of `paths` not recorded since the last commit. */
  prepare(paths: Iterable<string>): void {
    const added: string[] = [];
    try {
      for (const target of paths) {
        if (this.#pending.has(target)) continue;
        const sizeBytes = sizeOf(target);
        if (sizeBytes === null) continue;
        this.#pending.set(target, sizeBytes);
        added.push(target);
      }
      if (added.length > 0) this.#save();
    } catch (error) {
      // Not on disk: forget them, so the next prepare records (and saves) them again.
      for (const target of added) this.#pending.delete(target);
      throw error;
    }
  }

  /** Every file touched since the last commit is written up to `written`: records it. */
  commit(written: ReadonlyMap<NodeId, number>, orderLength = this.#orderLength): void {
    this.#written = new Map(written);
    this.#orderLength = orderLength;
    this.#pending.clear();
    this.#save();
  }

  #save(): void {
    const state = { version: VERSION, written: Object.fromEntries(this.#written), order: this.#orderLength, pending: Object.fromEntries(this.#pending) };
    writeFileAtomic(this.file, `${JSON.stringify(state)}\n`, { fsync: this.#fsync });
    this.#writes++;
  }
}

/**
 * The file's size, ABSENT when there is none, or null when it cannot be looked at (ENAMETOOLONG,
 * ENOTDIR, EACCES...): the file cache cannot open it either, so it is not written; it is looked at
 * again by the next prepare. Throwing instead would stop every flush, for every file.
 */
function sizeOf(target: string): number | null {
  try {
    return lstatSync(target).size;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? ABSENT : null;
  }
}

function cutBack(target: string, sizeBytes: number, roots: readonly string[]): { path: string; fromBytes: number; toBytes: number } | 'skipped' | null {
  if (!roots.some((root) => isInside(root, target))) return 'skipped';
  let stats;
  try {
    stats = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!stats.isFile()) return 'skipped';
  const toBytes = Math.max(0, sizeBytes);
  if (stats.size <= toBytes) return null;
  truncateSync(target, toBytes);
  return { path: target, fromBytes: stats.size, toBytes };
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function readState(file: string): JournalState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { written: new Map(), orderLength: 0, pending: new Map() };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JournalError(file, 'is not JSON', { cause: error });
  }
  return parseState(file, value);
}

function parseState(file: string, value: unknown): JournalState {
  if (!isRecord(value) || value['version'] !== VERSION) throw new JournalError(file, `is not a version ${VERSION} write journal`);
  const orderLength = value['order'] ?? 0;
  if (typeof orderLength !== 'number' || !Number.isSafeInteger(orderLength) || orderLength < 0) throw new JournalError(file, `has order length ${shown(orderLength)}`);
  const written = new Map<NodeId, number>();
  for (const [id, offset] of entriesOf(file, value['written'], 'written')) {
    if (!isNodeId(id)) throw new JournalError(file, `names shipper ${JSON.stringify(id.slice(0, 40))}, not an id of 32 hex digits`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new JournalError(file, `has offset ${shown(offset)} for shipper ${id}`);
    written.set(id, offset);
  }
  const pending = new Map<string, number>();
  for (const [target, sizeBytes] of entriesOf(file, value['pending'], 'pending')) {
    if (!path.isAbsolute(target) || target.includes('\0')) throw new JournalError(file, `has pending path ${JSON.stringify(target.slice(0, 80))}, not an absolute path`);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < ABSENT) throw new JournalError(file, `has size ${shown(sizeBytes)} for ${target}`);
    pending.set(target, sizeBytes);
  }
  return { written, orderLength, pending };
}

function entriesOf(file: string, value: unknown, key: string): [string, number][] {
  if (!isRecord(value)) throw new JournalError(file, `has no "${key}" object`);
  return Object.entries(value) as [string, number][];
}

/** A parsed JSON value for an error message (String() throws on an object like {"toString":1}). */
function shown(value: unknown): string {
  return String(JSON.stringify(value)).slice(0, 40);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
