/**
 * Demo traffic for `ringlog-stack --demo`: realistic access-log lines, Apache "combined" with the
 * vhost first (`%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, what mod_log_spread
 * and `vhost_combined` send), for a few vhosts of uneven popularity, written at a modest rate to
 * the shipper's unix socket as a web server's piped log would.
 */
import net from 'node:net';
import { mulberry32, type Random } from '@ringlog/prng';
import { accessLine, clfTime } from './access-line.ts';

export { clfTime } from './access-line.ts';

/** The demo's vhosts and their share of the requests (weights). */
export const DEMO_VHOSTS: readonly { readonly name: string; readonly weight: number }[] = [
  { name: 'www.example.com', weight: 40 },
  { name: 'shop.example.com', weight: 20 },
  { name: 'blog.example.org', weight: 15 },
  { name: 'api.example.net', weight: 15 },
  { name: 'static.example.com', weight: 7 },
  { name: 'docs.example.org', weight: 3 },
];

function pickVhost(random: Random): string {
  const total = DEMO_VHOSTS.reduce((sum, vhost) => sum + vhost.weight, 0);
  let roll = random() * total;
  for (const vhost of DEMO_VHOSTS) {
    roll -= vhost.weight;
    if (roll < 0) return vhost.name;
  }
  return DEMO_VHOSTS[0]!.name;
}

/** One line, without its newline. */
export function demoAccessLine(random: Random, now: Date): string {
  const vhost = pickVhost(random);
  const ip = `198.51.100.${1 + Math.floor(random() * 254)}`;
  return accessLine({ vhost, ip, time: clfTime(now), pathNumbers: 10_000 }, random);
}

export interface DemoFeederOptions {
  /** The shipper's unix stream input. */
  readonly socketPath: string;
  readonly linesPerSecond: number;
  readonly seed: number;
  /** Called once if the socket fails; the feeder then stops sending. */
  readonly onError: (error: Error) => void;
}

const TICK_MS = 100;

/** Writes demo lines to a unix socket at a steady rate until stopped. */
export class DemoFeeder {
  readonly #options: DemoFeederOptions;
  readonly #random: Random;
  readonly perVhost = new Map<string, number>();
  #socket: net.Socket | null = null;
  #timer: NodeJS.Timeout | null = null;
  #startedAtMs = 0;
  sent = 0;

  constructor(options: DemoFeederOptions) {
    this.#options = options;
    this.#random = mulberry32(options.seed);
  }

  async start(): Promise<void> {
    const socket = net.connect({ path: this.#options.socketPath });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.on('error', (error) => {
      this.#halt();
      this.#options.onError(error);
    });
    this.#socket = socket;
    this.#startedAtMs = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  #tick(): void {
    const socket = this.#socket;
    if (socket === null || socket.writableNeedDrain) return;
    const due = Math.floor(((Date.now() - this.#startedAtMs) / 1000) * this.#options.linesPerSecond) - this.sent;
    if (due <= 0) return;
    const now = new Date();
    const lines: string[] = [];
    for (let index = 0; index < due; index++) {
      const line = demoAccessLine(this.#random, now);
      const vhost = line.slice(0, line.indexOf(' '));
      this.perVhost.set(vhost, (this.perVhost.get(vhost) ?? 0) + 1);
      lines.push(`${line}\n`);
    }
    socket.write(lines.join(''));
    this.sent += due;
  }

  #halt(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Stops sending and closes the connection once what was written is handed to the shipper. */
  async stop(): Promise<void> {
    this.#halt();
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }
}
