import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../src/chaos-service.ts';
import { chaosOptions, expectsByteIdentical, replayCommand } from '../src/chaos-options.ts';
import { chaosSteps, DOWN_MS, PAUSE_MS, type ChaosStep } from '../src/chaos-schedule.ts';
import { parseCliOptions } from '../src/cli-options.ts';

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

  it('chaos schedule - --victims limits the schedule to those processes, and the replay command keeps them', () => {
    const steps = chaosSteps(3, ['d1', 'shipperA']);
    const victims = new Set(Array.from({ length: 200 }, () => steps.next().value.victim));
    expect(victims).toEqual(new Set(['d1', 'shipperA']));
    const cli = parseCliOptions(['--seed', '5', '--victims', 'd1,shipperA']);
    expect(cli.victims).toEqual(['d1', 'shipperA']);
    expect(replayCommand(chaosOptions({ seed: 5, victims: cli.victims }))).toContain('--victims d1,shipperA');
    expect(replayCommand(chaosOptions({ seed: 5 }))).not.toContain('--victims');
    expect(() => parseCliOptions(['--victims', 'd1,nginx'])).toThrow(/--victims takes names among/);
  });

  it('chaos schedule - byte-identical files are required unless --allow-different-bytes, which the replay command keeps', () => {
    expect(expectsByteIdentical(chaosOptions({ seed: 1 }))).toBe(true);
    expect(expectsByteIdentical(chaosOptions({ seed: 1, victims: ['d2', 'collector1'] }))).toBe(true);
    const relaxed = parseCliOptions(['--seed', '1', '--allow-different-bytes']);
    expect(expectsByteIdentical(chaosOptions({ seed: 1, allowDifferentBytes: relaxed.allowDifferentBytes }))).toBe(false);
    expect(replayCommand(chaosOptions({ seed: 1, allowDifferentBytes: true }))).toContain('--allow-different-bytes');
  });
});
