/**
 * The system under test, every part a real process on 127.0.0.1 with its files under one
 * directory:
 *
 *   shipperA -> d1 \                      / d2 <- collector1 -> collector-1/out/<vhost>/access.log
 *                   ring d1 - d2 - d3 ---
 *   shipperB -> d2 /                      \ d3 <- collector2 -> collector-2/out/<vhost>/access.log
 *
 * so lines of both shippers cross the ring to both collectors, and every kind of process has a
 * peer of its kind still running while one is down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RingCluster } from '../../../apps/daemon/test/support/ring-cluster.ts';
import { SERVICE_NAMES, type ChaosService, type ServiceName, type StopOutcome } from './chaos-service.ts';
import { APP_MAIN, ClientService } from './client-service.ts';
import { DaemonService } from './daemon-service.ts';
import { freePorts } from './free-ports.ts';
import { collectorYaml, LOAD_GROUP, shipperYaml } from './service-configs.ts';

export interface TopologyTimeouts {
  /** Bound on each process's start, and on the first ring and health waits. */
  readonly startTimeoutMs: number;
  /** Time each process has after SIGTERM at the end before SIGKILL. */
  readonly stopTimeoutMs: number;
}

export interface StopRecord {
  readonly name: ServiceName;
  readonly outcome: StopOutcome;
}

/** Bound on waiting for the collectors to write what the stopping shippers sent last. */
const COLLECTOR_QUIET_MAX_MS = 5000;
const COLLECTOR_QUIET_POLL_MS = 300;

export class ChaosTopology {
  readonly dir: string;
  readonly cluster: RingCluster;
  readonly shippers: readonly [ClientService, ClientService];
  readonly collectors: readonly [ClientService, ClientService];
  /** The shippers' ingest URLs for group www, in shipper order (A, B). */
  readonly ingestUrls: readonly [string, string];
  /** The collectors' split roots, in collector order (1, 2). */
  readonly outDirs: readonly [string, string];
  readonly #services: ReadonlyMap<ServiceName, ChaosService>;
  readonly #timeouts: TopologyTimeouts;

