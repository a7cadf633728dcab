import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../src/chaos-service.ts';
import { chaosSteps, DOWN_MS, PAUSE_MS, type ChaosStep } from '../src/chaos-schedule.ts';

function firstSteps(seed: number, count: number): ChaosStep[] {
  const steps = chaosSteps(seed);
  return Array.from({ length: count }, () => steps.next().value);
}

describe('chaos schedule', () => {
  it('chaos schedule - a seed always gives the same steps, another seed others', () => {
    expect(firstSteps(7, 50)).toEqual(firstSteps(7, 50));
    expect(firstSteps(8, 50)).not.toEqual(firstSteps(7, 50));
  });

  it('chaos schedule - pauses and downtimes stay in their ranges, and every process is a victim', () => {
    const steps = firstSteps(1, 500);
    for (const step of steps) {
      expect(step.pauseMs).toBeGreaterThanOrEqual(PAUSE_MS.min);
      expect(step.pauseMs).toBeLessThanOrEqual(PAUSE_MS.max);
      expect(step.downMs).toBeGreaterThanOrEqual(DOWN_MS.min);
      expect(step.downMs).toBeLessThanOrEqual(DOWN_MS.max);
    }
    expect(new Set(steps.map((step) => step.victim))).toEqual(new Set(SERVICE_NAMES));
  });
});
