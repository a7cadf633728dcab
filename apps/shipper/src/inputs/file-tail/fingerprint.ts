/**
 * What identifies a tailed file: not its path (rotation renames it) but its device and inode
 * plus a hash of its first bytes (its "head", up to FINGERPRINT_HEAD_BYTES).
 *
 * A head of the full FINGERPRINT_HEAD_BYTES is "complete": it is taken to identify the content
 * on its own, whatever the inode, so a copy (copytruncate's `access.log.1`) or a file moved to
 * another file system is recognised. A shorter head is too likely to repeat between files, so
 * it only identifies a file together with its device and inode.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export const FINGERPRINT_HEAD_BYTES = 1024;

export interface Fingerprint {
  /** Device and inode as decimal strings: inode numbers may exceed 2^53. */
  readonly dev: string;
  readonly ino: string;
  /** How many first bytes the hash covers (min(size, FINGERPRINT_HEAD_BYTES) when taken). */
  readonly headBytes: number;
  readonly headSha256: string;
}

export function fingerprintOf(dev: string, ino: string, head: Buffer): Fingerprint {
  return { dev, ino, headBytes: head.length, headSha256: sha256Hex(head) };
}

export function isComplete(fingerprint: Fingerprint): boolean {
  return fingerprint.headBytes >= FINGERPRINT_HEAD_BYTES;
}

/** The checkpoint key: content alone when complete, inode and content otherwise. */
export function fingerprintKey(fingerprint: Fingerprint): string {
  if (isComplete(fingerprint)) return `sha256:${fingerprint.headSha256}`;
  return `inode:${fingerprint.dev}:${fingerprint.ino}:${fingerprint.headBytes}:${fingerprint.headSha256}`;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads the first min(sizeBytes, FINGERPRINT_HEAD_BYTES) bytes (fewer if the file shrank meanwhile). */
export async function readHead(handle: FileHandle, sizeBytes: number): Promise<Buffer> {
  const head = Buffer.alloc(Math.min(sizeBytes, FINGERPRINT_HEAD_BYTES));
  let filled = 0;
  while (filled < head.length) {
    const { bytesRead } = await handle.read(head, filled, head.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return head.subarray(0, filled);
}

/**
 * True when one head is a prefix of the other over at least one byte: `candidate` may be a
 * copy of the file whose head is `reference`, taken earlier, later, or still being written.
 */
export function headsOverlap(candidate: Buffer, reference: Buffer): boolean {
  const common = Math.min(candidate.length, reference.length);
  if (common === 0) return false;
  return candidate.subarray(0, common).equals(reference.subarray(0, common));
}
