/**
 * The stack: three ringlogd daemons in one segment, a collector and a shipper, each the real bin
 * in its own process, started in dependency order and supervised.
 *
 * Start: check ports and sockets, render configs and the key, start d1..d3 and wait until they
 * accept clients and form one ring, start the collector (joined before any line is sent) and
 * wait for its /healthz, start the shipper and wait for its /healthz, print the summary, and
 * with demo traffic start feeding the shipper.
 *
 * Supervision: a service that exits while the stack runs is reported with its exit status, and
 * the whole stack stops with exit status 1. A partial stack would hide the failure (lines would
 * pile up in the shipper's spool, or go nowhere), and a clean restart is one command away.
 *
 * Stop (a signal, or a service's exit): demo traffic, then the shipper (it drains its spool to
 * d1), then the collector once its daemon has gone quiet (it writes and fsyncs what it
 * received), then the daemons. Each service gets `stopTimeoutMs` after SIGTERM before SIGKILL.
 */
import { fileURLToPath } from 'node:url';
import { readyBanner } from './banner.ts';
import { DemoFeeder } from './demo-traffic.ts';
import { assertPortsFree, assertSocketsFree } from './port-check.ts';
import { acceptsTcp, healthy, RingWatch, waitUntilReady, type WaitContext } from './readiness.ts';
import { describeExit, ServiceProcess, type ServiceExit, type ServiceSpec } from './service-process.ts';
import { prepareStackFiles } from './stack-files.ts';
import { shownPath, stackLayout, type StackLayout, type StackPorts } from './stack-layout.ts';

export interface StackOptions {
  /** The stack's directory: everything lives under <dir>/var. */
  readonly dir: string;
  readonly ports: StackPorts;
  /** Lines per second of demo traffic; null = none. */
  readonly demoLinesPerSecond: number | null;
  /** The services' log level. */
  readonly logLevel: string;
  /** Bound on each readiness wait. */
  readonly readyTimeoutMs: number;
  /** Time each service has after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs: number;
}

const BIN = {
  ringlogd: fileURLToPath(new URL('../../daemon/bin/ringlogd.mjs', import.meta.url)),
  shipper: fileURLToPath(new URL('../../shipper/bin/ringlog-shipper.mjs', import.meta.url)),
  collector: fileURLToPath(new URL('../../collector/bin/ringlog-collector.mjs', import.meta.url)),
} as const;

/** Width of the output prefix: the longest service name, "collector". */
const PREFIX_WIDTH = 9;
const DEMO_PROGRESS_MS = 10_000;
const DEMO_SEED = 1;
/** Bound on waiting for the collector to receive what the shipper's daemon confirmed. */
const COLLECTOR_QUIET_MAX_MS = 3000;
const COLLECTOR_QUIET_POLL_MS = 150;

export class Stack {
  readonly layout: StackLayout;
  /** Resolves with the exit status once the stack has stopped. */
  readonly finished: Promise<number>;
  readonly #options: StackOptions;
  readonly #write: (line: string) => void;
  readonly #daemons: ServiceProcess[] = [];
  #collector: ServiceProcess | null = null;
  #shipper: ServiceProcess | null = null;
  #demo: DemoFeeder | null = null;
  #demoTimer: NodeJS.Timeout | null = null;
  #stopping: Promise<number> | null = null;
  #exitCode = 0;
  #resolveFinished: (code: number) => void = () => undefined;

  constructor(options: StackOptions, write: (line: string) => void) {
    this.#options = options;
    this.#write = write;
    this.layout = stackLayout(options.dir, options.ports);
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
  }

  get stopping(): boolean {
    return this.#stopping !== null;
  }

