/**
 * The bookkeeping every chaos service shares: the current child process, its incarnation number,
 * its output log, whether its next exit is one we caused, and the bounded SIGTERM stop.
 */
import type { ChildFixture } from '../../../apps/daemon/test/support/processes.ts';
import type { ServiceExit, StopOutcome } from './chaos-service.ts';
import { appendIncarnationLog } from './service-log.ts';

export class ChildIncarnations {
  readonly #logFile: string;
  readonly #listeners: ((exit: ServiceExit) => void)[] = [];
  #fixture: ChildFixture | null = null;
  #incarnation = 0;
  #exitExpected = false;
  #closed = false;

  constructor(logFile: string) {
    this.#logFile = logFile;
  }

  get current(): ChildFixture | null {
    return this.#fixture;
  }

  get running(): boolean {
    return this.#fixture?.running ?? false;
  }

  onUnexpectedExit(listener: (exit: ServiceExit) => void): void {
    this.#listeners.push(listener);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes a freshly spawned child as the current incarnation; after close(), kills it and throws. */
  adopt(fixture: ChildFixture): void {
    if (this.#closed) {
      fixture.child.kill('SIGKILL');
      throw new Error('The chaos run was stopped: no more starts');
    }
    this.#fixture = fixture;
    this.#incarnation += 1;
    this.#exitExpected = false;
    const incarnation = this.#incarnation;
    void fixture.exited.then((exit) => {
      if (this.#fixture !== fixture || this.#exitExpected) return;
      appendIncarnationLog(this.#logFile, incarnation, fixture, `itself (${JSON.stringify(exit)})`);
      for (const listener of this.#listeners) listener(exit);
    });
  }

  /** Marks the coming exit as ours, runs `end` (which makes the child exit), and logs its output. */
  async expectExit<T>(why: string, end: (fixture: ChildFixture) => Promise<T>): Promise<T | null> {
    const fixture = this.#fixture;
    if (fixture === null || !fixture.running) return null;
    this.#exitExpected = true;
    const result = await end(fixture);
    appendIncarnationLog(this.#logFile, this.#incarnation, fixture, why);
    return result;
  }

  kill(): Promise<void> {
    return this.expectExit('kill -9', (fixture) => fixture.kill()).then(() => undefined);
  }

  stop(timeoutMs: number): Promise<StopOutcome | null> {
    return this.expectExit('SIGTERM at the end of the run', async (fixture) => {
      fixture.child.kill('SIGTERM');
      const exit = await fixture.exit(timeoutMs);
      return { exit, killed: exit.signal === 'SIGKILL' };
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#fixture?.running !== true) return;
    this.#exitExpected = true;
    this.#fixture.child.kill('SIGKILL');
  }
}
