import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@ringlog/prng';
import { afterEach, describe, expect, it } from 'vitest';
import { PipeBacklog, type PipeBacklogOptions } from '../src/pipe/pipe-backlog.ts';
import { encodeSpoolHeader, PipeSpoolFile, SPOOL_HEADER_BYTES, parseSpoolHeader } from '../src/pipe/pipe-spool-file.ts';
import { findLeftovers, spoolFileName } from '../src/pipe/pipe-spool-dir.ts';

const DEAD_PID_A = 99_000_011;
const DEAD_PID_B = 99_000_012;
const DEAD_PID_OTHERS = 99_100_000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-backlog-'));
  dirs.push(dir);
  return dir;
}

function backlog(dir: string | null, overrides: Partial<PipeBacklogOptions> = {}): { backlog: PipeBacklog; warnings: string[] } {
  const warnings: string[] = [];
  const options: PipeBacklogOptions = { spoolDir: dir, pid: DEAD_PID_A, group: 'www', bufferBytes: 64, spoolMaxBytes: 1024, now: () => 1000, warn: (_key, message) => warnings.push(message), ...overrides };
  return { backlog: new PipeBacklog(options), warnings };
}

/** Everything from the acknowledged offset to the end, read the way the sender reads. */
function readAll(subject: PipeBacklog, from = subject.ackedOffset, chunkBytes = 7): string {
  let text = '';
  for (let offset = from; offset < subject.endOffset; ) {
    const bytes = subject.read(offset, chunkBytes);
    text += bytes.toString('latin1');
    offset += bytes.length;
  }
  return text;
}

function line(index: number, random: () => number): string {
  return `l${index}:${'x'.repeat(Math.floor(random() * 40))}\n`;
}

