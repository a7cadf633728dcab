/**
 * One spool file of the pipe helper: a fixed 128-byte text header, then LF-terminated lines.
 *
 *   `RINGLOG-PIPE-SPOOL 1 acked=<bytes> created=<ms> group=<group or empty>` padded with
 *   spaces to 127 bytes, then LF.
 *
 * `acked` is how many data bytes (after the header) the shipper has acknowledged; a helper that
 * picks the file up later sends from there. The header is rewritten in place with one write of
 * 128 bytes, which the kernel applies whole within a page. `created` orders leftover files of
 * different dead helpers; `group` keeps a file with the group its lines were written for.
 *
 * Calls are synchronous on purpose: the helper is single-threaded and appends must land in the
 * order lines arrived; the writes go to the page cache, not to the disk, so they are short.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';

export const SPOOL_HEADER_BYTES = 128;
export const SPOOL_MAGIC = 'RINGLOG-PIPE-SPOOL';
export const SPOOL_FORMAT_VERSION = 1;
/** Copy unit of compaction and of the scan for a torn last line. */
const COPY_CHUNK_BYTES = 1024 * 1024;

export interface SpoolHeader {
  readonly ackedBytes: number;
  readonly createdMs: number;
  /** Null when the helper named no group. */
  readonly group: string | null;
}

export function encodeSpoolHeader(header: SpoolHeader): Buffer {
  const text = `${SPOOL_MAGIC} ${SPOOL_FORMAT_VERSION} acked=${header.ackedBytes} created=${header.createdMs} group=${header.group ?? ''}`;
  if (text.length > SPOOL_HEADER_BYTES - 1) throw new RangeError('Spool header too long');
  return Buffer.from(`${text.padEnd(SPOOL_HEADER_BYTES - 1, ' ')}\n`, 'latin1');
}

/** The header, or null when the bytes are not a spool header of this version. */
export function parseSpoolHeader(bytes: Buffer): SpoolHeader | null {
  if (bytes.length < SPOOL_HEADER_BYTES || bytes[SPOOL_HEADER_BYTES - 1] !== 0x0a) return null;
  const text = bytes.toString('latin1', 0, SPOOL_HEADER_BYTES - 1).trimEnd();
  const match = /^RINGLOG-PIPE-SPOOL 1 acked=([0-9]{1,16}) created=([0-9]{1,16}) group=([\x24-\x7e]{0,31})$/.exec(text);
  if (match === null) return null;
  const group = match[3] ?? '';
  return { ackedBytes: Number(match[1]), createdMs: Number(match[2]), group: group.length === 0 ? null : group };
}

export class PipeSpoolFile {
  #path: string;
  #fd: number;
  readonly createdMs: number;
  readonly group: string | null;
  #dataBytes: number;
  #ackedBytes: number;

  private constructor(path: string, fd: number, header: SpoolHeader, dataBytes: number) {
    this.#path = path;
    this.#fd = fd;
    this.createdMs = header.createdMs;
    this.group = header.group;
    this.#dataBytes = dataBytes;
    this.#ackedBytes = header.ackedBytes;
  }

  /** Creates a new, empty spool file (never replaces one). */
  static create(path: string, group: string | null, createdMs: number): PipeSpoolFile {
    const fd = openSync(path, 'wx+', 0o600);
    const header = { ackedBytes: 0, createdMs, group };
    writeSync(fd, encodeSpoolHeader(header), 0, SPOOL_HEADER_BYTES, 0);
    return new PipeSpoolFile(path, fd, header, 0);
  }

  /** Reads the header of a file left by another helper; null when it is not a spool file. */
  static readHeader(path: string): SpoolHeader | null {
    const fd = openSync(path, 'r');
    try {
      const bytes = Buffer.alloc(SPOOL_HEADER_BYTES);
      return readSync(fd, bytes, 0, SPOOL_HEADER_BYTES, 0) === SPOOL_HEADER_BYTES ? parseSpoolHeader(bytes) : null;
    } finally {
      closeSync(fd);
    }
  }

