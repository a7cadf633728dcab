/** The `/status` document and the health verdict of a shipper. */
import type { Health } from '@ringlog/daemon-app';
import type { ShipperParts } from './shipper-parts.ts';

/** Warn before the spool fills: past this share of spool.max_bytes /healthz says unhealthy. */
const SPOOL_WARN_FRACTION = 0.9;

export function shipperStatus(parts: ShipperParts, startedAtMs: number, version: string) {
  const { engine, spool, sender } = parts;
  return {
    version,
    uptimeSeconds: Math.round((Date.now() - startedAtMs) / 1000),
    upstream: {
      endpoint: parts.endpoint,
      embedded: parts.embedded,
      ...sender.stats,
      unconfirmedBytes: sender.unconfirmedBytes,
    },
    queue: { openBytes: engine.openBytes, paused: engine.paused, unspooledBatches: engine.unspooledBatches },
    spool: {
      pendingBytes: spool.pendingBytes,
      pendingRecords: spool.pendingRecords,
      maxBytes: parts.spoolMaxBytes,
      ackedOffset: spool.ackedOffset,
      endOffset: spool.endOffset,
      ...spool.stats,
    },
    engine: { ...engine.stats },
    inputs: parts.inputs.map((input) => ({
      name: input.handle.name,
      type: input.handle.type,
      at: input.describe(),
      group: input.handle.route.group,
      vhostBuckets: input.handle.route.vhostBuckets,
      lines: input.handle.stats.lines,
      bytes: input.handle.stats.bytes,
      connections: input.handle.stats.connections,
      connectionsTotal: input.handle.stats.connectionsTotal,
      errors: { ...input.handle.stats.errors },
      drops: { ...input.handle.stats.drops },
    })),
  };
}

export type ShipperStatus = ReturnType<typeof shipperStatus>;

/**
 * Healthy = connected upstream and the spool has room. Disconnected is not yet losing lines
 * (the spool holds them) but it will once the spool fills, so both deserve a page.
 */
export function shipperHealth(parts: ShipperParts): Health {
  const { sender, spool, engine } = parts;
  const base = { connected: sender.connected, spoolBytes: spool.pendingBytes, paused: engine.paused };
  if (!sender.connected) return { code: 503, body: { status: 'unhealthy', ...base, reason: `not connected to the daemon at ${parts.endpoint}; lines are spooled` } };
  if (engine.paused) return { code: 503, body: { status: 'unhealthy', ...base, reason: 'the spool is full: inputs are paused' } };
  if (spool.pendingBytes > parts.spoolMaxBytes * SPOOL_WARN_FRACTION) return { code: 503, body: { status: 'unhealthy', ...base, reason: 'the spool is over 90% full' } };
  if (engine.unspooledBatches > 0) return { code: 503, body: { status: 'unhealthy', ...base, reason: 'spool writes are failing' } };
  return { code: 200, body: { status: 'ok', ...base } };
}
