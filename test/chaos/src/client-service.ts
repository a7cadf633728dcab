/**
 * A shipper or a collector as a chaos service: the app's real entry (`node --import tsx
 * apps/<app>/src/main.ts -c <config>`) in its own process, with the same config, and so the same
 * state directory, at every start. It is up once its admin HTTP answers: both apps listen on it
 * last, after their inputs and their daemon session are set up.
 */
import path from 'node:path';
import { ChildFixture, REPO_ROOT, waitUntil } from '../../../apps/daemon/test/support/processes.ts';
import type { ChaosService, ServiceExit, ServiceName, StopOutcome } from './chaos-service.ts';
import { ChildIncarnations } from './child-incarnations.ts';

export const APP_MAIN = {
  shipper: path.join(REPO_ROOT, 'apps/shipper/src/main.ts'),
  collector: path.join(REPO_ROOT, 'apps/collector/src/main.ts'),
} as const;

export interface ClientServiceOptions {
  readonly name: ServiceName;
  readonly main: string;
  readonly configPath: string;
  readonly adminUrl: string;
  /** Where its output goes, every incarnation appended. */
  readonly logFile: string;
  /** Bound on the wait for its admin HTTP after a start. */
  readonly startTimeoutMs: number;
}

export class ClientService implements ChaosService {
  readonly name: ServiceName;
  readonly adminUrl: string;
  readonly #options: ClientServiceOptions;
  readonly #incarnations: ChildIncarnations;

  constructor(options: ClientServiceOptions) {
    this.name = options.name;
    this.adminUrl = options.adminUrl;
    this.#options = options;
    this.#incarnations = new ChildIncarnations(options.logFile);
  }

  get running(): boolean {
    return this.#incarnations.running;
  }

  async start(): Promise<void> {
    const fixture = new ChildFixture(this.#options.main, ['-c', this.#options.configPath], ['--import', 'tsx']);
    this.#incarnations.adopt(fixture);
    await waitUntil(
      async () => {
        if (!fixture.running) throw new Error(`${this.name} exited while starting:\n${fixture.describe()}`);
        return (await this.#get('/status')) !== null;
      },
      `${this.name}'s ${this.adminUrl}/status`,
      () => fixture.describe(),
      this.#options.startTimeoutMs,
    );
  }

  /** Waits until /healthz says 200: connected to its daemon (and, for a shipper, spool room). */
  async waitHealthy(timeoutMs: number): Promise<void> {
    await waitUntil(async () => (await this.#get('/healthz')) !== null, `${this.name}'s ${this.adminUrl}/healthz to answer 200`, () => this.#incarnations.current?.describe() ?? '', timeoutMs);
  }

  /** The /status document, or null when it does not answer. */
  async status(): Promise<unknown> {
    return this.#get('/status');
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

  async #get(route: string): Promise<unknown> {
    try {
      const response = await fetch(`${this.adminUrl}${route}`, { signal: AbortSignal.timeout(1000) });
      const body: unknown = await response.json();
      return response.status === 200 ? body : null;
    } catch {
      return null;
    }
  }
}
