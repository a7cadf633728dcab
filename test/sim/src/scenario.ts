/**
 * A run's parameters and fault schedule, all drawn from one seed: the same seed is the same
 * run. Faults come during the chaos phase; then the network heals, crashed daemons restart,
 * and the run checks that one ring forms and every message gets where it must.
 */
import { mulberry32, randomInt, type Random } from '@ringlog/prng';
import { RING_TIMEOUTS_DEFAULT_MS, type RingTimeoutsMs } from '@ringlog/ring';

export type Fault =
  | { readonly kind: 'partition'; readonly components: readonly number[] }
  | { readonly kind: 'heal' }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'lossy'; readonly lossRate: number };

export interface Scenario {
  readonly seed: number;
  readonly daemons: number;
  readonly timeouts: RingTimeoutsMs;
  readonly packetBytes: number;
  readonly personalWindowPackets: number;
  readonly globalWindowPackets: number;
  readonly idleTokenHoldMs: number;
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
  /** Faults happen before this; then everything heals. */
  readonly chaosMs: number;
  readonly faults: readonly { readonly atMs: number; readonly fault: Fault }[];
  /** Messages per second, all daemons together, while the workload runs. */
  readonly messagesPerSecond: number;
  /** Clients stop submitting at this time (after the heal, so messages also flow in the healed ring). */
  readonly workloadEndMs: number;
  /** The healed network must have formed one ring of all daemons within this. */
  readonly livenessBoundMs: number;
  /** The run ends here. */
  readonly endMs: number;
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[randomInt(random, values.length)]!;
}

export function scenarioFromSeed(seed: number): Scenario {
  const random = mulberry32(seed);
  const daemons = 3 + randomInt(random, 7);
  const chaosMs = 1500 + randomInt(random, 4500);
  const faults: { atMs: number; fault: Fault }[] = [];
  const crashed = new Set<number>();
  for (let at = 200 + randomInt(random, 800); at < chaosMs; at += 200 + randomInt(random, 1300)) {
    faults.push({ atMs: at, fault: drawFault(random, daemons, crashed) });
  }
  const livenessBoundMs = 8000;
  return {
    seed,
    daemons,
    timeouts: RING_TIMEOUTS_DEFAULT_MS,
    packetBytes: pick(random, [256, 512, 1400]),
    personalWindowPackets: pick(random, [2, 8, 64]),
    globalWindowPackets: pick(random, [16, 128, 1024]),
    idleTokenHoldMs: pick(random, [2, 5, 20]),
    lossRate: pick(random, [0, 0, 0.01, 0.05, 0.15]),
    duplicateRate: pick(random, [0, 0.01, 0.05]),
    delayMinMs: 0.05,
    delayMaxMs: pick(random, [0.2, 1, 4]),
    chaosMs,
    faults,
    messagesPerSecond: pick(random, [30, 200, 1000]),
    workloadEndMs: chaosMs + 1000,
    livenessBoundMs,
    endMs: chaosMs + livenessBoundMs + 3000,
  };
}

function drawFault(random: Random, daemons: number, crashed: Set<number>): Fault {
  const roll = random();
  if (roll < 0.3) {
    const parts = 2 + randomInt(random, 2);
    return { kind: 'partition', components: Array.from({ length: daemons }, () => randomInt(random, parts)) };
  }
  if (roll < 0.5) return { kind: 'heal' };
  if (roll < 0.7 && crashed.size < daemons - 1) {
    const alive = [...Array(daemons).keys()].filter((node) => !crashed.has(node));
    const node = pick(random, alive);
    crashed.add(node);
    return { kind: 'crash', node };
  }
  if (roll < 0.9 && crashed.size > 0) {
    const node = pick(random, [...crashed]);
    crashed.delete(node);
    return { kind: 'restart', node };
  }
  return { kind: 'lossy', lossRate: pick(random, [0, 0.02, 0.1, 0.3]) };
}
