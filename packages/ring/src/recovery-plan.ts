import type { DaemonName, DataPacket, MemberInfo, RingId } from './packets.ts';
import { sameRing } from './packets.ts';

/**
 * What the members of a new ring that come from the same old ring (the transitional
 * members) must settle before they install it. Packets up to `lowAru` are held by all of
 * them; packets above it, up to `highSeq`, are re-sent by whoever holds them, so afterwards
 * every transitional member holds the same old packets. SAFE packets up to `stable` were
 * known to be held by every old member, so they may be delivered in the old regular
 * configuration; everything after the first gap or the first SAFE packet past `stable`
 * belongs to the transitional configuration.
 */
export interface RecoveryPlan {
  readonly oldRingId: RingId;
  readonly transitional: readonly DaemonName[];
  readonly lowAru: number;
  readonly highSeq: number;
  readonly stable: number;
}

export function recoveryPlan(
  oldRingId: RingId,
  members: readonly DaemonName[],
  infos: readonly (MemberInfo | null)[],
): RecoveryPlan {
  const transitional: DaemonName[] = [];
  let lowAru = Number.POSITIVE_INFINITY;
  let highSeq = 0;
  let stable = 0;
  members.forEach((name, index) => {
    const info = infos[index];
    if (info === null || info === undefined || !sameRing(info.oldRingId, oldRingId)) return;
    transitional.push(name);
    lowAru = Math.min(lowAru, info.oldAru);
    highSeq = Math.max(highSeq, info.oldHighSeq);
    stable = Math.max(stable, info.oldStable);
  });
  return { oldRingId, transitional, lowAru: Number.isFinite(lowAru) ? lowAru : 0, highSeq, stable };
}

/** The old packets this member re-sends in the new ring, in sequence order. */
export function packetsToResend(store: ReadonlyMap<number, DataPacket>, plan: RecoveryPlan): DataPacket[] {
  const packets: DataPacket[] = [];
  for (let seq = plan.lowAru + 1; seq <= plan.highSeq; seq += 1) {
    const packet = store.get(seq);
    if (packet !== undefined) packets.push(packet);
  }
  return packets;
}
