/**
 * Where a file found at the very first start (no checkpoint yet) begins: `beginning` = 0;
 * `end` = after its last complete line, so a line being written at that moment is shipped whole
 * rather than from its middle.
 */
import type { FileHandle } from 'node:fs/promises';
import type { FileStartPosition } from '@ringlog/config';

export async function startOffset(handle: FileHandle, sizeBytes: number, startAt: FileStartPosition, windowBytes: number): Promise<number> {
  if (startAt === 'beginning' || sizeBytes === 0) return 0;
  const windowStart = Math.max(0, sizeBytes - windowBytes);
  const window = Buffer.alloc(sizeBytes - windowStart);
  const { bytesRead } = await handle.read(window, 0, window.length, windowStart);
  const lastLineFeed = window.subarray(0, bytesRead).lastIndexOf(0x0a);
  if (lastLineFeed >= 0) return windowStart + lastLineFeed + 1;
  // No line end in the window: the whole file is one line being written (ship it once ended),
  // or its last line is longer than a line may be (start at the end; its tail is cut anyway).
  return windowStart === 0 ? 0 : sizeBytes;
}
