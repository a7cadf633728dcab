/** One round of `ringlog monitor`: a status request to every daemon, and what came back. */
import { requestRingStatus, type RingStatusReport, type RingStatusResult } from '@ringlog/ring';
import type { MonitorSegment, MonitorTarget } from './monitor-segment.ts';
import { parseStatusReply } from './status-report.ts';

/** A daemon's answer: a checked report, no answer in time, or a reply that is not a report. */
export type MonitorReply =
  | { readonly kind: 'report'; readonly target: MonitorTarget; readonly report: RingStatusReport; readonly raw: unknown }
  | { readonly kind: 'no_answer'; readonly target: MonitorTarget; readonly error: string }
  | { readonly kind: 'malformed'; readonly target: MonitorTarget; readonly error: string };

export interface MonitorRound {
  /** When the requests went out (ms since the epoch); rates divide by the time between rounds. */
  readonly timeMs: number;
  /** One per daemon, in config order. */
  readonly replies: readonly MonitorReply[];
}

/** Asks every daemon of the segment once; rejects only when no socket can be bound. */
export async function pollMonitorRound(segment: MonitorSegment, timeoutMs: number, now: () => number = Date.now): Promise<MonitorRound> {
  const timeMs = now();
  const results = await requestRingStatus({
    key: segment.key,
    targets: segment.targets.map(({ address, port }) => ({ address, port })),
    timeoutMs,
  });
  return { timeMs, replies: segment.targets.map((target, index) => monitorReply(target, results[index])) };
}

/** Classifies one `requestRingStatus` result (undefined only if the results were short). */
export function monitorReply(target: MonitorTarget, result: RingStatusResult | undefined): MonitorReply {
  if (result?.json === undefined) return { kind: 'no_answer', target, error: result?.error ?? 'no result' };
  const parsed = parseStatusReply(result.json);
  if (!parsed.ok) return { kind: 'malformed', target, error: parsed.error };
  return { kind: 'report', target, report: parsed.report, raw: parsed.raw };
}

/** True when every daemon answered with a well-formed report. */
export function everyDaemonAnswered(round: MonitorRound): boolean {
  return round.replies.every((reply) => reply.kind === 'report');
}

/** `--json`: the round as one line, with each report as the daemon sent it. */
export function formatMonitorRoundJson(round: MonitorRound): string {
  const daemons = round.replies.map((reply) => {
    const { name, address, port } = reply.target;
    return reply.kind === 'report' ? { name, address, port, report: reply.raw } : { name, address, port, error: reply.error };
  });
  return `${JSON.stringify({ time: new Date(round.timeMs).toISOString(), daemons })}\n`;
}
