/** What happened to the processes during a run, in order, with the time since the load began. */
import type { ServiceName } from './chaos-service.ts';

export const ChaosAction = {
  KILL: 'kill -9',
  RESTART: 'restart',
  /** A process exited without being killed: a finding. */
  CRASH: 'exited on its own',
  /** A restart that did not come up within the start timeout: a finding. */
  RESTART_FAILED: 'restart failed',
} as const;
export type ChaosAction = (typeof ChaosAction)[keyof typeof ChaosAction];

export interface ChaosEvent {
  readonly atMs: number;
  readonly action: ChaosAction;
  readonly service: ServiceName;
  readonly detail?: string;
}

export function formatEvent(event: ChaosEvent): string {
  const detail = event.detail === undefined ? '' : ` (${event.detail})`;
  return `t=${(event.atMs / 1000).toFixed(1)}s ${event.action} ${event.service}${detail}`;
}

export class ChaosEventLog {
  readonly events: ChaosEvent[] = [];
  /** Wall-clock time of t=0, to line events up with the processes' logs. */
  startedAt = new Date();
  #startMs: number;
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void) {
    this.#startMs = performance.now();
    this.#write = write;
  }

  /** Times from now on count from here (the start of the load). */
  restartClock(): void {
    this.#startMs = performance.now();
    this.startedAt = new Date();
  }

  /** Time since t=0. */
  nowMs(): number {
    return performance.now() - this.#startMs;
  }

  /** Records and prints an event that happens now, or that began at `atMs`. */
  record(action: ChaosAction, service: ServiceName, detail?: string, atMs = this.nowMs()): void {
    const event: ChaosEvent = { atMs, action, service, ...(detail === undefined ? {} : { detail }) };
    this.events.push(event);
    this.#write(formatEvent(event));
  }
}