  private constructor(dir: string, cluster: RingCluster, parts: TopologyParts, timeouts: TopologyTimeouts) {
    this.dir = dir;
    this.cluster = cluster;
    this.shippers = parts.shippers;
    this.collectors = parts.collectors;
    this.ingestUrls = parts.ingestUrls;
    this.outDirs = parts.outDirs;
    this.#timeouts = timeouts;
    const daemons = cluster.names.map((name, index) => new DaemonService(name as ServiceName, cluster, index, dir));
    this.#services = new Map<ServiceName, ChaosService>([...daemons, ...parts.shippers, ...parts.collectors].map((service) => [service.name, service]));
    for (const name of SERVICE_NAMES) if (!this.#services.has(name)) throw new Error(`Bug: no service ${name}`);
  }

  /** Writes every config under `dir`; starts nothing. */
  static async create(dir: string, timeouts: TopologyTimeouts): Promise<ChaosTopology> {
    const cluster = await RingCluster.create({ dir, daemons: 3 });
    const parts = await writeClientConfigs(dir, cluster, timeouts);
    return new ChaosTopology(dir, cluster, parts, timeouts);
  }

  service(name: ServiceName): ChaosService {
    return this.#services.get(name) as ChaosService;
  }

  get services(): readonly ChaosService[] {
    return [...this.#services.values()];
  }

  /** Daemons (until they form one ring), then collectors, then shippers, each until healthy. */
  async startAll(): Promise<void> {
    await Promise.all(this.cluster.names.map((name) => this.service(name as ServiceName).start()));
    await this.cluster.waitForRing(undefined, this.#timeouts.startTimeoutMs);
    // Collectors first, so they have joined before the first line is sent.
    for (const client of [...this.collectors, ...this.shippers]) {
      await client.start();
      await client.waitHealthy(this.#timeouts.startTimeoutMs);
    }
  }

  /**
   * SIGTERM in dependency order: shippers (they hand their last batches to their daemons), the
   * collectors once they have gone quiet, then the daemons. Returns how each stopped.
   */
  async stopAll(): Promise<StopRecord[]> {
    const records: StopRecord[] = [];
    const stopEach = async (services: readonly ChaosService[]): Promise<void> => {
      const outcomes = await Promise.all(services.map((service) => service.stop(this.#timeouts.stopTimeoutMs)));
      outcomes.forEach((outcome, index) => outcome !== null && records.push({ name: services[index]!.name, outcome }));
    };
    await stopEach(this.shippers);
    await this.#collectorsQuiet();
    await stopEach(this.collectors);
    await stopEach(this.cluster.names.map((name) => this.service(name as ServiceName)));
    return records;
  }

  /** SIGKILL everything now, without waiting, and refuse later starts (the run is over or abandoned). */
  closeAll(): void {
    for (const service of this.#services.values()) service.close();
  }

  /** Until the collectors' message counts hold still: what the daemons had ordered is written. */
  async #collectorsQuiet(): Promise<void> {
    const deadline = Date.now() + COLLECTOR_QUIET_MAX_MS;
    let last = '';
    while (Date.now() < deadline) {
      const statuses = await Promise.all(this.collectors.map((collector) => collector.status()));
      const counts = JSON.stringify(statuses.map((status) => (status as { messages?: unknown } | null)?.messages ?? null));
      if (counts === last) return;
      last = counts;
      await sleep(COLLECTOR_QUIET_POLL_MS);
    }
  }
}

interface TopologyParts {
  readonly shippers: readonly [ClientService, ClientService];
  readonly collectors: readonly [ClientService, ClientService];
  readonly ingestUrls: readonly [string, string];
  readonly outDirs: readonly [string, string];
}

async function writeClientConfigs(dir: string, cluster: RingCluster, timeouts: TopologyTimeouts): Promise<TopologyParts> {
  const [httpA, httpB, adminA, adminB, admin1, admin2] = (await freePorts(6, cluster.ports)) as [number, number, number, number, number, number];
  const shipper = (name: ServiceName, spreadName: string, daemon: number, httpPort: number, adminPort: number): ClientService => {
    const serviceDir = path.join(dir, name);
    mkdirSync(serviceDir, { recursive: true });
    const configPath = path.join(serviceDir, 'shipper.yaml');
    writeFileSync(configPath, shipperYaml({ name: spreadName, daemon: cluster.spreadName(daemon), stateDir: path.join(serviceDir, 'state'), adminPort, httpPort }));
    return new ClientService({ name, main: APP_MAIN.shipper, configPath, adminUrl: `http://127.0.0.1:${adminPort}`, logFile: path.join(dir, `${name}.log`), startTimeoutMs: timeouts.startTimeoutMs });
  };
  const collector = (name: ServiceName, spreadName: string, daemon: number, adminPort: number): { service: ClientService; outDir: string } => {
    const serviceDir = path.join(dir, name);
    const outDir = path.join(serviceDir, 'out');
    mkdirSync(outDir, { recursive: true });
    const configPath = path.join(serviceDir, 'collector.yaml');
    writeFileSync(configPath, collectorYaml({ name: spreadName, daemon: cluster.spreadName(daemon), stateDir: path.join(serviceDir, 'state'), adminPort, outDir }));
    const service = new ClientService({ name, main: APP_MAIN.collector, configPath, adminUrl: `http://127.0.0.1:${adminPort}`, logFile: path.join(dir, `${name}.log`), startTimeoutMs: timeouts.startTimeoutMs });
    return { service, outDir };
  };
  const one = collector('collector1', 'col1', 1, admin1);
  const two = collector('collector2', 'col2', 2, admin2);
  return {
    shippers: [shipper('shipperA', 'shipa', 0, httpA, adminA), shipper('shipperB', 'shipb', 1, httpB, adminB)],
    collectors: [one.service, two.service],
    ingestUrls: [`http://127.0.0.1:${httpA}/ingest/${LOAD_GROUP}`, `http://127.0.0.1:${httpB}/ingest/${LOAD_GROUP}`],
    outDirs: [one.outDir, two.outDir],
  };
}
