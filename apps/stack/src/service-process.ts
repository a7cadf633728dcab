/**
 * One service of the stack as a child process: the real bin (ringlogd, ringlog-shipper,
 * ringlog-collector) run by this Node, its output prefixed with its name, its last lines kept
 * for error messages, and a bounded stop (SIGTERM, then SIGKILL past the deadline).
 *
 * Children run in their own process group (`detached`), so a Ctrl-C on the terminal reaches only
 * the launcher, which then stops them in order: the shipper first (it drains to its daemon), the
 * collector next (it writes what it received), the daemons last.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatLogLine } from './log-line-format.ts';

export interface ServiceSpec {
  /** Short name used as the output prefix: d1, shipper, collector. */
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServiceStopResult {
  readonly exit: ServiceExit;
  /** True when it overstayed the deadline and was killed. */
  readonly killed: boolean;
}

/** Lines of output kept for error messages. */
const TAIL_LINES_MAX = 20;

export class ServiceProcess {
  readonly name: string;
  readonly exited: Promise<ServiceExit>;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  #exit: ServiceExit | null = null;

  constructor(spec: ServiceSpec, writeLine: (line: string) => void, prefixWidth: number) {
    this.name = spec.name;
    this.#child = spawn(process.execPath, [spec.script, ...spec.args], { cwd: spec.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `${spec.name.padEnd(prefixWidth)} | `;
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES_MAX) this.#tail.shift();
        writeLine(`${prefix}${formatLogLine(line)}`);
      });
    }
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.#tail.push(`cannot start: ${error.message}`);
        this.#exit = { code: null, signal: null };
        resolve(this.#exit);
      });
      this.#child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exit === null;
  }

  /** The last lines it printed, for a failure message. */
  tail(): string {
    return this.#tail.join('\n');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<ServiceStopResult> {
    if (!this.running) return { exit: await this.exited, killed: false };
    this.#child.kill('SIGTERM');
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.#child.kill('SIGKILL');
    }, timeoutMs);
    try {
      return { exit: await this.exited, killed };
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL at once; synchronous, for the launcher's last-resort exit handler. */
  killNow(): void {
    if (this.running) this.#child.kill('SIGKILL');
  }
}

export function describeExit(exit: ServiceExit): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return exit.code === null ? 'could not be started' : `exited with code ${exit.code}`;
}
