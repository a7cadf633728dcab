/**
 * The seeded fault schedule: an endless sequence of steps "wait 1-3 s, kill -9 one of the seven
 * processes, leave it down 0.3-2 s, restart it". The steps depend on the seed alone, never on
 * timing, so a seed replays the same victims in the same order with the same pauses.
 */
import { createPrng } from '@ringlog/prng';
import { SERVICE_NAMES, type ServiceName } from './chaos-service.ts';

export interface ChaosStep {
  /** Time between the previous restart and this kill. */
  readonly pauseMs: number;
  readonly victim: ServiceName;
  /** Time the victim stays down before its restart. */
  readonly downMs: number;
}

export const PAUSE_MS = { min: 1000, max: 3000 } as const;
export const DOWN_MS = { min: 300, max: 2000 } as const;

export function* chaosSteps(seed: number, victims: readonly ServiceName[] = SERVICE_NAMES): Generator<ChaosStep, never> {
  if (victims.length === 0) throw new Error('chaosSteps needs at least one victim');
  const prng = createPrng(seed);
  for (;;) {
    const pauseMs = prng.range(PAUSE_MS.min, PAUSE_MS.max);
    const victim = prng.pick(victims);
    const downMs = prng.range(DOWN_MS.min, DOWN_MS.max);
    yield { pauseMs, victim, downMs };
  }
}
