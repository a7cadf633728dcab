/** Small helpers shared by the shipper benchmark's parts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Median of numbers (the lower middle for an even count, so it is always a measured value). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** Runs `body` in a fresh temporary directory, removed afterwards. */
export async function inWorkDir<T>(label: string, body: (workDir: string) => Promise<T>): Promise<T> {
  const workDir = mkdtempSync(join(tmpdir(), `ringlog-bench-shipper-${label}-`));
  try {
    return await body(workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs` with
 * `describe()` (which may be async, e.g. a /status fetch).
 */
export async function pollUntil(check: () => Promise<boolean>, what: string, timeoutMs: number, describe: () => Promise<string> | string, intervalMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${await describe()}`);
    await sleep(intervalMs);
  }
}

/** A run that failed becomes a row saying so instead of ending the benchmark. */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `FAILED: ${text.split('\n')[0]}`;
}

/** Processes a run started, stopped in reverse order however the run ends. */
export class Stoppers {
  readonly #stops: (() => Promise<void>)[] = [];

  /** Remembers `process` and returns it. */
  add<T extends { stop(): Promise<void> }>(process: T): T {
    this.#stops.push(() => process.stop());
    return process;
  }

  async stopAll(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}
