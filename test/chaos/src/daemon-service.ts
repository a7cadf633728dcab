/**
 * A ringlogd of the segment as a chaos service: RingCluster (apps/daemon's test support) writes
 * the spread.conf and the key, and starts daemon `index` with them; this adds the kill, restart
 * and stop bookkeeping.
 */
import path from 'node:path';
import type { RingCluster } from '../../../apps/daemon/test/support/ring-cluster.ts';
import type { ChaosService, ServiceExit, ServiceName, StopOutcome } from './chaos-service.ts';
import { ChildIncarnations } from './child-incarnations.ts';

export class DaemonService implements ChaosService {
  readonly name: ServiceName;
  readonly #cluster: RingCluster;
  readonly #index: number;
  readonly #incarnations: ChildIncarnations;

  constructor(name: ServiceName, cluster: RingCluster, index: number, dir: string) {
    this.name = name;
    this.#cluster = cluster;
    this.#index = index;
    this.#incarnations = new ChildIncarnations(path.join(dir, `${name}.log`));
  }

  get running(): boolean {
    return this.#incarnations.running;
  }

  async start(): Promise<void> {
    if (this.#incarnations.closed) throw new Error('The chaos run was stopped: no more starts');
    try {
      await this.#cluster.start(this.#index);
    } finally {
      // Adopted even when the wait failed: the child exists and must be stopped with the rest.
      const child = this.#cluster.child(this.#index);
      if (child !== null && child !== this.#incarnations.current) this.#incarnations.adopt(child);
    }
  }

  kill(): Promise<void> {
    return this.#incarnations.kill();
  }

  stop(timeoutMs: number): Promise<StopOutcome | null> {
    return this.#incarnations.stop(timeoutMs);
  }

  close(): void {
    this.#incarnations.close();
  }

  onUnexpectedExit(listener: (exit: ServiceExit) => void): void {
    this.#incarnations.onUnexpectedExit(listener);
  }
}
