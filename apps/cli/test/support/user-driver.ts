import { PassThrough } from 'node:stream';
import { runUser, type UserOptions } from '../../src/index.ts';

/** Runs `ringlog user` on in-memory streams and lets a test type lines and await output. */
export class UserDriver {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly done: Promise<number>;
  output = '';

  constructor(options: UserOptions) {
    this.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('latin1');
    });
    this.done = runUser(options, { stdin: this.stdin, stdout: this.stdout, stderr: this.stderr });
  }

  type(...lines: string[]): void {
    for (const line of lines) this.stdin.write(`${line}\n`);
  }

  /** Waits until the output holds `text` `count` times. */
  async waitFor(text: string, count = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.output.split(text).length - 1 < count) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${JSON.stringify(text)} x${count}; output so far:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** The captures squeeze out blank lines and the menu; do the same, and mask group ids. */
export function normalizeTranscript(text: string): string {
  return text
    .replace(/\nUser Menu:\n-+\n[\s\S]*?\tq -- quit\n/g, '\n')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^grp id is -?\d+ -?\d+ (\d+)$/, 'grp id is P T $1'))
    .join('\n');
}