  /** Every service process started, in start order. */
  get services(): readonly ServiceProcess[] {
    return [...this.#daemons, ...(this.#collector === null ? [] : [this.#collector]), ...(this.#shipper === null ? [] : [this.#shipper])];
  }

  /** Prints a line of the launcher's own. */
  say(text: string): void {
    this.#write(`${'stack'.padEnd(PREFIX_WIDTH)} | ${text}`);
  }

  /** Starts everything; throws a StackError when the stack cannot start (the caller then stops it). */
  async start(): Promise<void> {
    const startedAtMs = Date.now();
    const { layout } = this;
    await assertSocketsFree(layout);
    await assertPortsFree(layout);
    if (this.stopping) return;
    const files = prepareStackFiles(layout);
    if (files.keyCreated) this.say(`Created the segment key ${layout.keyFile} (mode 0600); it is kept for the next starts`);
    const ringId = await this.#startDaemons(files.key);
    if (this.stopping) return;
    await this.#startClients();
    if (this.stopping) return;
    const cwd = process.cwd();
    for (const line of readyBanner({ layout, cwd, ringId, startMs: Date.now() - startedAtMs, keyCreated: files.keyCreated, demoLinesPerSecond: this.#options.demoLinesPerSecond })) this.#write(line);
    if (this.#options.demoLinesPerSecond !== null) await this.#startDemo(this.#options.demoLinesPerSecond, cwd);
  }

  async #startDaemons(key: Buffer): Promise<string> {
    const { layout } = this;
    this.say(`Starting the segment: ${layout.daemons.map((daemon) => `${daemon.name} on 127.0.0.1:${daemon.port}`).join(', ')}`);
    for (const daemon of layout.daemons) {
      const args = ['-c', layout.segmentConf, '-n', daemon.name, '-l', `tcp:127.0.0.1:${daemon.port}`, '-l', `unix:${daemon.socket}`, '--log-level', this.#options.logLevel];
      this.#daemons.push(this.#spawn({ name: daemon.name, script: BIN.ringlogd, args, cwd: layout.dir }));
    }
    const context = this.#waitContext(this.#daemons);
    for (const daemon of layout.daemons) await waitUntilReady(`${daemon.name} to accept clients on 127.0.0.1:${daemon.port}`, () => acceptsTcp(daemon.port), context);
    const ring = new RingWatch(key, layout.daemons);
    await waitUntilReady('the three daemons to form one ring', () => ring.formed(), context, () => ring.describe());
    if (!this.stopping) this.say(`Ring ${ring.ringId} formed by d1, d2, d3`);
    return ring.ringId;
  }

  async #startClients(): Promise<void> {
    const { layout } = this;
    const level = ['--log-level', this.#options.logLevel];
    this.say(`Starting the collector (reads from ${layout.collectorDaemon.name}, writes under ${layout.logRoot})`);
    this.#collector = this.#spawn({ name: 'collector', script: BIN.collector, args: ['-c', layout.collectorConfig, ...level], cwd: layout.dir });
    await waitUntilReady(`the collector's ${layout.collectorAdminUrl}/healthz`, () => healthy(layout.collectorAdminUrl), this.#waitContext(this.services));
    if (this.stopping) return;
    this.say(`Starting the shipper (sends to ${layout.shipperDaemon.name}, inputs under ${layout.runDir})`);
    this.#shipper = this.#spawn({ name: 'shipper', script: BIN.shipper, args: ['-c', layout.shipperConfig, ...level], cwd: layout.dir });
    await waitUntilReady(`the shipper's ${layout.shipperAdminUrl}/healthz`, () => healthy(layout.shipperAdminUrl), this.#waitContext(this.services));
  }

  async #startDemo(linesPerSecond: number, cwd: string): Promise<void> {
    const demo = new DemoFeeder({
      socketPath: this.layout.accessSocket,
      linesPerSecond,
      seed: DEMO_SEED,
      onError: (error) => this.say(`Demo traffic stopped: ${error.message}`),
    });
    await demo.start();
    if (this.stopping) return void (await demo.stop());
    this.#demo = demo;
    this.#demoTimer = setInterval(() => {
      this.say(`Demo: ${demo.sent} lines sent for ${demo.perVhost.size} vhosts; files under ${shownPath(cwd, this.layout.logRoot)}`);
    }, DEMO_PROGRESS_MS);
    this.#demoTimer.unref();
  }

  #spawn(spec: ServiceSpec): ServiceProcess {
    const service = new ServiceProcess(spec, this.#write, PREFIX_WIDTH);
    this.say(`${spec.name} started, pid ${service.pid ?? '?'}`);
    void service.exited.then((exit) => this.#onExit(service, exit));
    return service;
  }

  #onExit(service: ServiceProcess, exit: ServiceExit): void {
    if (this.stopping) return;
    this.say(`${service.name} ${describeExit(exit)} unexpectedly; stopping the stack. Its last output:\n${service.tail()}`);
    void this.stop(`${service.name} exited`, 1);
  }

  #waitContext(services: readonly ServiceProcess[]): WaitContext {
    return { services, timeoutMs: this.#options.readyTimeoutMs, cancelled: () => this.stopping };
  }

  /** Stops everything once; later calls return the same result. Resolves with the exit status. */
  stop(reason: string, exitCode = 0): Promise<number> {
    this.#exitCode = Math.max(this.#exitCode, exitCode);
    this.#stopping ??= this.#stopAll(reason).then((code) => {
      this.#resolveFinished(code);
      return code;
    });
    return this.#stopping;
  }

  async #stopAll(reason: string): Promise<number> {
    if (this.services.length === 0) return this.#exitCode;
    this.say(`Stopping (${reason}): shipper, then collector, then the daemons`);
    if (this.#demoTimer !== null) clearInterval(this.#demoTimer);
    if (this.#demo !== null) {
      await this.#demo.stop();
      this.say(`Demo traffic stopped after ${this.#demo.sent} lines`);
    }
    const shipperWasRunning = this.#shipper?.running ?? false;
    await this.#stopService(this.#shipper);
    if (shipperWasRunning && this.#collector?.running === true) await this.#collectorQuiet();
    await this.#stopService(this.#collector);
    await Promise.all(this.#daemons.map((daemon) => this.#stopService(daemon)));
    this.say(this.#exitCode === 0 ? 'Stopped.' : 'Stopped, with errors (exit status 1).');
    return this.#exitCode;
  }

  async #stopService(service: ServiceProcess | null): Promise<void> {
    if (service === null) return;
    const wasRunning = service.running;
    const { exit, killed } = await service.stop(this.#options.stopTimeoutMs);
    if (!wasRunning) return;
    if (killed) {
      this.say(`${service.name} did not stop within ${this.#options.stopTimeoutMs} ms of SIGTERM and was killed`);
      this.#exitCode = 1;
    } else if (exit.code !== 0) {
      this.say(`${service.name} ${describeExit(exit)} on SIGTERM`);
      this.#exitCode = 1;
    } else {
      this.say(`${service.name} stopped`);
    }
  }

  /**
   * The shipper stops once d1 has ordered what it sent; the collector gets those lines from d3
   * a moment later. Wait until its message count holds still, so they are written before it stops.
   */
  async #collectorQuiet(): Promise<void> {
    const deadline = Date.now() + COLLECTOR_QUIET_MAX_MS;
    let last = -1;
    while (Date.now() < deadline) {
      const messages = await collectorMessages(this.layout.collectorAdminUrl);
      if (messages === null || messages === last) return;
      last = messages;
      await new Promise((resolve) => setTimeout(resolve, COLLECTOR_QUIET_POLL_MS));
    }
  }

  /** SIGKILLs whatever still runs: the last resort when the launcher itself is exiting. */
  killAll(): void {
    for (const service of this.services) service.killNow();
  }
}

async function collectorMessages(adminUrl: string): Promise<number | null> {
  try {
    const response = await fetch(`${adminUrl}/status`, { signal: AbortSignal.timeout(1000) });
    const status = (await response.json()) as { messages?: unknown };
    return typeof status.messages === 'number' ? status.messages : null;
  } catch {
    return null;
  }
}
