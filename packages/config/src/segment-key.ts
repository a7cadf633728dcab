/**
 * The segment key: the shared secret every daemon of a ring authenticates its packets with
 * (HMAC-SHA256). It is the file's bytes as they are, minus trailing white space, so a key made
 * with `head -c 32 /dev/urandom | base64 > segment.key` is its 44 base64 characters, not decoded.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { SegmentKeyError } from './errors.ts';
import { SEGMENT_KEY_BYTES_MIN, SEGMENT_KEY_FILE_BYTES_MAX } from './limits.ts';

/**
 * Reads the key file named by `segment.key_file`. Throws `SegmentKeyError` when the file is
 * missing, unreadable, not a regular file or bigger than SEGMENT_KEY_FILE_BYTES_MAX, or when the
 * key is empty or shorter than SEGMENT_KEY_BYTES_MIN bytes.
 */
export function loadSegmentKey(path: string): Buffer {
  const bytes = readKeyFile(path);
  const key = withoutTrailingWhiteSpace(bytes);
  bytes.fill(0); // the returned key is a copy; do not leave the secret in the read buffer
  if (key.length === 0) throw new SegmentKeyError(path, `${path}: the segment key file is empty`);
  if (key.length < SEGMENT_KEY_BYTES_MIN) {
    throw new SegmentKeyError(
      path,
      `${path}: the segment key is ${key.length} bytes; it must be at least ${SEGMENT_KEY_BYTES_MIN} (make one with: head -c 32 /dev/urandom | base64 > ${path})`,
    );
  }
  return key;
}

function readKeyFile(path: string): Buffer {
  let descriptor: number | undefined;
  try {
    // Opened before it is examined, so the checks apply to the file that is read; non-blocking,
    // so a FIFO given by mistake is refused rather than waited on.
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(descriptor);
    if (!info.isFile()) throw new SegmentKeyError(path, `${path}: the segment key file is not a regular file`);
    if (info.size > SEGMENT_KEY_FILE_BYTES_MAX) {
      throw new SegmentKeyError(path, `${path}: ${info.size} bytes is more than a segment key file may hold (${SEGMENT_KEY_FILE_BYTES_MAX})`);
    }
    const buffer = Buffer.alloc(SEGMENT_KEY_FILE_BYTES_MAX + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > SEGMENT_KEY_FILE_BYTES_MAX) {
      throw new SegmentKeyError(path, `${path}: the segment key file grew past ${SEGMENT_KEY_FILE_BYTES_MAX} bytes while it was read`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof SegmentKeyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SegmentKeyError(path, `${path}: cannot read the segment key file: ${reason}`, { cause: error });
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** A copy without trailing space, tab, newline, carriage return, vertical tab and form feed. */
function withoutTrailingWhiteSpace(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c].includes(bytes[end - 1] ?? 0)) end -= 1;
  return Buffer.from(bytes.subarray(0, end));
}