  /** Opens a claimed leftover; a torn last line (its writer died mid-append) is cut off. */
  static open(path: string): PipeSpoolFile | null {
    const header = PipeSpoolFile.readHeader(path);
    if (header === null) return null;
    const fd = openSync(path, 'r+');
    const dataBytes = lastLineEnd(fd, fstatSync(fd).size - SPOOL_HEADER_BYTES);
    ftruncateSync(fd, SPOOL_HEADER_BYTES + dataBytes);
    const acked = Math.min(header.ackedBytes, dataBytes);
    return new PipeSpoolFile(path, fd, { ...header, ackedBytes: acked }, dataBytes);
  }

  get path(): string {
    return this.#path;
  }

  /** Data bytes in the file, acknowledged prefix included. */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  get ackedBytes(): number {
    return this.#ackedBytes;
  }

  /** Data bytes not yet acknowledged. */
  get unackedBytes(): number {
    return this.#dataBytes - this.#ackedBytes;
  }

  append(bytes: Buffer): void {
    writeAll(this.#fd, bytes, SPOOL_HEADER_BYTES + this.#dataBytes);
    this.#dataBytes += bytes.length;
  }

  /** Up to `length` data bytes from `dataOffset`. */
  read(dataOffset: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(Math.min(length, this.#dataBytes - dataOffset));
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(this.#fd, bytes, done, bytes.length - done, SPOOL_HEADER_BYTES + dataOffset + done);
      if (read === 0) throw new Error(`Spool file ${this.#path} is shorter than its bookkeeping`);
      done += read;
    }
    return bytes;
  }

  /** Records that the shipper has the first `dataOffset` data bytes. */
  setAcked(dataOffset: number): void {
    if (dataOffset < this.#ackedBytes || dataOffset > this.#dataBytes) throw new RangeError(`Ack ${dataOffset} outside ${this.#ackedBytes}..${this.#dataBytes}`);
    if (dataOffset === this.#ackedBytes) return;
    this.#ackedBytes = dataOffset;
    this.#writeHeader();
  }

  /** Everything was acknowledged: the file becomes empty again. */
  reset(): void {
    ftruncateSync(this.#fd, SPOOL_HEADER_BYTES);
    this.#dataBytes = 0;
    this.#ackedBytes = 0;
    this.#writeHeader();
  }

  /** Moves the unacknowledged bytes to the front; returns how many acknowledged bytes it removed. */
  compact(): number {
    const removed = this.#ackedBytes;
    if (removed === 0) return 0;
    const tmpPath = `${this.#path}.tmp`;
    // Left by a compaction that died half way (the original is intact): start over.
    try {
      unlinkSync(tmpPath);
    } catch {
      // Usually absent.
    }
    const copy = PipeSpoolFile.create(tmpPath, this.group, this.createdMs);
    for (let offset = removed; offset < this.#dataBytes; offset += COPY_CHUNK_BYTES) copy.append(this.read(offset, COPY_CHUNK_BYTES));
    renameSync(tmpPath, this.#path);
    closeSync(this.#fd);
    this.#fd = copy.#fd;
    this.#dataBytes = copy.#dataBytes;
    this.#ackedBytes = 0;
    return removed;
  }

  rename(path: string): void {
    renameSync(this.#path, path);
    this.#path = path;
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** Closes and deletes the file. */
  remove(): void {
    closeSync(this.#fd);
    unlinkSync(this.#path);
  }

  #writeHeader(): void {
    const header = encodeSpoolHeader({ ackedBytes: this.#ackedBytes, createdMs: this.createdMs, group: this.group });
    writeSync(this.#fd, header, 0, SPOOL_HEADER_BYTES, 0);
  }
}

function writeAll(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** Length of the data up to and including its last LF (0 when there is none). */
function lastLineEnd(fd: number, dataBytes: number): number {
  const chunk = Buffer.allocUnsafe(Math.min(COPY_CHUNK_BYTES, Math.max(dataBytes, 0)));
  for (let end = dataBytes; end > 0; end -= chunk.length) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, SPOOL_HEADER_BYTES + start);
    const lf = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (lf !== -1) return start + lf + 1;
  }
  return 0;
}
