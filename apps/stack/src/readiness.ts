/**
 * "Ready" for each part of the stack, as a client would see it: a daemon accepts TCP clients; the
 * segment is one operational ring of all three daemons (asked over UDP with the segment key, as
 * `ringlog monitor` asks); the shipper and the collector answer 200 on /healthz (connected to
 * their daemon). Every wait is bounded and gives up at once when the service it waits for exits.
 */
import net from 'node:net';
import { requestRingStatus, type RingStatusReport } from '@ringlog/ring';
import { StackError, StackErrorCode } from './errors.ts';
import { describeExit, type ServiceProcess } from './service-process.ts';
import { HOST, type StackDaemon } from './stack-layout.ts';

const POLL_INTERVAL_MS = 100;
const RING_STATUS_TIMEOUT_MS = 500;
const HEALTH_REQUEST_TIMEOUT_MS = 1000;

export interface WaitContext {
  /** The services whose exit ends the wait with their output. */
  readonly services: readonly ServiceProcess[];
  readonly timeoutMs: number;
  /** True once the stack is stopping: the wait ends quietly. */
  readonly cancelled: () => boolean;
}

/** Polls `check` until it is true. Throws SERVICE_START on a timeout or a service's exit. */
export async function waitUntilReady(what: string, check: () => Promise<boolean>, context: WaitContext, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    if (context.cancelled()) return;
    const gone = context.services.find((service) => !service.running);
    if (gone !== undefined) {
      throw new StackError(StackErrorCode.SERVICE_START, `${gone.name} ${describeExit(await gone.exited)} while waiting for ${what}; its last output:\n${gone.tail()}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) {
      const tails = context.services.map((service) => `--- ${service.name}\n${service.tail()}`).join('\n');
      throw new StackError(StackErrorCode.SERVICE_START, `timed out after ${context.timeoutMs} ms waiting for ${what}${detail() === '' ? '' : ` (${detail()})`}\n${tails}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks every daemon for its ring; `ringId` is set once all are operational in one ring of them all. */
export class RingWatch {
  readonly #key: Buffer;
  readonly #daemons: readonly StackDaemon[];
  #last: (RingStatusReport | null)[] = [];
  ringId = '';

  constructor(key: Buffer, daemons: readonly StackDaemon[]) {
    this.#key = key;
    this.#daemons = daemons;
  }

  async formed(): Promise<boolean> {
    const targets = this.#daemons.map((daemon) => ({ address: HOST, port: daemon.port }));
    const results = await requestRingStatus({ key: this.#key, targets, timeoutMs: RING_STATUS_TIMEOUT_MS });
    this.#last = results.map((result) => (result.json === undefined ? null : (JSON.parse(result.json) as RingStatusReport)));
    const names = this.#daemons.map((daemon) => daemon.name);
    const ids = new Set(this.#last.map((report) => (report !== null && report.phase === 'operational' && report.ring !== null && sameMembers(report.ring.members, names) ? report.ring.id : null)));
    const [only] = [...ids];
    if (ids.size !== 1 || only === null || only === undefined) return false;
    this.ringId = only;
    return true;
  }

  /** The last answers, for a timeout message. */
  describe(): string {
    return this.#last.map((report, index) => `${this.#daemons[index]?.name}: ${report === null ? 'no answer' : `${report.phase}, ring ${JSON.stringify(report.ring)}`}`).join('; ');
  }
}

function sameMembers(members: readonly string[], want: readonly string[]): boolean {
  return members.length === want.length && want.every((name) => members.includes(name));
}

/** GET <adminUrl>/healthz answers 200. */
export async function healthy(adminUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
