/**
 * The collector's Prometheus metrics. The engine keeps plain counters (cheap on the hot path);
 * prom-client reads them at scrape time through `collect`, so a scrape costs one snapshot.
 */
import type { CollectorEngine, CollectorTelemetry } from '@ringlog/collector';
import { VHOST_BUCKETS } from '@ringlog/collector';
import { readCounter, readGauge, readLabelledCounter, readLabelledGauge } from '@ringlog/daemon-app';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { TailCounters } from './tail-client.ts';
import type { TailHub } from './tail-hub.ts';

const PREFIX = 'ringlog_collector_';

const totalCounter = (registry: Registry, name: string, help: string, read: () => number): void => readCounter(registry, PREFIX + name, help, read);
const gauge = (registry: Registry, name: string, help: string, read: () => number): void => readGauge(registry, PREFIX + name, help, read);

export interface MetricsSources {
  readonly engine: CollectorEngine;
  readonly telemetry: CollectorTelemetry;
  readonly tail: TailHub;
}

export function createCollectorMetrics({ engine, telemetry, tail }: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const counters = telemetry.counters;
  totalCounter(registry, 'messages_total', 'Messages delivered by the daemon.', () => counters.messages);
  totalCounter(registry, 'message_bytes_total', 'Bytes of delivered message bodies.', () => counters.messageBytes);
  totalCounter(registry, 'messages_unrouted_total', 'Messages for groups no log reads.', () => counters.messagesUnrouted);
  totalCounter(registry, 'reconnects_total', 'Connections to the daemon after the first.', () => counters.reconnects);
  totalCounter(registry, 'disconnects_total', 'Lost daemon connections.', () => counters.disconnects);
  totalCounter(registry, 'reopens_total', 'SIGHUP reopens of every output file.', () => counters.reopens);
  totalCounter(registry, 'pressure_pauses_total', 'Times reading paused because output was behind.', () => counters.pressurePauses);
  gauge(registry, 'connected', '1 while connected to the daemon.', () => (counters.connected ? 1 : 0));
  gauge(registry, 'pending_bytes', 'Bytes received and not yet written.', () => engine.pendingBytes);
  registerDeliveryMetrics(registry, engine, telemetry);
  registerFileMetrics(registry, engine);
  registerLogMetrics(registry, engine);
  registerTailMetrics(registry, tail.counters);
  return registry;
}

/** Exactly-once delivery (docs/delivery.md): what happened to shipper batches. */
function registerDeliveryMetrics(registry: Registry, engine: CollectorEngine, telemetry: CollectorTelemetry): void {
  const counters = telemetry.counters;
  totalCounter(registry, 'batches_written_total', 'Shipper batches written (each once).', () => counters.batchesWritten);
  totalCounter(registry, 'batches_duplicate_total', 'Shipper batches dropped as already written (sent again after a failure).', () => counters.batchesDuplicate);
  totalCounter(registry, 'batches_gap_total', 'Shipper batches dropped because an earlier one never arrived (the shipper is asked to send again).', () => counters.batchesGap);
  totalCounter(registry, 'batches_malformed_total', 'Messages typed as shipper batches whose header is invalid (dropped).', () => counters.batchesMalformed);
  totalCounter(registry, 'bytes_skipped_total', "Bytes of shipper history this collector will never get: it lagged past the shipper's lagging_collector_max_bytes.", () => engine.ledger?.counters.bytesSkipped ?? 0);
  gauge(registry, 'shippers', 'Shippers this collector has written batches of.', () => engine.ledger?.shipperCount ?? 0);
  const sync = () => engine.syncCounters;
  totalCounter(registry, 'catch_ups_total', 'Catch-ups after a (re)connection that followed a peer collector to the end.', () => sync()?.caughtUp ?? 0);
  totalCounter(registry, 'catch_ups_given_up_total', "Catch-ups given up (no peer, a diverged order, a stall): written in this collector's own order.", () => sync()?.gaveUp ?? 0);
  totalCounter(registry, 'catch_up_answers_total', 'Catch-up requests of peer collectors answered.', () => sync()?.answers ?? 0);
}

