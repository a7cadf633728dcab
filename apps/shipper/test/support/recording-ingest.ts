/**
 * A LineIngest for input unit tests: it records what inputs push, per destination group, and
 * can be told to ask for a pause, to check an input's backpressure. The engine's own behaviour
 * (batching, spool, upstream) is tested in packages/shipper and end to end in apps/shipper.
 */
import { InputStats, blockLines, type InputHandle, type InputRoute, type LineIngest, type PushOutcome } from '@ringlog/shipper';

export class RecordingIngest implements LineIngest {
  /** Group → lines in push order, decoded as latin1 so any byte survives the round trip. */
  readonly lines = new Map<string, string[]>();
  readonly inputs = new Map<string, InputHandle>();
  flushes = 0;
  /** pushBlock calls (the stream inputs' fast path). */
  blocks = 0;
  #paused = false;
  #wakers: (() => void)[] = [];
  /** When set, lines pushed are dropped and counted, as a full spool under drop_newest does. */
  dropAll = false;

  registerInput(name: string, type: string, route: InputRoute): InputHandle {
    if (this.inputs.has(name)) throw new Error(`input ${name} registered twice`);
    const handle: InputHandle = { name, type, route, stats: new InputStats() };
    this.inputs.set(name, handle);
    return handle;
  }

  push(input: InputHandle, lines: readonly Buffer[], route?: InputRoute): PushOutcome {
    const group = (route ?? input.route).group;
    if (this.dropAll) {
      input.stats.drops.spool_full += lines.length;
      return { dropped: lines.length, paused: this.#paused };
    }
    let list = this.lines.get(group);
    if (list === undefined) this.lines.set(group, (list = []));
    for (const line of lines) {
      if (line.length === 0) continue;
      if (line.includes(0x0a)) throw new Error(`input ${input.name} pushed a line with LF inside`);
      list.push(line.toString('latin1'));
      input.stats.lines += 1;
      input.stats.bytes += line.length;
    }
    return { dropped: 0, paused: this.#paused };
  }

  pushBlock(input: InputHandle, block: Buffer, lineCount: number): PushOutcome {
    const lines = blockLines(block);
    if (lines.length !== lineCount) throw new Error(`input ${input.name} pushed a block of ${lines.length} lines as ${lineCount}`);
    for (const line of lines) {
      if (line.length === 0 || line[line.length - 1] === 0x0d) throw new Error(`input ${input.name} pushed a block with an empty or CR-terminated line`);
    }
    this.blocks += 1;
    return this.push(input, lines);
  }

  whenWritable(): Promise<void> {
    if (!this.#paused) return Promise.resolve();
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  flushToSpool(): void {
    this.flushes += 1;
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (!paused) for (const wake of this.#wakers.splice(0)) wake();
  }

  /** Every line pushed to `group`, as text. */
  of(group: string): string[] {
    return this.lines.get(group) ?? [];
  }

  get total(): number {
    let count = 0;
    for (const list of this.lines.values()) count += list.length;
    return count;
  }
}
