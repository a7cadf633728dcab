/**
 * chokidar over the base directories of the path patterns. chokidar 4+ has no globs, so each
 * pattern's static base directory is watched (as deep as the pattern reaches) and every event
 * path is filtered with the pattern's matcher.
 *
 * A base directory that does not exist yet is not watched (watching its nearest existing parent
 * could mean crawling `/`): refresh(), called at start and on every rescan, starts watching it
 * once it appears, and stops when it is removed so that it can be watched again if re-created.
 * Events only say "look at this path": the tailer stats it, so chokidar merging a rename and a
 * re-create into one `change` (its `atomic` option) is harmless.
 */
import { stat } from 'node:fs/promises';
import { FSWatcher } from 'chokidar';
import type { PathPattern } from './path-pattern.ts';

/** How long start() waits for chokidar's first scan of a directory before going on without it. */
const WATCH_READY_TIMEOUT_MS = 10_000;

export interface PatternWatcherListener {
  /** A path matching a pattern was added, changed or removed. */
  onPath(path: string): void;
  onError(error: Error): void;
}

export class PatternWatcher {
  readonly #patterns: readonly PathPattern[];
  readonly #listener: PatternWatcherListener;
  readonly #watchers = new Map<PathPattern, FSWatcher>();
  #closed = false;

  constructor(patterns: readonly PathPattern[], listener: PatternWatcherListener) {
    this.#patterns = patterns;
    this.#listener = listener;
  }

  /** Base directories watched now. */
  get watchedDirectories(): string[] {
    return [...this.#watchers.keys()].map((pattern) => pattern.baseDirectory);
  }

  /** Starts watching every pattern whose base directory exists and is not watched yet. */
  async refresh(): Promise<void> {
    await Promise.all(this.#patterns.map((pattern) => this.#watch(pattern)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const watchers = [...this.#watchers.values()];
    this.#watchers.clear();
    await Promise.all(watchers.map((watcher) => watcher.close()));
  }

  readonly #onPath = (path: string): void => {
    if (this.#patterns.some((pattern) => pattern.matches(path))) this.#listener.onPath(path);
  };

  readonly #onError = (error: unknown): void => {
    this.#listener.onError(error instanceof Error ? error : new Error(String(error)));
  };

  async #watch(pattern: PathPattern): Promise<void> {
    if (this.#closed || this.#watchers.has(pattern)) return;
    if (!(await isDirectory(pattern.baseDirectory)) || this.#closed || this.#watchers.has(pattern)) return;
    const watcher = new FSWatcher({ ignoreInitial: true, persistent: true, depth: pattern.depth });
    this.#watchers.set(pattern, watcher);
    watcher.on('add', this.#onPath).on('change', this.#onPath).on('unlink', this.#onPath).on('error', this.#onError);
    watcher.on('unlinkDir', (directory) => {
      if (directory === pattern.baseDirectory) this.#unwatch(pattern, watcher);
    });
    const ready = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WATCH_READY_TIMEOUT_MS);
      watcher.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    watcher.add(pattern.baseDirectory);
    await ready;
  }

  #unwatch(pattern: PathPattern, watcher: FSWatcher): void {
    if (this.#watchers.get(pattern) !== watcher) return;
    this.#watchers.delete(pattern);
    watcher.close().catch(this.#onError);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