function registerTailMetrics(registry: Registry, counters: TailCounters): void {
  gauge(registry, 'tail_clients', 'Live-tail clients (GET /tail) streaming now.', () => counters.clients);
  totalCounter(registry, 'tail_lines_sent_total', 'Lines sent to live-tail clients (one per client that got it).', () => counters.linesSent);
  totalCounter(registry, 'tail_lines_dropped_total', 'Lines dropped for live-tail clients that read too slowly.', () => counters.linesDropped);
  totalCounter(registry, 'tail_clients_rejected_total', 'Live-tail requests refused (client cap reached, or stopping).', () => counters.clientsRejected);
}

function registerFileMetrics(registry: Registry, engine: CollectorEngine): void {
  const stats = () => engine.fileStats();
  gauge(registry, 'open_files', 'Output file descriptors held now.', () => stats().openFiles);
  gauge(registry, 'open_files_max', 'Most output file descriptors held at once.', () => stats().openFilesMax);
  gauge(registry, 'file_targets', 'Output files known (open or closed).', () => stats().targets);
  totalCounter(registry, 'file_opens_total', 'Output file opens.', () => stats().opens);
  totalCounter(registry, 'file_open_failures_total', 'Output file opens that failed (lines kept and retried).', () => stats().openFailures);
  totalCounter(registry, 'file_evictions_total', 'Output files closed to stay under max_open_files.', () => stats().evictions);
  totalCounter(registry, 'file_idle_closes_total', 'Output files closed after idle_close_ms.', () => stats().idleCloses);
  totalCounter(registry, 'file_write_failures_total', 'Failed output writes (lines kept and retried).', () => stats().writeFailures);
  totalCounter(registry, 'rotations_total', 'Output files rotated by size or interval.', () => stats().rotations);
  totalCounter(registry, 'dropped_lines_total', 'Lines of failing outputs dropped past max_pending_bytes.', () => stats().droppedLines);
  totalCounter(registry, 'written_bytes_total', 'Bytes written to output files.', () => stats().writtenBytes);
}

function registerLogMetrics(registry: Registry, engine: CollectorEngine): void {
  const routers = () => engine.routers;
  const perLog = (name: string, help: string, labelNames: string[], fill: Parameters<typeof readLabelledCounter>[4]): void => readLabelledCounter(registry, PREFIX + name, help, labelNames, fill);
  perLog('lines_total', 'Lines taken from messages, per log.', ['log'], (set) => routers().forEach((r) => set({ log: r.name }, r.counters.lines)));
  perLog('line_bytes_total', 'Bytes of lines, newline included, per log.', ['log'], (set) => routers().forEach((r) => set({ log: r.name }, r.counters.bytes)));
  perLog('empty_lines_total', 'Empty lines skipped, per log.', ['log'], (set) => routers().forEach((r) => set({ log: r.name }, r.counters.emptyLines)));
  perLog('vhost_bucket_lines_total', `Lines written to vhost files, per log and bucket (hash of the vhost name modulo ${VHOST_BUCKETS}).`, ['log', 'bucket'], (set) =>
    routers().forEach((r) => r.counters.bucketLines.forEach((value, bucket) => set({ log: r.name, bucket: String(bucket) }, value))),
  );
  perLog('catch_all_lines_total', 'Lines sent to the catch-all file, per log and reason (unsafe name, over the vhost cap, no vhost field).', ['log', 'reason'], (set) =>
    routers().forEach((r) => Object.entries(r.counters.catchAllLines).forEach(([reason, value]) => set({ log: r.name, reason }, value))),
  );
  perLog('unmatched_lines_total', 'Lines matching none of `match`, per log and what happened to them.', ['log', 'disposition'], (set) =>
    routers().forEach((r) => {
      set({ log: r.name, disposition: 'written' }, r.counters.unmatchedLines - r.counters.unmatchedDropped);
      set({ log: r.name, disposition: 'dropped' }, r.counters.unmatchedDropped);
    }),
  );
  readLabelledGauge(registry, `${PREFIX}vhosts`, 'Distinct vhosts given their own file, per log.', ['log'], (set) => routers().forEach((r) => set({ log: r.name }, r.counters.vhosts)));
}
