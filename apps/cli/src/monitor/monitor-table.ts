/**
 * What `ringlog monitor` prints for a round, as pure functions of the round (and the one before,
 * for rates): a title, one line on whether the daemons agree on a ring, and a table with a row
 * per daemon of the config.
 */
import type { RingStatusReport } from '@ringlog/ring';
import type { MonitorReply, MonitorRound } from './monitor-round.ts';

type Report = Extract<MonitorReply, { kind: 'report' }>;

/** Members shown in the table's cell; the agreement line lists them all. */
const MEMBERS_CELL_LENGTH_MAX = 40;
const COLUMN_GAP = '  ';

interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
  cell(report: RingStatusReport, name: string, rates: RateContext | null): string;
}

/** The same daemon run one round earlier, and the seconds between the rounds. */
interface RateContext {
  readonly previous: RingStatusReport;
  readonly seconds: number;
}

const COLUMNS: readonly Column[] = [
  { header: 'daemon', align: 'left', cell: (report, name) => (report.daemon === name ? name : `${name} (says ${report.daemon})`) },
  { header: 'state', align: 'left', cell: (report) => report.phase },
  { header: 'ring', align: 'left', cell: (report) => report.ring?.id ?? '-' },
  { header: 'members', align: 'left', cell: (report) => membersCell(report.ring) },
  { header: 'rotation ms', align: 'right', cell: (report) => formatNumber(report.stats.tokenRotationMs) },
  { header: 'token rtx', align: 'right', cell: (report, _name, rates) => withRate(report.stats.tokensRetransmitted, rates?.previous.stats.tokensRetransmitted, rates) },
  { header: 'packet rtx', align: 'right', cell: (report, _name, rates) => withRate(report.stats.packetsRetransmitted, rates?.previous.stats.packetsRetransmitted, rates) },
  { header: 'sessions', align: 'right', cell: (report) => String(report.sessions) },
  { header: 'groups', align: 'right', cell: (report) => String(report.groups) },
  { header: 'pending', align: 'right', cell: (report) => String(report.pendingMessages) },
  { header: 'dropped', align: 'right', cell: (report) => String(droppedPackets(report)) },
];

/** Title, agreement line, blank line, table; every line ends in a newline. */
export function formatMonitorRound(round: MonitorRound, previous: MonitorRound | null, source: string): string {
  const title = `${new Date(round.timeMs).toISOString()}  ${source}, ${plural(round.replies.length, 'daemon')}`;
  return `${title}\n${formatRingAgreement(round.replies)}\n\n${formatMonitorTable(round, previous)}`;
}

/**
 * One line: the ring every answering daemon agrees on ("ring d1/5/7: d1 d2 d3 — all 3 daemons
 * agree"), or the rings they disagree on, then the daemons that did not answer.
 */
export function formatRingAgreement(replies: readonly MonitorReply[]): string {
  const reports = replies.filter((reply): reply is Report => reply.kind === 'report');
  const tail = [namesOf(replies, 'no_answer', 'no answer from'), namesOf(replies, 'malformed', 'malformed reply from')].filter((part) => part !== '');
  const total = replies.length;
  if (reports.length === 0) return [`no daemon answers (${plural(total, 'daemon')} configured)`, ...tail].join('; ');
  const views = ringViews(reports);
  const [only] = views;
  if (views.length > 1 || only === undefined) {
    const parts = views.map((view) => `${view.daemons.join(' ')} ${view.ring === null ? 'without a ring' : `on ring ${view.ring.id} (${view.ring.members.join(' ')})`}`);
    return [`daemons disagree: ${parts.join(', ')}`, ...tail].join('; ');
  }
  const count = reports.length === total ? (total === 1 ? 'its only daemon answers' : `all ${total} daemons agree`) : `${reports.length} of ${total} daemons agree`;
  const head = only.ring === null ? `no ring installed — ${count}` : `ring ${only.ring.id}: ${only.ring.members.join(' ')} — ${count}`;
  return [head, ...tail].join('; ');
}

/** The table: a header, then a row per daemon in config order; daemons without a report show why. */
export function formatMonitorTable(round: MonitorRound, previous: MonitorRound | null): string {
  const seconds = previous === null ? 0 : (round.timeMs - previous.timeMs) / 1000;
  const rows = round.replies.map((reply): string[] => {
    if (reply.kind !== 'report') return [reply.target.name, reply.kind === 'no_answer' ? 'no answer' : 'malformed', reply.error];
    const before = previous?.replies.find((old) => old.target.name === reply.target.name);
    const rates = before?.kind === 'report' && seconds > 0 && sameRun(before.report, reply.report) ? { previous: before.report, seconds } : null;
    return COLUMNS.map((column) => column.cell(reply.report, reply.target.name, rates));
  });
  const table = [COLUMNS.map((column) => column.header), ...rows];
  // A row without a report has its reason in the third column, unpadded (it may be long), and
  // counts only for the widths of the first two.
  const padded = (row: readonly string[], index: number): boolean => row.length === COLUMNS.length || index < 2;
  const widths = COLUMNS.map((_column, index) => Math.max(...table.map((row) => (padded(row, index) ? (row[index]?.length ?? 0) : 0))));
  const lines = table.map((row) => {
    const cells = row.map((cell, index) => (padded(row, index) ? pad(cell, widths[index] ?? 0, COLUMNS[index]?.align ?? 'left') : cell));
    return cells.join(COLUMN_GAP).trimEnd();
  });
  return `${lines.join('\n')}\n`;
}

interface RingView {
  readonly ring: RingStatusReport['ring'];
  readonly daemons: string[];
}

/** Answering daemons grouped by the ring they report (id and members), in order of first mention. */
function ringViews(reports: readonly Report[]): RingView[] {
  const views = new Map<string, RingView>();
  for (const { target, report } of reports) {
    const key = report.ring === null ? '' : JSON.stringify([report.ring.id, report.ring.members]);
    const view = views.get(key) ?? { ring: report.ring, daemons: [] };
    view.daemons.push(target.name);
    views.set(key, view);
  }
  return [...views.values()];
}

function namesOf(replies: readonly MonitorReply[], kind: MonitorReply['kind'], label: string): string {
  const names = replies.filter((reply) => reply.kind === kind).map((reply) => reply.target.name);
  return names.length === 0 ? '' : `${label} ${names.join(' ')}`;
}

/** Counters only compare within one run of a daemon: a restart starts them from zero. */
function sameRun(before: RingStatusReport, now: RingStatusReport): boolean {
  return before.daemon === now.daemon && before.incarnation === now.incarnation;
}

function withRate(total: number, before: number | undefined, rates: RateContext | null): string {
  if (rates === null || before === undefined || total < before) return String(total);
  const perSecond = (total - before) / rates.seconds;
  return `${total} (${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s)`;
}

function membersCell(ring: RingStatusReport['ring']): string {
  if (ring === null) return '-';
  const text = `${ring.members.length}: ${ring.members.join(' ')}`;
  return text.length <= MEMBERS_CELL_LENGTH_MAX ? text : `${text.slice(0, MEMBERS_CELL_LENGTH_MAX - 1)}…`;
}

function droppedPackets(report: RingStatusReport): number {
  return Object.values(report.transport.dropped).reduce((sum, count) => sum + count, 0);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function pad(cell: string, width: number, align: 'left' | 'right'): string {
  return align === 'left' ? cell.padEnd(width) : cell.padStart(width);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
