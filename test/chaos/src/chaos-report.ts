/** The outcome of one chaos run, the pass rule, and its printed summary. */
import { SERVICE_NAMES } from './chaos-service.ts';
import { ChaosAction, type ChaosEvent } from './chaos-events.ts';
import type { CollectorComparison } from './compare-collectors.ts';
import type { StopRecord } from './chaos-topology.ts';
import type { LoadTotals } from './load-generator.ts';
import type { SettleResult } from './settle.ts';
import type { CollectorVerdict } from './verify-collector.ts';

export interface ChaosReport {
  readonly seed: number;
  readonly durationS: number;
  readonly rateLinesPerSec: number;
  readonly chaos: boolean;
  readonly dir: string;
  readonly kept: boolean;
  readonly events: readonly ChaosEvent[];
  readonly load: LoadTotals & { readonly sentLines: number; readonly acceptedLines: number; readonly uncertainLines: number };
  readonly settle: SettleResult;
  readonly collectors: readonly [CollectorVerdict, CollectorVerdict];
  readonly comparison: CollectorComparison;
  /** Processes that did not exit 0 on the final SIGTERM. */
  readonly uncleanStops: readonly StopRecord[];
  /** Whether this run required byte-identical files (no collector-side process was a victim). */
  readonly byteIdenticalExpected: boolean;
  readonly passed: boolean;
  readonly replayCommand: string;
}

/** lost = duplicated = unknown = 0 at both collectors, and both hold the same lines in the same order per writer. */
export function passes(collectors: readonly CollectorVerdict[], comparison: CollectorComparison, byteIdenticalExpected: boolean): boolean {
  const clean = collectors.every((verdict) => verdict.lost === 0 && verdict.duplicated === 0 && verdict.unknown === 0);
  return clean && comparison.sameLines && comparison.samePerWriterOrder && (comparison.byteIdentical || !byteIdenticalExpected);
}

const SCHEDULE_KILLS_PER_LINE = 8;
const number = (value: number): string => value.toLocaleString('en-US');
const yesNo = (value: boolean): string => (value ? 'yes' : 'NO');

export function formatReport(report: ChaosReport): string[] {
  return [
    '',
    `Summary: seed ${report.seed}, ${report.durationS} s at ${number(report.rateLinesPerSec)} lines/s${report.chaos ? '' : ', no chaos'}`,
    eventsLine(report.events),
    ...scheduleLines(report.events),
    loadLine(report.load),
    settleLine(report.settle),
    stopsLine(report.uncleanStops),
    '',
    ...verdictTable(report.collectors),
    '',
    ...comparisonLines(report.comparison, report.byteIdenticalExpected),
    ...exampleLines(report.collectors),
    '',
    report.passed ? `PASS: every accepted line exactly once at both collectors, and both hold the same lines${report.byteIdenticalExpected ? ', byte for byte' : ''}.` : 'FAIL',
    ...(report.passed ? [] : [`Replay: ${report.replayCommand}`]),
    ...(report.kept ? [`Kept the run's directory (configs, state, output, each process's log, report.txt): ${report.dir}`] : []),
  ];
}

function eventsLine(events: readonly ChaosEvent[]): string {
  const kills = events.filter((event) => event.action === ChaosAction.KILL);
  const perService = SERVICE_NAMES.map((name) => `${name} ${kills.filter((event) => event.service === name).length}`).join(', ');
  const crashes = events.filter((event) => event.action === ChaosAction.CRASH).length;
  const failedRestarts = events.filter((event) => event.action === ChaosAction.RESTART_FAILED).length;
  return `Chaos: ${kills.length} kills (${perService}); ${crashes} exits on their own; ${failedRestarts} failed restarts`;
}

/** The kills as they happened (time and victim), a few per line: the schedule the seed replays. */
function scheduleLines(events: readonly ChaosEvent[]): string[] {
  const kills = events.filter((event) => event.action === ChaosAction.KILL).map((event) => `${(event.atMs / 1000).toFixed(1)}s ${event.service}`);
  const lines: string[] = [];
  for (let index = 0; index < kills.length; index += SCHEDULE_KILLS_PER_LINE) lines.push(`  ${index === 0 ? 'kills at' : '        '} ${kills.slice(index, index + SCHEDULE_KILLS_PER_LINE).join(', ')}`);
  return lines;
}

