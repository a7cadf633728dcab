/**
 * Opens one output file: makes its directory safely under the root, then opens a plain append
 * file or a rotating one.
 */
import { dirname } from 'node:path';
import { openAppendFile } from './append-file.ts';
import { openRotatingFile } from './rotating-file.ts';
import { ensureDirectoryUnder, type SafeDirectories } from './safe-directory.ts';
import type { FileOpenOptions, LogFile } from './types.ts';

export interface OpenLogFileHooks {
  /** Called with the absolute name of each file rotated away (rotating files only). */
  readonly onRotated?: (rotatedTo: string) => void;
  /** Cache of verified directories; without it every open verifies the whole chain. */
  readonly directories?: SafeDirectories;
}

/** The signature the file cache opens files with (injectable for tests). */
export type OpenLogFile = (options: FileOpenOptions, hooks?: OpenLogFileHooks) => Promise<LogFile>;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Ensures the directory of `options.path` under `options.root`, then opens the file. */
export async function openLogFile(options: FileOpenOptions, hooks: OpenLogFileHooks = {}): Promise<LogFile> {
  const dir = dirname(options.path);
  const directories = hooks.directories;
  const ensure = (): Promise<void> =>
    directories === undefined ? ensureDirectoryUnder(options.root, dir, options.dirMode) : directories.ensure(options.root, dir, options.dirMode);
  await ensure();
  try {
    return await openFile(options, hooks);
  } catch (error) {
    // A cached directory may have been removed since it was verified: verify again, once.
    if (directories === undefined || errorCode(error) !== 'ENOENT') throw error;
    directories.forget(dir);
    await ensure();
    return await openFile(options, hooks);
  }
}

function openFile(options: FileOpenOptions, hooks: OpenLogFileHooks): Promise<LogFile> {
  if (options.rotate === undefined) return openAppendFile(options.path, options.fileMode);
  return openRotatingFile(options.path, options.fileMode, options.rotate, hooks.onRotated === undefined ? {} : { onRotated: hooks.onRotated });
}
