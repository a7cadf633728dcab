/** Reads a config file as text, refusing anything but a regular file of at most CONFIG_FILE_BYTES_MAX. */
import { readFile, stat } from 'node:fs/promises';
import { ConfigReadError } from './errors.ts';
import { CONFIG_FILE_BYTES_MAX } from './limits.ts';

/** Throws `ConfigReadError` when the file is missing, unreadable, not a regular file or too big. */
export async function readConfigText(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigReadError(path, `${path}: not a regular file`);
    if (info.size > CONFIG_FILE_BYTES_MAX) {
      throw new ConfigReadError(path, `${path}: ${info.size} bytes is more than a config file may hold (${CONFIG_FILE_BYTES_MAX})`);
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigReadError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigReadError(path, `${path}: cannot read the config file: ${reason}`, { cause: error });
  }
}
