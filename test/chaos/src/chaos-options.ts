/** The settings of one chaos run; the CLI and the CI test set the first few, the rest are defaults. */
import { SERVICE_NAMES, type ServiceName } from './chaos-service.ts';

export interface ChaosOptions {
  readonly seed: number;
  /** How long the load and the chaos run. */
  readonly durationS: number;
  /** Lines per second over all writers. */
  readonly rateLinesPerSec: number;
  /** false: the load alone, no kills; every accepted line must then arrive (the harness's self-check). */
  readonly chaos: boolean;
  /** The processes the schedule picks from (default all seven). */
  readonly victims: readonly ServiceName[];
  /** Pass with the same lines even when the collectors' bytes differ. */
  readonly allowDifferentBytes: boolean;
  /** Keep the run's directory even when it passes. */
  readonly keep: boolean;
  readonly writersPerShipper: number;
  readonly linesPerRequest: number;
  readonly requestTimeoutMs: number;
  readonly failurePauseMs: number;
  /** Settling ends once the collectors' files have not changed for this long… */
  readonly settleStallTimeoutMs: number;
  /** …or after this long in all. */
  readonly settleMaxMs: number;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  /** Where progress lines and the report go. */
  readonly write: (line: string) => void;
  /** Abandons the run: every process is killed at once and runChaos throws. */
  readonly signal?: AbortSignal | undefined;
}

export const DEFAULT_CHAOS_OPTIONS: Omit<ChaosOptions, 'seed'> = {
  durationS: 120,
  rateLinesPerSec: 1000,
  chaos: true,
  victims: SERVICE_NAMES,
  allowDifferentBytes: false,
  keep: false,
  writersPerShipper: 4,
  linesPerRequest: 20,
  requestTimeoutMs: 10_000,
  failurePauseMs: 200,
  settleStallTimeoutMs: 60_000,
  settleMaxMs: 300_000,
  // Generous: two shared cores, tsx compiling at every start, and up to seven processes at once.
  startTimeoutMs: 30_000,
  stopTimeoutMs: 10_000,
  write: (line) => console.log(line),
};

export function chaosOptions(overrides: Partial<ChaosOptions> & Pick<ChaosOptions, 'seed'>): ChaosOptions {
  return { ...DEFAULT_CHAOS_OPTIONS, ...overrides };
}

/** The one command that replays a run. */
export function replayCommand(options: ChaosOptions): string {
  const victims = options.victims.length === SERVICE_NAMES.length ? '' : ` --victims ${options.victims.join(',')}`;
  const bytes = options.allowDifferentBytes ? ' --allow-different-bytes' : '';
  return `pnpm test:chaos --seed ${options.seed} --duration-s ${options.durationS} --rate ${options.rateLinesPerSec}${options.chaos ? victims : ' --no-chaos'}${bytes}`;
}

/**
 * Whether the collectors must end byte-identical: always, now that a collector back from an
 * outage follows its peer's order (catch-up, docs/delivery.md). `--allow-different-bytes` relaxes
 * it to "the same lines", to look at a catch-up problem without the verdict stopping at it.
 */
export function expectsByteIdentical(options: ChaosOptions): boolean {
  return !options.allowDifferentBytes;
}
