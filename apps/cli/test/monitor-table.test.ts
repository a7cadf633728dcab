// ringlog monitor's pure parts: checking replies, the agreement line, the table and the JSON line.
import { describe, expect, it } from 'vitest';
import {
  everyDaemonAnswered,
  formatMonitorRound,
  formatMonitorRoundJson,
  formatMonitorTable,
  formatRingAgreement,
  monitorReply,
  parseStatusReply,
} from '../src/internal.ts';
import { answered, fakeReport, round, silent, target } from './support/ring-status-fixtures.ts';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function malformedReason(value: unknown): string {
  const parsed = parseStatusReply(typeof value === 'string' ? value : JSON.stringify(value));
  if (parsed.ok) throw new Error('expected a malformed reply');
  return parsed.error;
}

describe('parseStatusReply', () => {
  it('monitor report - a valid report comes back typed, with the raw object kept', () => {
    const report = { ...fakeReport('d1'), extra: 'from a newer daemon' };
    const parsed = parseStatusReply(JSON.stringify(report));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.report).toEqual(fakeReport('d1'));
    expect(parsed.raw).toEqual(report);
    expect(parseStatusReply(JSON.stringify(fakeReport('d1', { ring: null, phase: 'gather' }))).ok).toBe(true);
  });

  it('monitor report - anything else is a one-line reason, never a throw', () => {
    const good = fakeReport('d1');
    expect(malformedReason('{not json')).toBe('malformed reply: not JSON');
    expect(malformedReason([good])).toBe('malformed reply: the reply is not an object');
    expect(malformedReason(null)).toBe('malformed reply: the reply is not an object');
    expect(malformedReason({ ...good, phase: 'dancing' })).toMatch(/phase "dancing" is not one of gather, commit, recovery, operational/);
    expect(malformedReason({ ...good, daemon: 7 })).toMatch(/daemon is not a string/);
    expect(malformedReason({ ...good, daemon: 'd1\u001b[2J' })).toMatch(/daemon holds control/);
    expect(malformedReason({ ...good, ring: { id: 'r', members: [] } })).toMatch(/ring.members has 0 entries/);
    expect(malformedReason({ ...good, ring: { id: 'r', members: ['a b'] } })).toMatch(/ring.members\[0\] holds control, format or space/);
    expect(malformedReason({ ...good, ring: { id: 'r\u202e', members: ['a'] } })).toMatch(/ring.id holds/);
    expect(malformedReason({ ...good, stats: { ...good.stats, tokenRotationMs: -1 } })).toMatch(/stats.tokenRotationMs is not a number >= 0/);
    expect(malformedReason({ ...good, stats: { ...good.stats, installs: '1' } })).toMatch(/stats.installs/);
    expect(malformedReason({ ...good, sessions: undefined })).toMatch(/sessions is not a number/);
    expect(malformedReason({ ...good, transport: { ...good.transport, dropped: { auth: 'x' } } })).toMatch(/transport.dropped.auth/);
    expect(malformedReason({ ...good, transport: 5 })).toMatch(/transport is not an object/);
    expect(malformedReason({ ...good, daemon: 'x'.repeat(129) })).toMatch(/daemon is not 1..128 characters/);
  });
});

describe('formatRingAgreement', () => {
  it('monitor agreement - every daemon on one ring', () => {
    const replies = ['d1', 'd2', 'd3'].map((name) => answered(fakeReport(name)));
    expect(formatRingAgreement(replies)).toBe('ring d1/1000/7: d1 d2 d3 — all 3 daemons agree');
    expect(formatRingAgreement([answered(fakeReport('d1', { ring: { id: 'd1/9/1', members: ['d1'] } }))])).toBe('ring d1/9/1: d1 — its only daemon answers');
  });

  it('monitor agreement - disagreeing rings are each named with the daemons that report them', () => {
    const replies = [
      answered(fakeReport('d1', { ring: { id: 'd1/1000/8', members: ['d1', 'd2'] } })),
      answered(fakeReport('d2', { ring: { id: 'd1/1000/8', members: ['d1', 'd2'] } })),
      answered(fakeReport('d3', { ring: { id: 'd3/1000/2', members: ['d3'] } })),
      answered(fakeReport('d4', { ring: null, phase: 'gather' })),
    ];
    expect(formatRingAgreement(replies)).toBe('daemons disagree: d1 d2 on ring d1/1000/8 (d1 d2), d3 on ring d3/1000/2 (d3), d4 without a ring');
  });

  it('monitor agreement - the same id with other members is a disagreement too', () => {
    const replies = [answered(fakeReport('d1')), answered(fakeReport('d2', { ring: { id: 'd1/1000/7', members: ['d1', 'd2'] } }))];
    expect(formatRingAgreement(replies)).toBe('daemons disagree: d1 on ring d1/1000/7 (d1 d2 d3), d2 on ring d1/1000/7 (d1 d2)');
  });

  it('monitor agreement - daemons that do not answer, or answer badly, are named', () => {
    const malformed = monitorReply(target('d4'), { target: target('d4'), json: '[]' });
    const replies = [answered(fakeReport('d1')), answered(fakeReport('d2')), silent('d3'), malformed];
    expect(formatRingAgreement(replies)).toBe('ring d1/1000/7: d1 d2 d3 — 2 of 4 daemons agree; no answer from d3; malformed reply from d4');
    expect(formatRingAgreement([silent('d1'), silent('d2')])).toBe('no daemon answers (2 daemons configured); no answer from d1 d2');
  });

  it('monitor agreement - no ring installed anywhere', () => {
    const replies = [answered(fakeReport('d1', { ring: null, phase: 'gather' })), answered(fakeReport('d2', { ring: null, phase: 'commit' }))];
    expect(formatRingAgreement(replies)).toBe('no ring installed — all 2 daemons agree');
  });
});

