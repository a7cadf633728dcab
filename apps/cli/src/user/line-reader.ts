/**
 * Lines from standard input, one at a time, for a terminal or a pipe alike. readline reads
 * a pipe ahead; the lines wait here until the command loop asks for them.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';

export class LineReader {
  readonly #interface: Interface;
  readonly #lines: string[] = [];
  #waiter: ((line: string | null) => void) | null = null;
  #ended = false;

  constructor(input: Readable) {
    this.#interface = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    this.#interface.on('line', (line) => {
      const waiter = this.#waiter;
      this.#waiter = null;
      if (waiter !== null) waiter(line);
      else this.#lines.push(line);
    });
    this.#interface.on('close', () => {
      this.#ended = true;
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter?.(null);
    });
  }

  /** The next line without its newline, or null at end of input (spuser's fgets == NULL). */
  next(): Promise<string | null> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  close(): void {
    this.#interface.close();
  }
}
