import { checkAgreedOrder, checkFifo, checkFinalRing, checkSelfDelivery, checkVirtualSynchrony } from './checkers.ts';
import { scenarioFromSeed } from './scenario.ts';
import { SimWorld } from './sim-world.ts';

/** Past the scenario's end, how long a backlog may take to drain. */
const QUIESCE_MAX_MS = 60_000;

export interface SeedResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly daemons: number;
  readonly events: number;
  readonly messages: number;
  readonly deliveries: number;
  readonly configurations: number;
  /** Virtual time from the heal to one ring of all daemons; null if it never formed. */
  readonly healToRingMs: number | null;
  readonly virtualMs: number;
}

/** Runs one seed's scenario and every checker. Deterministic: the same seed, the same result. */
export function runSeed(seed: number): SeedResult {
  const scenario = scenarioFromSeed(seed);
  const world = new SimWorld(scenario);
  const recorder = world.recorder;
  let healToRingMs: number | null = null;
  try {
    world.runUntil(scenario.chaosMs);
    const track = (): void => {
      if (healToRingMs === null && world.oneRing() !== null) healToRingMs = world.nowMs - scenario.chaosMs;
    };
    // Run until one ring has formed, the workload has ended and every backlog has drained; an
    // overloaded scenario gets up to QUIESCE_MAX_MS past its end to drain.
    const deadline = scenario.endMs + QUIESCE_MAX_MS;
    while (world.nowMs < deadline) {
      world.runUntil(world.nowMs + 250, track);
      const settled = healToRingMs !== null && world.nowMs >= scenario.workloadEndMs + 500 && world.slots.every((slot) => (slot.node?.pendingMessages ?? 0) === 0);
      if (settled || (healToRingMs === null && world.nowMs > scenario.chaosMs + scenario.livenessBoundMs)) break;
    }
    // A little more, so the last messages reach everyone and a broken ring would show.
    world.runUntil(world.nowMs + 1000);
  } catch (error) {
    recorder.violation(`run aborted: ${(error as Error).message}`);
  }
  const finalRing = world.oneRing();
  if (healToRingMs === null || finalRing === null) {
    recorder.violation(`liveness: no single ring of all ${scenario.daemons} daemons by t=${world.nowMs}ms (${healToRingMs === null ? 'never formed' : 'formed, then broke'})`);
  } else if (healToRingMs > scenario.livenessBoundMs) {
    recorder.violation(`liveness: one ring formed ${healToRingMs}ms after the heal (bound ${scenario.livenessBoundMs}ms)`);
  }
  const liveKeys = world.slots.map((slot, index) => (slot.node === null ? null : world.keyOf(index))).filter((key): key is string => key !== null);
  for (const slot of world.slots) {
    if (slot.node !== null && slot.node.pendingMessages > 0) recorder.violation(`${slot.name} still has ${slot.node.pendingMessages} unsent messages at the end`);
  }
  checkAgreedOrder(recorder);
  checkVirtualSynchrony(recorder);
  checkFifo(recorder);
  checkSelfDelivery(recorder, new Set(liveKeys));
  if (finalRing !== null) checkFinalRing(recorder, liveKeys, `R:${finalRing}`);
  let deliveries = 0;
  for (const record of recorder.incarnations.values()) deliveries += record.deliveries.length;
  return {
    seed,
    ok: recorder.violations.length === 0,
    violations: recorder.violations,
    daemons: scenario.daemons,
    events: world.events,
    messages: recorder.sent.size,
    deliveries,
    configurations: new Set([...recorder.incarnations.values()].flatMap((record) => record.deliveries.map((d) => d.config))).size,
    healToRingMs,
    virtualMs: world.nowMs,
  };
}

export function replayCommand(seed: number): string {
  return `pnpm sim --seed ${seed} --verbose`;
}
