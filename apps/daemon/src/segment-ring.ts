/**
 * The token ring of a segment, assembled from the config: the protocol node, the
 * authenticated UDP transport on this daemon's port, and the runner that gives the node
 * real time. ringlogd uses it as its ordering layer when the config lists more than one
 * daemon; alone, a daemon keeps the direct LocalOrdering.
 */
import {
  type DaemonConfig,
  loadSegmentKey,
  ringTimeoutsFromConfig,
  type SegmentDaemon,
  segmentDaemonPort,
  segmentRingMode,
  type SegmentSection,
} from '@ringlog/config';
import {
  RingNode,
  RingRunner,
  type RingStatusReport,
  TransportMode,
  UdpRingTransport,
  type UdpEndpoint,
} from '@ringlog/ring';

export interface SegmentRing {
  readonly node: RingNode;
  readonly runner: RingRunner;
  readonly transport: UdpRingTransport;
  /** Where this daemon's ring socket listens. */
  readonly endpoint: UdpEndpoint;
  /** Fills in what only the daemon knows (sessions, groups) for status requests. */
  setStatusSource(source: () => { sessions: number; groups: number }): void;
  close(): Promise<void>;
}

/** The ring's clock: wall-clock steps (NTP) must not look like lost tokens. */
function monotonicNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A segment of one daemon needs no ring. */
export function segmentNeedsRing(config: DaemonConfig): config is DaemonConfig & { segment: SegmentSection } {
  return config.segment !== undefined && config.segment.daemons.length > 1;
}

/** The address daemons reach `daemon` on: its D interface if it declares one. */
function daemonAddress(daemon: SegmentDaemon): string {
  const stanza = daemon.interfaces?.find((item) => item.types.length === 0 || item.types.includes('D'));
  return stanza?.address ?? daemon.address;
}

export async function startSegmentRing(config: DaemonConfig & { segment: SegmentSection }, onError: (error: Error) => void): Promise<SegmentRing> {
  const segment = config.segment;
  const selfName = config.daemon.name;
  // Must grow across restarts: the transport's replay window and the ring's ids rely on it.
  const incarnation = Date.now();
  const startedAtMs = Date.now();
  const mode = segmentRingMode(segment);
  const peers = new Map(segment.daemons.map((daemon) => [daemon.name, { address: daemonAddress(daemon), port: segmentDaemonPort(segment, daemon) }]));
  const endpoint = peers.get(selfName)!;
  const ringOptions = segment.ring;
  const node = new RingNode(
    {
      name: selfName,
      incarnation,
      segment: segment.daemons.map((daemon) => daemon.name),
      timeouts: ringTimeoutsFromConfig(segment),
      packetBytes: ringOptions.packet_bytes,
      personalWindowPackets: ringOptions.personal_window_packets,
      globalWindowPackets: ringOptions.global_window_packets,
      idleTokenHoldMs: ringOptions.idle_token_hold_ms,
    },
    monotonicNowMs(),
  );
  let statusSource = (): { sessions: number; groups: number } => ({ sessions: 0, groups: 0 });
  let runner: RingRunner | null = null;
  const transport = new UdpRingTransport({
    selfName,
    incarnation,
    key: loadSegmentKey(segment.key_file!),
    // Broadcasts only reach a socket bound to the wildcard address.
    bind: mode === TransportMode.UNICAST ? endpoint : { address: '0.0.0.0', port: endpoint.port },
    peers,
    mode,
    ...(mode === TransportMode.UNICAST ? {} : { groupAddress: { address: segment.addresses[0]!, port: segment.port }, multicastInterface: endpoint.address }),
    receiveBufferBytes: 8 * 1024 * 1024,
    sendBufferBytes: 8 * 1024 * 1024,
    onPacket: (_from, packet) => runner?.receive(packet),
    onStatusRequest: (reply) => reply(JSON.stringify(statusReport(node, transport, statusSource(), startedAtMs))),
    onError,
  });
  await transport.start();
  runner = new RingRunner(node, transport, monotonicNowMs);
  return {
    node,
    runner,
    transport,
    endpoint,
    setStatusSource: (source) => {
      statusSource = source;
    },
    close: async () => {
      runner.close();
      await transport.close();
    },
  };
}

function statusReport(node: RingNode, transport: UdpRingTransport, local: { sessions: number; groups: number }, startedAtMs: number): RingStatusReport {
  const ring = node.installedRing;
  return {
    daemon: node.name,
    incarnation: node.incarnation,
    phase: node.phase,
    ring: ring === null ? null : { id: `${ring.id.rep}/${ring.id.repIncarnation}/${ring.id.seq}`, members: ring.members },
    stats: { ...node.stats },
    sessions: local.sessions,
    groups: local.groups,
    pendingMessages: node.pendingMessages,
    transport: { packetsSent: transport.counters.packetsSent, packetsReceived: transport.counters.packetsReceived, dropped: { ...transport.counters.dropped } },
    uptimeMs: Date.now() - startedAtMs,
  };
}
