/**
 * The checkpoint file's JSON, version 1:
 *
 *   { "version": 1, "savedAtMs": 1700000000000,
 *     "files": { "<fingerprint key>": { "dev": "2049", "ino": "1234", "headBytes": 1024,
 *                "headSha256": "…", "offset": 5678, "path": "/var/log/x.log", "seenAtMs": … } } }
 *
 * Decoding checks every field: a file that is not exactly this is corrupt, never half-used.
 */
import { FINGERPRINT_HEAD_BYTES, fingerprintKey } from './fingerprint.ts';
import type { KnownFile } from './known-files.ts';

export const CHECKPOINT_VERSION = 1;

interface EncodedFile {
  readonly dev: string;
  readonly ino: string;
  readonly headBytes: number;
  readonly headSha256: string;
  readonly offset: number;
  readonly path: string;
  readonly seenAtMs: number;
}

export function encodeCheckpoint(files: readonly KnownFile[], nowMs: number): string {
  const encoded: Record<string, EncodedFile> = {};
  for (const file of files) {
    const { dev, ino, headBytes, headSha256 } = file.fingerprint;
    const key = fingerprintKey(file.fingerprint);
    // Two open files with the same key (identical content) resume the same way: keep the first.
    if (key in encoded) continue;
    encoded[key] = { dev, ino, headBytes, headSha256, offset: file.offset, path: file.path, seenAtMs: file.seenAtMs };
  }
  return `${JSON.stringify({ version: CHECKPOINT_VERSION, savedAtMs: nowMs, files: encoded }, null, 1)}\n`;
}

export class CheckpointFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface DecodedCheckpoint {
  readonly savedAtMs: number;
  readonly files: KnownFile[];
}

/** Parses a checkpoint; throws CheckpointFormatError when anything is off. */
export function decodeCheckpoint(text: string): DecodedCheckpoint {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CheckpointFormatError(`not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new CheckpointFormatError('not a JSON object');
  if (document['version'] !== CHECKPOINT_VERSION) throw new CheckpointFormatError(`unknown version ${String(document['version'])}`);
  const { savedAtMs, files } = document;
  if (!isCount(savedAtMs)) throw new CheckpointFormatError('bad savedAtMs');
  if (!isRecord(files)) throw new CheckpointFormatError('"files" is not an object');
  return { savedAtMs, files: Object.entries(files).map(([key, value]) => decodeFile(key, value)) };
}

function decodeFile(key: string, value: unknown): KnownFile {
  if (!isRecord(value)) throw new CheckpointFormatError(`file ${key} is not an object`);
  const { dev, ino, headBytes, headSha256, offset, path, seenAtMs } = value;
  if (typeof dev !== 'string' || !/^\d+$/.test(dev)) throw new CheckpointFormatError(`file ${key}: bad dev`);
  if (typeof ino !== 'string' || !/^\d+$/.test(ino)) throw new CheckpointFormatError(`file ${key}: bad ino`);
  if (!isCount(headBytes) || headBytes > FINGERPRINT_HEAD_BYTES) throw new CheckpointFormatError(`file ${key}: bad headBytes`);
  if (typeof headSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(headSha256)) throw new CheckpointFormatError(`file ${key}: bad headSha256`);
  if (!isCount(offset)) throw new CheckpointFormatError(`file ${key}: bad offset`);
  if (typeof path !== 'string' || !path.startsWith('/')) throw new CheckpointFormatError(`file ${key}: bad path`);
  if (!isCount(seenAtMs)) throw new CheckpointFormatError(`file ${key}: bad seenAtMs`);
  const fingerprint = { dev, ino, headBytes, headSha256 };
  if (fingerprintKey(fingerprint) !== key) throw new CheckpointFormatError(`file ${key}: key does not match its fingerprint`);
  return { fingerprint, offset, path, seenAtMs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
