// Fake-but-valid status reports, and rounds built from them, for the monitor's tests.
import type { RingStatusReport } from '@ringlog/ring';
import type { MonitorReply, MonitorRound, MonitorTarget } from '../../src/internal.ts';

export interface FakeReportParts {
  readonly phase?: RingStatusReport['phase'];
  readonly ring?: RingStatusReport['ring'];
  readonly tokensRetransmitted?: number;
  readonly packetsRetransmitted?: number;
  readonly incarnation?: number;
  readonly sessions?: number;
}

export function fakeReport(daemon: string, parts: FakeReportParts = {}): RingStatusReport {
  return {
    daemon,
    incarnation: parts.incarnation ?? 1000,
    phase: parts.phase ?? 'operational',
    ring: parts.ring === undefined ? { id: 'd1/1000/7', members: ['d1', 'd2', 'd3'] } : parts.ring,
    stats: {
      tokenVisits: 500,
      tokenRotationMs: 2.5,
      tokensRetransmitted: parts.tokensRetransmitted ?? 1,
      packetsSent: 900,
      packetsRetransmitted: parts.packetsRetransmitted ?? 4,
      tokenLosses: 0,
      gathers: 1,
      installs: 1,
      malformedPackets: 0,
    },
    sessions: parts.sessions ?? 12,
    groups: 3,
    pendingMessages: 0,
    transport: { packetsSent: 1400, packetsReceived: 1390, dropped: { auth: 2, duplicate: 1, stale: 0 } },
    uptimeMs: 60_000,
  };
}

export function target(name: string, port = 4803): MonitorTarget {
  return { name, address: '127.0.0.1', port };
}

export function answered(report: RingStatusReport, name = report.daemon): MonitorReply {
  return { kind: 'report', target: target(name), report, raw: report };
}

export function silent(name: string): MonitorReply {
  return { kind: 'no_answer', target: target(name), error: 'no reply within 500 ms' };
}

export function round(timeMs: number, replies: readonly MonitorReply[]): MonitorRound {
  return { timeMs, replies };
}
