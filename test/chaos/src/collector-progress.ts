/**
 * How far a collector has got while the system settles: reads only what its files gained since
 * the last look (they are append-only: no rotation is configured) and counts, per line id, the
 * copies seen. The final verdict re-reads everything (verify-collector.ts); this only tells the
 * settle loop whether every accepted line has arrived and whether anything still moves.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './collector-files.ts';
import { parseLine } from './line-format.ts';

export class CollectorProgress {
  readonly #root: string;
  readonly #offsets = new Map<string, number>();
  readonly #partial = new Map<string, string>();
  readonly #seen = new Set<string>();
  #lines = 0;

  constructor(root: string) {
    this.#root = root;
  }

  /** Complete lines read so far, over all files. */
  get lines(): number {
    return this.#lines;
  }

  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /** Reads what every file gained since the last scan. */
  scan(): void {
    for (const file of listFiles(this.#root)) this.#scanFile(file);
  }

  #scanFile(file: string): void {
    const fd = openSync(path.join(this.#root, file), 'r');
    try {
      const from = this.#offsets.get(file) ?? 0;
      const size = fstatSync(fd).size;
      if (size <= from) return;
      const buffer = Buffer.allocUnsafe(size - from);
      const read = readSync(fd, buffer, 0, buffer.length, from);
      this.#offsets.set(file, from + read);
      const text = (this.#partial.get(file) ?? '') + buffer.toString('latin1', 0, read);
      const lines = text.split('\n');
      this.#partial.set(file, lines.pop() ?? '');
      for (const line of lines) this.#count(line);
    } finally {
      closeSync(fd);
    }
  }

  #count(line: string): void {
    this.#lines += 1;
    const parsed = parseLine(line);
    if (parsed !== null) this.#seen.add(parsed.id);
  }
}
