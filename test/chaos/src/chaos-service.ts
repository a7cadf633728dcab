/**
 * One process of the chaos topology as the schedule sees it: started, killed with SIGKILL,
 * restarted with the same config and state, and stopped with SIGTERM at the end. A process that
 * exits without being told to is reported through `onUnexpectedExit`: a crash is a finding.
 */

export const SERVICE_NAMES = ['d1', 'd2', 'd3', 'shipperA', 'shipperB', 'collector1', 'collector2'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StopOutcome {
  readonly exit: ServiceExit;
  /** It overstayed the SIGTERM deadline and was killed. */
  readonly killed: boolean;
}

export interface ChaosService {
  readonly name: ServiceName;
  readonly running: boolean;
  /** Spawns it and waits until it answers (accepts clients, or its admin HTTP answers). */
  start(): Promise<void>;
  /** kill -9, as in a crash; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; null when it was not running. */
  stop(timeoutMs: number): Promise<StopOutcome | null>;
  /**
   * SIGKILL at once, without waiting, and refuse every later start: the run is being abandoned
   * (interrupted, timed out) or the harness itself is exiting.
   */
  close(): void;
  onUnexpectedExit(listener: (exit: ServiceExit) => void): void;
}

export function describeExit(exit: ServiceExit): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}
