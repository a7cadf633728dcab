/**
 * One writer: POSTs batches of its lines to a shipper's HTTP input at a steady pace, one request
 * at a time, as an application server would. A 200 makes the batch accepted; anything else
 * (refused, reset, timeout, a non-200 status) makes it uncertain, and the writer does not retry
 * it: it pauses a little and goes on with new lines, so each line is sent at most once and the
 * check can tell "lost" from "never accepted".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Prng } from '@ringlog/prng';
import { formatLine, lineId, VHOSTS } from './line-format.ts';
import { LineFate, type LineLedger } from './line-ledger.ts';

export interface LoadWriterOptions {
  readonly writerId: string;
  /** The shipper's ingest URL, e.g. http://127.0.0.1:PORT/ingest/www. */
  readonly url: string;
  readonly linesPerRequest: number;
  readonly requestIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** Pause after a failed request, so a dead shipper is not hammered. */
  readonly failurePauseMs: number;
  /** Picks each line's vhost; one generator per writer, so its lines do not depend on timing. */
  readonly prng: Prng;
  readonly ledger: LineLedger;
}

export interface LoadWriterStats {
  requests: number;
  acceptedRequests: number;
  /** Failed requests by reason: refused, reset, timeout, status-503, … */
  readonly failures: Record<string, number>;
}

export class LoadWriter {
  readonly stats: LoadWriterStats = { requests: 0, acceptedRequests: 0, failures: {} };
  readonly #options: LoadWriterOptions;
  #nextSeq = 0;
  #stopped = false;

  constructor(options: LoadWriterOptions) {
    this.#options = options;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Writes until stop(); resolves once the request in flight has settled. */
  async run(): Promise<void> {
    let nextAtMs = performance.now();
    while (!this.#stopped) {
      const accepted = await this.#sendBatch();
      if (!accepted) await sleep(this.#options.failurePauseMs);
      nextAtMs += this.#options.requestIntervalMs;
      const nowMs = performance.now();
      // Behind schedule (a slow or failed request): start afresh rather than burst to catch up.
      if (nowMs > nextAtMs + this.#options.requestIntervalMs) nextAtMs = nowMs;
      if (nextAtMs > nowMs) await sleep(nextAtMs - nowMs);
    }
  }

  async #sendBatch(): Promise<boolean> {
    const { ledger } = this.#options;
    const ids: string[] = [];
    const texts: string[] = [];
    for (let index = 0; index < this.#options.linesPerRequest; index += 1) {
      const id = lineId(this.#options.writerId, this.#nextSeq);
      this.#nextSeq += 1;
      const vhost = this.#options.prng.pick(VHOSTS);
      const text = formatLine(vhost, id);
      ledger.add(id, vhost, text);
      ids.push(id);
      texts.push(text);
    }
    this.stats.requests += 1;
    const failure = await this.#post(`${texts.join('\n')}\n`);
    if (failure === null) {
      this.stats.acceptedRequests += 1;
      ledger.settle(ids, LineFate.ACCEPTED);
      return true;
    }
    this.stats.failures[failure] = (this.stats.failures[failure] ?? 0) + 1;
    ledger.settle(ids, LineFate.UNCERTAIN);
    return false;
  }

  /** Null on a 200 with its body read, else the reason it failed. */
  async #post(body: string): Promise<string | null> {
    try {
      const response = await fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs),
      });
      // Read the whole answer: a 200 whose body is cut off is not a clean acceptance.
      await response.arrayBuffer();
      return response.status === 200 ? null : `status-${response.status}`;
    } catch (error) {
      return failureReason(error);
    }
  }
}

function failureReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const code = ((error as { cause?: { code?: unknown } }).cause?.code ?? '') as string;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  return code === '' ? 'other' : code.toLowerCase();
}