describe('pipe backlog', () => {
  it('pipe backlog - memory first, then the spool file; reading gives the stream back in order', () => {
    const dir = spoolDir();
    const { backlog: subject } = backlog(dir);
    const lines = Array.from({ length: 20 }, (_, index) => `line ${index}\n`);
    for (const text of lines) expect(subject.append(Buffer.from(text), 1)).toBe(true);
    expect(subject.memoryBytes).toBeLessThanOrEqual(64);
    expect(subject.ownFileBytes).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([spoolFileName(DEAD_PID_A, 0)]);
    expect(readAll(subject)).toBe(lines.join(''));
  });

  it('pipe backlog - acknowledgements free the file (reset) and memory; the file is removed at exit when empty', () => {
    const dir = spoolDir();
    const { backlog: subject } = backlog(dir);
    for (let index = 0; index < 20; index++) subject.append(Buffer.from(`line ${index}\n`), 1);
    subject.acknowledge(subject.ownFileBytes);
    expect(subject.ownFileBytes).toBe(0);
    subject.acknowledge(subject.endOffset);
    expect(subject.pendingBytes).toBe(0);
    expect(subject.persist()).toEqual({ paths: [], pendingBytes: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('pipe backlog - full memory and file drop the newest lines until an ack frees room', () => {
    const { backlog: subject } = backlog(spoolDir(), { bufferBytes: 16, spoolMaxBytes: 32 });
    const accepted: string[] = [];
    for (let index = 0; index < 20; index++) {
      const text = `n${String(index).padStart(2, '0')}\n`;
      if (subject.append(Buffer.from(text), 1)) accepted.push(text);
    }
    expect(accepted).toEqual(Array.from({ length: 12 }, (_, index) => `n${String(index).padStart(2, '0')}\n`));
    expect(subject.droppedLines).toBe(8);
    // Still dropping (even a tiny line) until the shipper takes something.
    expect(subject.append(Buffer.from('\n'), 1)).toBe(false);
    // Half the file acknowledged: its front is reclaimed and new lines fit again.
    subject.acknowledge(16);
    expect(subject.append(Buffer.from('n20\n'), 1)).toBe(true);
    expect(readAll(subject)).toBe(`${accepted.slice(4).join('')}n20\n`);
  });

  it('pipe backlog - without a spool directory it holds memory only', () => {
    const { backlog: subject } = backlog(null, { bufferBytes: 10 });
    expect(subject.append(Buffer.from('12345\n'), 1)).toBe(true);
    expect(subject.append(Buffer.from('67890\n'), 1)).toBe(false);
    expect(subject.persist().paths).toEqual([]);
  });

  it('pipe backlog - a chunk bigger than the whole buffer goes straight to the file', () => {
    const { backlog: subject } = backlog(spoolDir(), { bufferBytes: 8 });
    const big = `${'y'.repeat(100)}\n`;
    expect(subject.append(Buffer.from(big), 1)).toBe(true);
    expect(subject.memoryBytes).toBe(0);
    expect(readAll(subject)).toBe(big);
  });

  it('pipe backlog - model check: random appends, reads and acks, then exit and adoption by the next helper', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = mulberry32(seed);
      const dir = spoolDir();
      const { backlog: subject } = backlog(dir, { bufferBytes: 40 + Math.floor(random() * 200), spoolMaxBytes: 200 + Math.floor(random() * 2000) });
      let model = '';
      let sent = 0;
      for (let step = 0; step < 400; step++) {
        const action = random();
        if (action > 0.985) {
          // Another helper exits and leaves a file: adopted after everything held so far.
          const { backlog: other } = backlog(dir, { pid: DEAD_PID_OTHERS + step });
          const text = line(step, random);
          other.append(Buffer.from(text, 'latin1'), 1);
          const [path] = other.persist().paths;
          if (subject.adoptLeftovers() === 1) model += text;
          else if (path !== undefined) rmSync(path);
        } else if (action < 0.55) {
          const text = line(step, random);
          if (subject.append(Buffer.from(text, 'latin1'), 1)) model += text;
        } else if (action < 0.85 && sent < subject.endOffset) {
          sent += subject.read(sent, 1 + Math.floor(random() * 50)).length;
        } else if (sent > subject.ackedOffset) {
          // Acks fall on line ends, as the shipper's do.
          const lineEnds = [...model.slice(0, sent - subject.ackedOffset)].flatMap((char, index) => (char === '\n' ? [index + 1] : []));
          const end = lineEnds[Math.floor(random() * lineEnds.length)];
          if (end !== undefined) {
            subject.acknowledge(subject.ackedOffset + end);
            model = model.slice(end);
          }
        }
        expect(subject.endOffset - subject.ackedOffset, `seed ${seed} step ${step}`).toBe(model.length);
      }
      expect(readAll(subject), `seed ${seed}`).toBe(model);
      const left = subject.persist();
      const { backlog: next } = backlog(dir, { pid: DEAD_PID_B });
      expect(next.adoptLeftovers()).toBe(left.paths.length);
      expect(left.pendingBytes).toBe(model.length);
      expect(readAll(next), `seed ${seed} after adoption`).toBe(model);
      next.persist();
    }
  });

  it('pipe backlog - compaction reclaims the acknowledged front of a full file', () => {
    const { backlog: subject } = backlog(spoolDir(), { bufferBytes: 10, spoolMaxBytes: 100 });
    const texts = Array.from({ length: 30 }, (_, index) => `c${String(index).padStart(2, '0')}\n`);
    for (const text of texts.slice(0, 25)) expect(subject.append(Buffer.from(text), 1)).toBe(true);
    subject.acknowledge(60);
    for (const text of texts.slice(25)) expect(subject.append(Buffer.from(text), 1)).toBe(true);
    expect(subject.ownFileBytes).toBeLessThanOrEqual(100);
    expect(readAll(subject)).toBe(texts.join('').slice(60));
  });
});

describe('pipe spool files', () => {
  it('pipe spool - header round trip and refusal of foreign files', () => {
    const header = { ackedBytes: 12_345, createdMs: 1_700_000_000_000, group: 'www' };
    const bytes = encodeSpoolHeader(header);
    expect(bytes.length).toBe(SPOOL_HEADER_BYTES);
    expect(parseSpoolHeader(bytes)).toEqual(header);
    expect(parseSpoolHeader(encodeSpoolHeader({ ...header, group: null }))).toEqual({ ...header, group: null });
    expect(parseSpoolHeader(Buffer.alloc(SPOOL_HEADER_BYTES, 0x20))).toBeNull();
    expect(parseSpoolHeader(Buffer.from('RINGLOG-PIPE-SPOOL 2 acked=0 created=0 group='.padEnd(127) + '\n'))).toBeNull();
  });

  it('pipe spool - a leftover with a torn last line is cut at its last LF', () => {
    const dir = spoolDir();
    const path = join(dir, spoolFileName(DEAD_PID_A, 0));
    writeFileSync(path, Buffer.concat([encodeSpoolHeader({ ackedBytes: 4, createdMs: 1, group: 'www' }), Buffer.from('old\nkept\ntorn li')]));
    const file = PipeSpoolFile.open(path);
    expect(file?.dataBytes).toBe(9);
    expect(file?.unackedBytes).toBe(5);
    expect(file?.read(4, 100).toString()).toBe('kept\n');
    file?.close();
  });

  it('pipe spool - leftovers: only dead helpers, only this group, oldest helper first, then by index', () => {
    const dir = spoolDir();
    const write = (pid: number, index: number, createdMs: number, group: string | null) =>
      writeFileSync(join(dir, spoolFileName(pid, index)), Buffer.concat([encodeSpoolHeader({ ackedBytes: 0, createdMs, group }), Buffer.from('x\n')]));
    write(DEAD_PID_B, 0, 100, 'www');
    write(DEAD_PID_A, 1, 500, 'www');
    write(DEAD_PID_A, 0, 200, 'www');
    write(DEAD_PID_A, 2, 50, 'other');
    write(process.pid, 0, 1, 'www');
    writeFileSync(join(dir, 'unrelated.spool'), 'not ours');
    writeFileSync(join(dir, `${spoolFileName(DEAD_PID_B, 3)}.tmp`), 'half a compaction');
    const found = findLeftovers(dir, 4242, 'www', false);
    expect(found.map((leftover) => [leftover.pid, leftover.index])).toEqual([
      [DEAD_PID_B, 0],
      [DEAD_PID_A, 0],
      [DEAD_PID_A, 1],
    ]);
    expect(readdirSync(dir)).not.toContain(`${spoolFileName(DEAD_PID_B, 3)}.tmp`);
    // At start, files under our own pid are an earlier process's (pid reuse).
    expect(findLeftovers(dir, process.pid, 'www', true).map((leftover) => leftover.pid)).toContain(process.pid);
    expect(findLeftovers(dir, process.pid, 'www', false).map((leftover) => leftover.pid)).not.toContain(process.pid);
  });

  it('pipe spool - a helper whose pid was reused takes over the files of its namesake', () => {
    const dir = spoolDir();
    const { backlog: first } = backlog(dir);
    first.append(Buffer.from('from the earlier process\n'), 1);
    expect(first.persist().paths).toEqual([join(dir, spoolFileName(DEAD_PID_A, 0))]);
    const { backlog: second } = backlog(dir);
    expect(second.adoptLeftovers()).toBe(1);
    second.append(Buffer.from('new\n'), 1);
    expect(readAll(second)).toBe('from the earlier process\nnew\n');
    const left = second.persist();
    expect(left.paths.map((path) => path.slice(dir.length + 1))).toEqual([spoolFileName(DEAD_PID_A, 1), spoolFileName(DEAD_PID_A, 2)]);
  });
});
