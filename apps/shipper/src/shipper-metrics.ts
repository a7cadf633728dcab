/**
 * The shipper's Prometheus metrics: per-input lines, bytes, connections, errors and drops; the
 * queue and spool depth; the upstream session. Read from plain counters at scrape time.
 */
import { readCounter, readGauge, readLabelledCounter, readLabelledGauge } from '@ringlog/daemon-app';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { ShipperParts } from './shipper-parts.ts';

const PREFIX = 'ringlog_shipper_';

export function createShipperMetrics(parts: ShipperParts): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  registerInputMetrics(registry, parts);
  registerPipelineMetrics(registry, parts);
  return registry;
}

function registerInputMetrics(registry: Registry, parts: ShipperParts): void {
  const each = (read: (stats: ShipperParts['inputs'][number]['handle']['stats']) => number) => (set: (labels: Record<string, string>, value: number) => void) =>
    parts.inputs.forEach((input) => set({ input: input.handle.name, type: input.handle.type }, read(input.handle.stats)));
  const labels = ['input', 'type'];
  readLabelledCounter(registry, `${PREFIX}input_lines_total`, 'Lines taken from each input.', labels, each((s) => s.lines));
  readLabelledCounter(registry, `${PREFIX}input_bytes_total`, 'Bytes of lines taken from each input, terminators excluded.', labels, each((s) => s.bytes));
  readLabelledGauge(registry, `${PREFIX}input_connections`, 'Open connections (or open files) of each input.', labels, each((s) => s.connections));
  readLabelledCounter(registry, `${PREFIX}input_connections_total`, 'Connections accepted (or files opened) by each input.', labels, each((s) => s.connectionsTotal));
  readLabelledCounter(registry, `${PREFIX}input_errors_total`, 'Bad input and refused connections, per input and reason.', ['input', 'reason'], (set) =>
    parts.inputs.forEach((input) => Object.entries(input.handle.stats.errors).forEach(([reason, value]) => set({ input: input.handle.name, reason }, value))),
  );
  readLabelledCounter(registry, `${PREFIX}dropped_lines_total`, 'Lines lost, per input and reason (spool full under drop_newest, shipper closing, truncated overlong lines).', ['input', 'reason'], (set) =>
    parts.inputs.forEach((input) => Object.entries(input.handle.stats.drops).forEach(([reason, value]) => set({ input: input.handle.name, reason }, value))),
  );
}

function registerPipelineMetrics(registry: Registry, parts: ShipperParts): void {
  const { engine, spool, sender } = parts;
  readGauge(registry, `${PREFIX}queue_bytes`, 'Bytes in open batches, not yet in the spool.', () => engine.openBytes);
  readGauge(registry, `${PREFIX}paused`, '1 while inputs are paused because the spool is full (on_full: block).', () => (engine.paused ? 1 : 0));
  readCounter(registry, `${PREFIX}batches_total`, 'Batches written to the spool.', () => engine.stats.batches);
  readCounter(registry, `${PREFIX}spool_write_errors_total`, 'Failed spool writes (batches kept in memory and retried).', () => engine.stats.spoolWriteErrors);
  readGauge(registry, `${PREFIX}spool_bytes`, 'Bytes in the spool not yet written by the collectors (delivery: acknowledged) or ordered by the daemon (ordered).', () => spool.pendingBytes);
  readGauge(registry, `${PREFIX}spool_records`, 'Batches in the spool not yet written by the collectors (acknowledged) or ordered by the daemon (ordered).', () => spool.pendingRecords);
  readGauge(registry, `${PREFIX}spool_max_bytes`, 'spool.max_bytes: beyond it on_full applies.', () => parts.spoolMaxBytes);
  readGauge(registry, `${PREFIX}upstream_connected`, '1 while the upstream daemon session is open.', () => (sender.connected ? 1 : 0));
  readGauge(registry, `${PREFIX}upstream_unconfirmed_bytes`, 'Bytes sent upstream and not yet confirmed.', () => sender.unconfirmedBytes);
  readCounter(registry, `${PREFIX}upstream_connects_total`, 'Upstream connections made.', () => sender.stats.connects);
  readCounter(registry, `${PREFIX}upstream_disconnects_total`, 'Upstream connections lost.', () => sender.stats.disconnects);
  readCounter(registry, `${PREFIX}upstream_batches_total`, 'Batches multicast upstream (resends included).', () => sender.stats.sentBatches);
  readCounter(registry, `${PREFIX}upstream_lines_total`, 'Lines multicast upstream (resends included).', () => sender.stats.sentLines);
  readCounter(registry, `${PREFIX}upstream_bytes_total`, 'Body bytes multicast upstream (resends included).', () => sender.stats.sentBytes);
  readCounter(registry, `${PREFIX}upstream_resent_bytes_total`, "Bytes sent again: after a reconnect, or for a collector's gap or stuck offset.", () => sender.stats.resentBytes);
  readCounter(registry, `${PREFIX}upstream_rewinds_total`, 'Times sending went back for a collector that reported a gap or was stuck behind.', () => sender.stats.rewinds);
  readCounter(registry, `${PREFIX}upstream_bad_acks_total`, 'Collector acknowledgements that did not decode (dropped).', () => sender.stats.badAcks);
  readGauge(registry, `${PREFIX}collectors_known`, 'Collectors that ever acknowledged this shipper (each holds the spool until it has written a batch).', () => sender.collectorsKnown);
  readCounter(registry, `${PREFIX}upstream_rejects_total`, 'Batches the daemon rejected.', () => sender.stats.rejects);
}