function loadLine(load: ChaosReport['load']): string {
  const failures = Object.entries(load.failures).map(([reason, count]) => `${reason} ${number(count)}`);
  const failed = load.requests - load.acceptedRequests;
  return `Load: ${number(load.sentLines)} lines in ${number(load.requests)} requests: ${number(load.acceptedLines)} accepted, ${number(load.uncertainLines)} uncertain (${number(failed)} failed requests${failures.length === 0 ? '' : `: ${failures.join(', ')}`})`;
}

function settleLine(settle: SettleResult): string {
  const seconds = (settle.waitedMs / 1000).toFixed(1);
  if (settle.complete) return `Settle: both collectors held every accepted line after ${seconds} s`;
  return `Settle: gave up after ${seconds} s with ${settle.missing.map((count, index) => `collector${index + 1} lacking ${number(count)}`).join(', ')} accepted lines`;
}

function stopsLine(unclean: readonly StopRecord[]): string {
  if (unclean.length === 0) return 'Stop: every process exited 0 on SIGTERM';
  const described = unclean.map(({ name, outcome }) => `${name} ${outcome.killed ? 'overstayed and was killed' : JSON.stringify(outcome.exit)}`);
  return `Stop: NOT clean: ${described.join('; ')}`;
}

function verdictTable(collectors: readonly CollectorVerdict[]): string[] {
  const rows: [string, (verdict: CollectorVerdict) => string][] = [
    ['files', (verdict) => number(verdict.files)],
    ['lines in files', (verdict) => number(verdict.lines)],
    ['lost (accepted, absent)', (verdict) => number(verdict.lost)],
    ['duplicated (of them uncertain)', (verdict) => `${number(verdict.duplicated)} (${number(verdict.duplicatedUncertain)})`],
    ['extra copies', (verdict) => number(verdict.extraCopies)],
    ['unknown', (verdict) => number(verdict.unknown)],
    ['uncertain lines present', (verdict) => number(verdict.uncertainPresent)],
    ['writer order inversions', (verdict) => number(verdict.orderInversions)],
  ];
  const header = `${''.padEnd(32)}${'collector1'.padStart(14)}${'collector2'.padStart(14)}`;
  return [header, ...rows.map(([label, cell]) => `${label.padEnd(32)}${collectors.map((verdict) => cell(verdict).padStart(14)).join('')}`)];
}

function comparisonLines(comparison: CollectorComparison, byteIdenticalExpected: boolean): string[] {
  const required = byteIdenticalExpected ? 'required' : 'not required: --allow-different-bytes';
  const onlyFiles = comparison.sameFileList ? '' : ` (only at collector1: ${comparison.onlyInFirst.join(', ') || '-'}; only at collector2: ${comparison.onlyInSecond.join(', ') || '-'})`;
  return [
    `Collectors compared: same files: ${yesNo(comparison.sameFileList)}${onlyFiles}`,
    `  byte-identical files: ${yesNo(comparison.byteIdentical)} (${comparison.byteIdenticalFiles} of ${comparison.commonFiles} common files; ${required})`,
    `  same lines: ${yesNo(comparison.sameLines)} (only at collector1: ${number(comparison.linesOnlyInFirst)}, only at collector2: ${number(comparison.linesOnlyInSecond)})`,
    `  same order per writer: ${yesNo(comparison.samePerWriterOrder)} (${comparison.writerOrderDifferences} file-writer pairs differ)`,
  ];
}

function exampleLines(collectors: readonly CollectorVerdict[]): string[] {
  return collectors.flatMap((verdict, index) => {
    const { lost, duplicated, unknown } = verdict.examples;
    const parts = [lost.length > 0 ? `lost ${lost.join(', ')}` : '', duplicated.length > 0 ? `duplicated ${duplicated.join(', ')}` : '', ...unknown.map((line) => `unknown "${line}"`)];
    const shown = parts.filter((part) => part !== '');
    return shown.length === 0 ? [] : [`  e.g. collector${index + 1}: ${shown.join('; ')}`];
  });
}
