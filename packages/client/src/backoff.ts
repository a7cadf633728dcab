/**
 * Reconnect backoff: exponential from initialDelayMs, capped at maxDelayMs, spread by
 * ±jitter so that many clients of a restarted daemon do not redial in lockstep.
 */
import { ResultCode } from '@ringlog/wire';
import { ClientErrorCode, ClientUsageError } from './errors.ts';

export interface ReconnectOptions {
  /** Delay before the first redial (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Largest delay between dials (default 5000 ms). */
  readonly maxDelayMs?: number;
  /** Fraction 0..1 of random spread around each delay (default 0.2). */
  readonly jitter?: number;
  /** Consecutive failed dials before giving up; -1 = never give up (default -1). */
  readonly attemptsMax?: number;
  /** Source of randomness in [0, 1); inject a seeded one for tests (default Math.random). */
  readonly random?: () => number;
}

export interface Backoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: number;
  readonly attemptsMax: number;
  readonly random: () => number;
}

function illegal(message: string): ClientUsageError {
  return new ClientUsageError(ClientErrorCode.ILLEGAL_OPTION, ResultCode.ILLEGAL_SESSION, message);
}

export function resolveBackoff(options: ReconnectOptions = {}): Backoff {
  const backoff: Backoff = {
    initialDelayMs: options.initialDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 5000,
    jitter: options.jitter ?? 0.2,
    attemptsMax: options.attemptsMax ?? -1,
    random: options.random ?? Math.random,
  };
  if (!(backoff.initialDelayMs >= 0)) throw illegal(`initialDelayMs must be >= 0, got ${backoff.initialDelayMs}`);
  if (!(backoff.maxDelayMs >= backoff.initialDelayMs)) throw illegal(`maxDelayMs must be >= initialDelayMs, got ${backoff.maxDelayMs}`);
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) throw illegal(`jitter must be within 0..1, got ${backoff.jitter}`);
  if (!Number.isInteger(backoff.attemptsMax) || (backoff.attemptsMax < 1 && backoff.attemptsMax !== -1)) {
    throw illegal(`attemptsMax must be -1 or a positive integer, got ${backoff.attemptsMax}`);
  }
  return backoff;
}

/** Delay before dial number `attempt` (1-based) of a run of failures. */
export function backoffDelayMs(backoff: Backoff, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** exponent);
  const spread = base * backoff.jitter * (2 * backoff.random() - 1);
  return Math.round(Math.min(backoff.maxDelayMs, Math.max(0, base + spread)));
}
