/** The `/status` document: what the collector is doing, as JSON for operators and scripts. */
import type { CollectorEngine, CollectorTelemetry } from '@ringlog/collector';
import type { FileCacheStats } from '@ringlog/vhost-files';

export interface CollectorStatus {
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly daemon: { readonly endpoint: string; readonly connected: boolean; readonly embedded: boolean };
  readonly groups: readonly string[];
  readonly paused: boolean;
  readonly pendingBytes: number;
  readonly messages: number;
  readonly messageBytes: number;
  readonly reconnects: number;
  readonly files: FileCacheStats;
  readonly logs: readonly LogStatus[];
}

export interface LogStatus {
  readonly name: string;
  readonly groups: readonly string[];
  readonly lines: number;
  readonly bytes: number;
  readonly vhosts: number;
  readonly catchAllLines: Readonly<Record<string, number>>;
  readonly unmatchedLines: number;
  readonly unmatchedDropped: number;
}

export interface StatusSources {
  readonly engine: CollectorEngine;
  readonly telemetry: CollectorTelemetry;
  readonly endpoint: string;
  readonly embedded: boolean;
  readonly startedAtMs: number;
  readonly version: string;
}

export function collectorStatus(sources: StatusSources): CollectorStatus {
  const { engine, telemetry } = sources;
  return {
    version: sources.version,
    uptimeSeconds: Math.round((Date.now() - sources.startedAtMs) / 1000),
    daemon: { endpoint: sources.endpoint, connected: telemetry.counters.connected, embedded: sources.embedded },
    groups: engine.groups,
    paused: engine.paused,
    pendingBytes: engine.pendingBytes,
    messages: telemetry.counters.messages,
    messageBytes: telemetry.counters.messageBytes,
    reconnects: telemetry.counters.reconnects,
    files: engine.fileStats(),
    logs: engine.routers.map((router) => ({
      name: router.name,
      groups: router.groups,
      lines: router.counters.lines,
      bytes: router.counters.bytes,
      vhosts: router.counters.vhosts,
      catchAllLines: { ...router.counters.catchAllLines },
      unmatchedLines: router.counters.unmatchedLines,
      unmatchedDropped: router.counters.unmatchedDropped,
    })),
  };
}
