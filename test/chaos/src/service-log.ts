/**
 * Each process's output, kept in a file of the run's directory: every incarnation appended with
 * a header, so a kept directory shows what each process said before and after each kill.
 * Processes log to their standard error (synchronously), which the fixture collects in memory;
 * a log file of their own would lose its last buffered lines at every kill -9.
 */
import { appendFileSync } from 'node:fs';
import type { ChildFixture } from '../../../apps/daemon/test/support/processes.ts';

export function appendIncarnationLog(file: string, incarnation: number, fixture: ChildFixture, why: string): void {
  const header = `===== incarnation ${incarnation} (pid ${fixture.child.pid ?? '?'}), ended ${new Date().toISOString()} by ${why} =====\n`;
  const stdout = fixture.stdout === '' ? '' : `--- stdout\n${fixture.stdout}\n`;
  appendFileSync(file, `${header}${stdout}${fixture.stderr}\n`);
}
