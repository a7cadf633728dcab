/**
 * The file input's checkpoint on disk: `<stateDir>/tail/<input name>.json`.
 *
 * Saving writes `<name>.json.tmp`, fsyncs it, renames it over `<name>.json` and fsyncs the
 * directory, so the file is always a whole old state or a whole new one. Loading reads the tmp
 * file first: a tmp file that decodes is a save whose rename a crash prevented, newer than the
 * main file (a torn one does not decode and is ignored). A main file that does not decode is
 * moved aside (kept for inspection) and reported as corrupt.
 */
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type DecodedCheckpoint } from './checkpoint-format.ts';
import type { KnownFile } from './known-files.ts';

export type CheckpointLoad =
  | { readonly type: 'none' }
  | { readonly type: 'loaded'; readonly files: KnownFile[]; readonly savedAtMs: number; readonly from: string }
  | { readonly type: 'corrupt'; readonly path: string; readonly error: Error; readonly movedTo: string | undefined };

export class CheckpointStore {
  readonly directory: string;
  readonly path: string;
  readonly #tmpPath: string;

  constructor(stateDir: string, inputName: string) {
    this.directory = join(stateDir, 'tail');
    // Input names are free text in the config: keep the file name to a safe alphabet.
    this.path = join(this.directory, `${inputName.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
    this.#tmpPath = `${this.path}.tmp`;
  }

  async ensureDirectory(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
  }

  async load(nowMs: number): Promise<CheckpointLoad> {
    const fromTmp = await readDecoded(this.#tmpPath);
    if (fromTmp.type === 'ok') return { type: 'loaded', ...fromTmp.checkpoint, from: this.#tmpPath };
    const fromMain = await readDecoded(this.path);
    if (fromMain.type === 'ok') return { type: 'loaded', ...fromMain.checkpoint, from: this.path };
    if (fromMain.type === 'missing') return { type: 'none' };
    const movedTo = `${this.path}.corrupt-${nowMs}`;
    try {
      await rename(this.path, movedTo);
      return { type: 'corrupt', path: this.path, error: fromMain.error, movedTo };
    } catch {
      return { type: 'corrupt', path: this.path, error: fromMain.error, movedTo: undefined };
    }
  }

  async save(files: readonly KnownFile[], nowMs: number): Promise<void> {
    const text = encodeCheckpoint(files, nowMs);
    const handle = await open(this.#tmpPath, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.#tmpPath, this.path);
    await syncDirectory(this.directory);
  }
}

type Decoded = { readonly type: 'ok'; readonly checkpoint: DecodedCheckpoint } | { readonly type: 'missing' } | { readonly type: 'bad'; readonly error: Error };

async function readDecoded(path: string): Promise<Decoded> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { type: 'missing' };
    return { type: 'bad', error: error as Error };
  }
  try {
    return { type: 'ok', checkpoint: decodeCheckpoint(text) };
  } catch (error) {
    return { type: 'bad', error: error as Error };
  }
}

/** Makes the rename durable: without it a power loss may bring the old directory entry back. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
