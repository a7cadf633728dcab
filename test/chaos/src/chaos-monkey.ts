/**
 * Runs the schedule against the topology: kill -9 the step's victim, wait, restart it and wait
 * until it answers, so at most one process is down at a time (one that crashed on its own is
 * restarted first). Stopping lets the current step finish: the victim always comes back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosService } from './chaos-service.ts';
import { ChaosAction, type ChaosEventLog } from './chaos-events.ts';
import type { ChaosStep } from './chaos-schedule.ts';
import type { ChaosTopology } from './chaos-topology.ts';

export class ChaosMonkey {
  readonly #topology: ChaosTopology;
  readonly #steps: Iterator<ChaosStep>;
  readonly #log: ChaosEventLog;
  readonly #stop = new AbortController();
  #running: Promise<void> | null = null;

  constructor(topology: ChaosTopology, steps: Iterator<ChaosStep>, log: ChaosEventLog) {
    this.#topology = topology;
    this.#steps = steps;
    this.#log = log;
  }

  start(): void {
    this.#running = this.#loop();
  }

  /** Ends the schedule after the step under way, with its victim restarted. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const step = this.#steps.next().value as ChaosStep;
      const paused = await sleep(step.pauseMs, true, { signal: this.#stop.signal }).catch(() => false);
      if (!paused) return;
      await restartDown(this.#topology, this.#log);
      const victim = this.#topology.service(step.victim);
      this.#log.record(ChaosAction.KILL, victim.name);
      await victim.kill();
      // Not cut short by stop(): the victim stays down as long as the schedule says.
      await sleep(step.downMs);
      await restartService(victim, this.#log);
    }
  }
}

/** Restarts every process that is down; a failed start is recorded, not thrown. */
export async function restartDown(topology: ChaosTopology, log: ChaosEventLog): Promise<void> {
  for (const service of topology.services) if (!service.running) await restartService(service, log);
}

/** Printed once it is up (or has failed), stamped with the time it was spawned. */
async function restartService(service: ChaosService, log: ChaosEventLog): Promise<void> {
  const spawnedAtMs = log.nowMs();
  try {
    await service.start();
    log.record(ChaosAction.RESTART, service.name, `up after ${((log.nowMs() - spawnedAtMs) / 1000).toFixed(1)} s`, spawnedAtMs);
  } catch (error) {
    log.record(ChaosAction.RESTART_FAILED, service.name, firstLine(error), spawnedAtMs);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
