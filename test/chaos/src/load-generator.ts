/**
 * The load: `writersPerShipper` writers on each shipper, together sending `rateLinesPerSec` lines
 * per second in requests of `linesPerRequest` lines. Writer ids are the shipper's letter and an
 * index (a0, a1, …, b0, …), and each writer draws its vhosts from its own generator seeded from
 * the run's seed, so a seed always yields the same lines.
 */
import { caseSeedFrom, createPrng } from '@ringlog/prng';
import { LineLedger } from './line-ledger.ts';
import { LoadWriter } from './load-writer.ts';

export interface LoadTarget {
  /** One letter naming the shipper in writer ids: a, b. */
  readonly letter: string;
  readonly ingestUrl: string;
}

export interface LoadOptions {
  readonly seed: number;
  readonly targets: readonly LoadTarget[];
  readonly rateLinesPerSec: number;
  readonly writersPerShipper: number;
  readonly linesPerRequest: number;
  readonly requestTimeoutMs: number;
  readonly failurePauseMs: number;
}

export interface LoadTotals {
  readonly requests: number;
  readonly acceptedRequests: number;
  readonly failures: Readonly<Record<string, number>>;
}

/** Offset of the writers' seeds from the run's seed, so they differ from the chaos schedule's. */
const WRITER_SEED_CASE_BASE = 1000;

export class LoadGenerator {
  readonly ledger = new LineLedger();
  readonly #writers: LoadWriter[];
  #running: Promise<void> | null = null;

  constructor(options: LoadOptions) {
    const writerCount = options.targets.length * options.writersPerShipper;
    const requestIntervalMs = (1000 * options.linesPerRequest * writerCount) / options.rateLinesPerSec;
    this.#writers = options.targets.flatMap((target, targetIndex) =>
      Array.from({ length: options.writersPerShipper }, (_, index) => {
        const writerIndex = targetIndex * options.writersPerShipper + index;
        return new LoadWriter({
          writerId: `${target.letter}${index}`,
          url: target.ingestUrl,
          linesPerRequest: options.linesPerRequest,
          requestIntervalMs,
          requestTimeoutMs: options.requestTimeoutMs,
          failurePauseMs: options.failurePauseMs,
          prng: createPrng(caseSeedFrom(options.seed, WRITER_SEED_CASE_BASE + writerIndex)),
          ledger: this.ledger,
        });
      }),
    );
  }

  start(): void {
    if (this.#running !== null) throw new Error('Bug: the load started twice');
    this.#running = Promise.all(this.#writers.map((writer) => writer.run())).then(() => undefined);
  }

  /** Stops every writer and waits for the requests in flight, so every line has its fate. */
  async stop(): Promise<void> {
    for (const writer of this.#writers) writer.stop();
    await this.#running;
  }

  totals(): LoadTotals {
    const failures: Record<string, number> = {};
    let requests = 0;
    let acceptedRequests = 0;
    for (const { stats } of this.#writers) {
      requests += stats.requests;
      acceptedRequests += stats.acceptedRequests;
      for (const [reason, count] of Object.entries(stats.failures)) failures[reason] = (failures[reason] ?? 0) + count;
    }
    return { requests, acceptedRequests, failures };
  }
}
