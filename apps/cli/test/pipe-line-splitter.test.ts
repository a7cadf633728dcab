import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.ts';
import { PipeLineSplitter, type LineRun } from '../src/pipe/pipe-line-splitter.ts';

function feed(splitter: PipeLineSplitter, chunks: string[]): { text: string; lines: number } {
  const runs: LineRun[] = [];
  for (const chunk of chunks) {
    const run = splitter.push(Buffer.from(chunk, 'latin1'));
    if (run !== null) runs.push(run);
  }
  const last = splitter.end();
  if (last !== null) runs.push(last);
  return { text: runs.map((run) => run.bytes.toString('latin1')).join(''), lines: runs.reduce((sum, run) => sum + run.lines, 0) };
}

describe('pipe line splitter', () => {
  it('pipe splitter - whole lines only; a partial line waits for its LF; the last one gets an LF at end', () => {
    const splitter = new PipeLineSplitter();
    expect(splitter.push(Buffer.from('no newline yet'))).toBeNull();
    const run = splitter.push(Buffer.from(' done\nsecond\nthi'));
    expect(run?.bytes.toString()).toBe('no newline yet done\nsecond\n');
    expect(run?.lines).toBe(2);
    expect(splitter.end()?.bytes.toString()).toBe('thi\n');
    expect(splitter.end()).toBeNull();
  });

  it('pipe splitter - byte by byte gives the same lines as one chunk', () => {
    const input = 'alpha\nbeta\r\n\ngamma \xff\n';
    expect(feed(new PipeLineSplitter(), [...input])).toEqual(feed(new PipeLineSplitter(), [input]));
    expect(feed(new PipeLineSplitter(), [input])).toEqual({ text: input, lines: 4 });
  });

  it('pipe splitter - overlong lines are truncated and counted, wherever the chunks split them', () => {
    const input = `ok\n${'a'.repeat(25)}\nfine\n${'b'.repeat(12)}\n`;
    for (const size of [1, 3, 10, 11, 100]) {
      const chunks = input.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];
      const splitter = new PipeLineSplitter(10);
      expect(feed(splitter, chunks), `chunks of ${size}`).toEqual({ text: `ok\n${'a'.repeat(10)}\nfine\n${'b'.repeat(10)}\n`, lines: 4 });
      expect(splitter.truncatedLines, `chunks of ${size}`).toBe(2);
    }
  });
});

describe('ringlog pipe command line', () => {
  function io() {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr }, text: () => text };
  }

  it('pipe cli - an illegal group is a usage error (exit 2)', async () => {
    const { io: streams, text } = io();
    expect(await runCli(['pipe', '--group', 'bad#group'], streams)).toBe(2);
    expect(text()).toContain('--group must be a group name');
  });

  it('pipe cli - an unknown option is a usage error that points at pipe --help', async () => {
    const { io: streams, text } = io();
    expect(await runCli(['pipe', '--bogus'], streams)).toBe(2);
    expect(text()).toContain("Run 'ringlog pipe --help' for usage.");
  });
});
