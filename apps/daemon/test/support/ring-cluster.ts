/**
 * A segment of real ringlogd processes on 127.0.0.1, declared in one spread.conf as Spread
 * allows (`d1 127.0.0.1:4901`, …) with a fresh key: what the integration tests and
 * `pnpm bench ring` run against. Ports are picked free at start.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { requestRingStatus, type RingStatusReport } from '@ringlog/ring';
import { ChildFixture, RINGLOGD_MAIN, waitUntil } from './processes.ts';

export interface RingClusterOptions {
  readonly dir: string;
  readonly daemons?: number;
  readonly logLevel?: string;
  /** Extra spread.conf lines (timeouts, say). */
  readonly extraConf?: string;
}

/** A free port whose neighbour (Spread's token port) is free too, on TCP and UDP. */
async function freePortPair(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: found } = server.address() as net.AddressInfo;
        server.close(() => resolve(found));
      });
    });
    if (port < 65_000 && ![port - 1, port, port + 1].some((near) => taken.has(near))) {
      taken.add(port);
      return port;
    }
  }
}

export class RingCluster {
  readonly names: readonly string[];
  readonly ports: readonly number[];
  readonly configPath: string;
  readonly keyPath: string;
  readonly key: Buffer;
  readonly #children: (ChildFixture | null)[];
  readonly #logLevel: string;

  private constructor(names: string[], ports: number[], configPath: string, keyPath: string, key: Buffer, logLevel: string) {
    this.names = names;
    this.ports = ports;
    this.configPath = configPath;
    this.keyPath = keyPath;
    this.key = key;
    this.#children = names.map(() => null);
    this.#logLevel = logLevel;
  }

  static async create(options: RingClusterOptions): Promise<RingCluster> {
    const count = options.daemons ?? 3;
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let index = 0; index < count; index += 1) ports.push(await freePortPair(taken));
    const names = ports.map((_, index) => `d${index + 1}`);
    const key = Buffer.from(randomBytes(32).toString('base64'));
    const keyPath = path.join(options.dir, 'segment.key');
    await writeFile(keyPath, key, { mode: 0o600 });
    const lines = names.map((name, index) => `  ${name} 127.0.0.1:${ports[index]} { D 127.0.0.1 C 127.0.0.1 }`);
    const conf = `Spread_Segment 127.0.0.255:4803 {\n${lines.join('\n')}\n}\nRinglogKeyFile = segment.key\n${options.extraConf ?? ''}\n`;
    const configPath = path.join(options.dir, 'segment.conf');
    await writeFile(configPath, conf);
    return new RingCluster(names, ports, configPath, keyPath, key, options.logLevel ?? 'warn');
  }

  /** The Spread name clients use for daemon `index`: `port@127.0.0.1`. */
  spreadName(index: number): string {
    return `${this.ports[index]}@127.0.0.1`;
  }

  child(index: number): ChildFixture | null {
    return this.#children[index] ?? null;
  }

  /** Starts daemon `index` and waits until it accepts clients. */
  async start(index: number): Promise<ChildFixture> {
    const child = new ChildFixture(RINGLOGD_MAIN, ['-c', this.configPath, '-n', this.names[index]!, '--log-level', this.#logLevel], ['--import', 'tsx']);
    this.#children[index] = child;
    await waitUntil(() => canConnect(this.ports[index]!), `ringlogd ${this.names[index]} accepting on ${this.ports[index]}`, () => child.describe());
    return child;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.names.map((_, index) => this.start(index)));
  }

  /** kill -9: the daemon loses everything, as in a crash. */
  async kill(index: number): Promise<void> {
    await this.#children[index]?.kill();
    this.#children[index] = null;
  }

  async status(timeoutMs = 500): Promise<(RingStatusReport | null)[]> {
    const results = await requestRingStatus({ key: this.key, targets: this.ports.map((port) => ({ address: '127.0.0.1', port })), timeoutMs });
    return results.map((result) => (result.json === undefined ? null : (JSON.parse(result.json) as RingStatusReport)));
  }

  /** Waits until the daemons at `indexes` are operational in one ring of exactly them. */
  async waitForRing(indexes: readonly number[] = this.names.map((_, index) => index), timeoutMs = 20_000): Promise<string> {
    const want = indexes.map((index) => this.names[index]!);
    let last: (RingStatusReport | null)[] = [];
    let ringId = '';
    await waitUntil(
      async () => {
        last = await this.status();
        const reports = indexes.map((index) => last[index]);
        const ids = new Set(reports.map((report) => (report?.phase === 'operational' && report.ring !== null && sameMembers(report.ring.members, want) ? report.ring.id : null)));
        ringId = [...ids][0] ?? '';
        return ids.size === 1 && !ids.has(null);
      },
      `one ring of ${want.join(', ')}`,
      () => JSON.stringify(last.map((report) => report && { daemon: report.daemon, phase: report.phase, ring: report.ring })),
      timeoutMs,
    );
    return ringId;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#children.map((child) => child?.kill()));
  }

  describe(): string {
    return this.#children.map((child, index) => `--- ${this.names[index]}\n${child?.describe() ?? '(not running)'}`).join('\n');
  }
}

function sameMembers(members: readonly string[], want: readonly string[]): boolean {
  return members.length === want.length && want.every((name) => members.includes(name));
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
