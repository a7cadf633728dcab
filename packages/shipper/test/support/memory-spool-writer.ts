/**
 * A SpoolWriter that keeps appended batches in memory, for engine unit tests: the engine's job
 * ends at append(), and the real Spool is tested on its own (spool*.test.ts) and end to end.
 */
import type { SpoolWriter } from '../../src/shipper-engine.ts';

export interface AppendedBatch {
  readonly group: string;
  readonly lines: string[];
  readonly lineCount: number;
  readonly bytes: number;
}

export class MemorySpoolWriter implements SpoolWriter {
  readonly batches: AppendedBatch[] = [];
  pendingBytes = 0;
  /** While set, append throws it (a failing disk). */
  failWith: Error | null = null;

  append(group: string, body: Buffer, lineCount: number): unknown {
    if (this.failWith !== null) throw this.failWith;
    const text = body.toString('latin1');
    if (!text.endsWith('\n')) throw new Error('a batch body must end with LF');
    const lines = text.slice(0, -1).split('\n');
    if (lines.length !== lineCount) throw new Error(`lineCount ${lineCount} but ${lines.length} lines`);
    this.batches.push({ group, lines, lineCount, bytes: body.length });
    this.pendingBytes += body.length;
    return {};
  }

  /** Every line appended for `group`, in order. */
  linesOf(group: string): string[] {
    return this.batches.filter((b) => b.group === group).flatMap((b) => b.lines);
  }
}
