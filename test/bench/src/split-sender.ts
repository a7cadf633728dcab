/**
 * The flooding sender of the collector benchmark: waits until the collector is a member of the
 * group, then multicasts the batches as fast as the daemon takes them (socket backpressure is
 * the only window: a shipper sends the same way).
 */
import { connect, type SpreadSession } from '@ringlog/client';

async function waitForMembers(session: SpreadSession, group: string, members: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const iterator = session[Symbol.asyncIterator]();
  session.join(group);
  for (;;) {
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(1, deadline - Date.now())).unref());
    const next = await Promise.race([iterator.next(), timeout]);
    if (next === 'timeout' || next.done === true) throw new Error(`group ${group} never had ${members} members`);
    if (next.value.type === 'membership' && next.value.group === group && next.value.members.length >= members) break;
  }
  session.leave(group);
}

/**
 * Waits until sending `sentBytes` keeps the receiver within its window; the collector benchmark
 * reads the collector's received bytes from /status. This stands in for the acknowledgements a
 * shipper gets from collectors: without any, a sender faster than the collector fills the
 * daemon's queue for the collector's session, and the daemon drops that session (as Spread does).
 */
export type SendWindow = (sentBytes: number) => Promise<void>;

/** Sends every batch to `group`; resolves when all are handed to the socket. Returns the start time. */
export async function floodBatches(daemon: string, group: string, batches: readonly Buffer[], window?: SendWindow): Promise<{ startedAtMs: number; session: SpreadSession }> {
  const session = await connect({ endpoint: daemon, name: 'flooder', membership: true });
  await waitForMembers(session, group, 2);
  const prepared = session.prepare({ service: 'AGREED', groups: [group] });
  const startedAtMs = performance.now();
  let sentBytes = 0;
  for (const batch of batches) {
    if (window !== undefined) await window(sentBytes);
    if (!session.send(prepared, batch)) await session.drained();
    sentBytes += batch.length;
  }
  return { startedAtMs, session };
}
