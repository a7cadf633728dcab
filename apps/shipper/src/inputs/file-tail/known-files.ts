/**
 * Files read before but not open now, with the offset reached: loaded from the checkpoint,
 * or left behind by a file that was closed (rotated away, deleted) or truncated during this
 * run. A file that is found again (at any path) and matches one of them resumes at its offset.
 *
 * Matching, best first: the same inode with the same head hash; then a complete head hash on
 * another inode (a copy), or a short one once its own inode was seen holding other content;
 * then, for heads kept in memory from a truncation, any file whose first bytes overlap that
 * head (copytruncate's copy, even while the copy is being written).
 */
import { FINGERPRINT_HEAD_BYTES, fingerprintKey, headsOverlap, isComplete, sha256Hex, type Fingerprint } from './fingerprint.ts';

export interface KnownFile {
  readonly fingerprint: Fingerprint;
  /** The byte after the last line pushed. */
  readonly offset: number;
  /** Where it was last seen; a restart looks for a rotated file in this directory. */
  readonly path: string;
  seenAtMs: number;
  /** The head of a file truncated during this run: its copy has another inode and any size. */
  readonly copySourceHead?: Buffer;
  /** Closed after a rotation during this run: if it grows and is reopened, it is closed again once quiet. */
  readonly rotated?: boolean;
  /**
   * Its inode was seen holding other content (truncated while we were not looking, or reused):
   * a short head may then identify it on another inode, the copy copytruncate left.
   */
  inodeReused?: boolean;
}

export interface FileCandidate {
  readonly dev: string;
  readonly ino: string;
  /** First min(size, FINGERPRINT_HEAD_BYTES) bytes. */
  readonly head: Buffer;
}

export class KnownFiles {
  readonly #byKey = new Map<string, KnownFile>();

  get size(): number {
    return this.#byKey.size;
  }

  /** Adds a file; a later one with the same key replaces the earlier (it is the newer state). */
  remember(file: KnownFile): void {
    this.#byKey.set(fingerprintKey(file.fingerprint), file);
  }

  list(): KnownFile[] {
    return [...this.#byKey.values()];
  }

  hasInode(dev: string, ino: string): boolean {
    return this.findByInode(dev, ino) !== undefined;
  }

  findByInode(dev: string, ino: string): KnownFile | undefined {
    for (const file of this.#byKey.values()) if (file.fingerprint.dev === dev && file.fingerprint.ino === ino) return file;
    return undefined;
  }

  /** Removes and returns the known file `candidate` is, if any. */
  claim(candidate: FileCandidate): KnownFile | undefined {
    let best: { key: string; file: KnownFile; score: number } | undefined;
    for (const [key, file] of this.#byKey) {
      const score = matchScore(file, candidate);
      if (score > 0 && (best === undefined || score > best.score)) best = { key, file, score };
    }
    if (best === undefined) return undefined;
    this.#byKey.delete(best.key);
    return best.file;
  }

  /** A file with this inode matched none of its entries: they can only live on as copies now. */
  markInodeReused(dev: string, ino: string): void {
    for (const file of this.#byKey.values()) if (file.fingerprint.dev === dev && file.fingerprint.ino === ino) file.inodeReused = true;
  }

  /** Drops files not seen since `cutoffMs`; returns how many. */
  forgetSeenBefore(cutoffMs: number): number {
    let forgotten = 0;
    for (const [key, file] of this.#byKey) {
      if (file.seenAtMs >= cutoffMs) continue;
      this.#byKey.delete(key);
      forgotten += 1;
    }
    return forgotten;
  }

  /** Moves every "last seen" time later by `deltaMs` (the time the shipper was stopped). */
  shiftSeen(deltaMs: number): void {
    for (const file of this.#byKey.values()) file.seenAtMs += deltaMs;
  }
}

/** 0 = no match; higher = better (same inode first, then longer head). */
function matchScore(file: KnownFile, candidate: FileCandidate): number {
  const { fingerprint } = file;
  const sameInode = fingerprint.dev === candidate.dev && fingerprint.ino === candidate.ino;
  const inodeBonus = sameInode ? 4 * FINGERPRINT_HEAD_BYTES : 0;
  const hashMatches = candidate.head.length >= fingerprint.headBytes && sha256Hex(candidate.head.subarray(0, fingerprint.headBytes)) === fingerprint.headSha256;
  const reusedWithContent = file.inodeReused === true && fingerprint.headBytes > 0;
  if (hashMatches && (sameInode || isComplete(fingerprint) || reusedWithContent)) return inodeBonus + 2 * FINGERPRINT_HEAD_BYTES + fingerprint.headBytes;
  if (file.copySourceHead !== undefined && headsOverlap(candidate.head, file.copySourceHead)) return inodeBonus + 1 + fingerprint.headBytes;
  return 0;
}