describe('formatMonitorTable', () => {
  it('monitor table - a row per daemon in config order, reasons for those without a report', () => {
    const malformed = monitorReply(target('d4'), { target: target('d4'), json: '{"daemon":"d4"}' });
    const table = formatMonitorTable(round(T0, [answered(fakeReport('d1')), answered(fakeReport('d2', { sessions: 1234 })), silent('d3'), malformed]), null);
    expect(table.split('\n')).toEqual([
      'daemon  state        ring       members      rotation ms  token rtx  packet rtx  sessions  groups  pending  dropped',
      'd1      operational  d1/1000/7  3: d1 d2 d3          2.5          1           4        12       3        0        3',
      'd2      operational  d1/1000/7  3: d1 d2 d3          2.5          1           4      1234       3        0        3',
      'd3      no answer    no reply within 500 ms',
      'd4      malformed    malformed reply: phase is not a string',
      '',
    ]);
  });

  it('monitor table - a daemon answering under another name, long member lists, no ring', () => {
    const many = Array.from({ length: 20 }, (_unused, index) => `daemon${index}`);
    const table = formatMonitorTable(
      round(T0, [answered(fakeReport('d9', { ring: { id: 'r/1/1', members: many } }), 'd1'), answered(fakeReport('d2', { ring: null, phase: 'gather' }))]),
      null,
    );
    const [, first, second] = table.split('\n');
    expect(first).toMatch(/^d1 \(says d9\) {2}operational {2}r\/1\/1 {2}20: daemon0 daemon1 daemon2 daemon3 dae… {2}/);
    expect(second).toMatch(/^d2 {12}gather {7}- {6}- {2}/);
  });

  it('monitor table - retransmit rates per second against the previous round of the same run', () => {
    const before = round(T0, [answered(fakeReport('d1')), answered(fakeReport('d2')), answered(fakeReport('d3'))]);
    const after = round(T0 + 2000, [
      answered(fakeReport('d1', { tokensRetransmitted: 5, packetsRetransmitted: 104 })),
      answered(fakeReport('d2', { tokensRetransmitted: 3, incarnation: 2000 })), // restarted: no rate
      answered(fakeReport('d3', { packetsRetransmitted: 2 })), // counters went back: no rate
    ]);
    const rows = formatMonitorTable(after, before).split('\n');
    expect(rows[1]).toContain('  5 (2.0/s)  104 (50/s)  ');
    expect(rows[2]).toMatch(/ 3 +4 +12 /);
    expect(rows[2]).not.toContain('/s');
    expect(rows[3]).toMatch(/ 1 \(0\.0\/s\) +2 +12 /);
  });

  it('monitor round - title, agreement line, blank line, table', () => {
    const text = formatMonitorRound(round(T0, [answered(fakeReport('d1')), silent('d2')]), null, 'segment.yaml (yaml)');
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['2025-01-02T03:04:05.000Z  segment.yaml (yaml), 2 daemons', 'ring d1/1000/7: d1 d2 d3 — 1 of 2 daemons agree; no answer from d2', '']);
    expect(lines[3]).toMatch(/^daemon {2}state/);
  });
});

describe('monitor round helpers', () => {
  it('monitor json - one line per round, reports as sent, errors in their place', () => {
    const raw = { ...fakeReport('d1'), extra: 1 };
    const line = formatMonitorRoundJson(round(T0, [{ kind: 'report', target: target('d1', 4901), report: fakeReport('d1'), raw }, silent('d2')]));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2025-01-02T03:04:05.000Z',
      daemons: [
        { name: 'd1', address: '127.0.0.1', port: 4901, report: raw },
        { name: 'd2', address: '127.0.0.1', port: 4803, error: 'no reply within 500 ms' },
      ],
    });
  });

  it('monitor round - every daemon answered only when each sent a valid report', () => {
    const d1 = answered(fakeReport('d1'));
    expect(everyDaemonAnswered(round(T0, [d1, answered(fakeReport('d2'))]))).toBe(true);
    expect(everyDaemonAnswered(round(T0, [d1, silent('d2')]))).toBe(false);
    expect(everyDaemonAnswered(round(T0, [d1, monitorReply(target('d2'), { target: target('d2'), json: 'null' })]))).toBe(false);
    expect(monitorReply(target('d2'), undefined)).toEqual({ kind: 'no_answer', target: target('d2'), error: 'no result' });
  });
});
