/**
 * Semantic checks of the collector config that JSON schema cannot express, named by the schema's
 * `ringlogCheck`. Each ignores values of the wrong type, which the schema's `type` keyword
 * already reports, and answers relative to the value it is given.
 */
import { posix } from 'node:path';
import { adminListenProblem } from './admin-listen.ts';
import type { CheckFinding, ValueCheck } from './config-schema.ts';
import { isRecord } from './config-path.ts';
import { FILE_MODE_PATTERN } from './collector-limits.ts';
import { matchPatternProblem } from './match-pattern.ts';
import { collectorDaemonProblem } from './spread-name.ts';
import { absoluteDirectoryProblem } from './absolute-directory.ts';
import { splitTemplateProblem } from './split-path-template.ts';
import { scanStrftime } from './strftime-pattern.ts';

export const COLLECTOR_CONFIG_CHECKS: Readonly<Record<string, ValueCheck>> = {
  'no-nul': (value) => (typeof value === 'string' && value.includes('\0') ? 'must not contain NUL' : undefined),
  'absolute-path': (value) => (typeof value === 'string' ? absolutePathProblem(value) : undefined),
  'absolute-directory': (value) => (typeof value === 'string' ? absoluteDirectoryProblem(value) : undefined),
  'spread-daemon': (value) => (typeof value === 'string' ? collectorDaemonProblem(value) : undefined),
  'reconnect-delays': checkReconnectDelays,
  'admin-listen': (value) => (typeof value === 'string' ? adminListenProblem(value) : undefined),
  'octal-mode': checkOctalMode,
  'log-list': checkLogList,
  'log-entry': checkLogEntry,
  'group-list': checkGroupList,
  'split-path': (value) => (typeof value === 'string' ? splitTemplateProblem(value, { vhost: 'required' }) : undefined),
  'catch-all-path': (value) => (typeof value === 'string' ? catchAllProblem(value) : undefined),
  'match-pattern': (value) => (typeof value === 'string' ? matchPatternProblem(value) : undefined),
  'rewrite-timestamp': (value) => (typeof value === 'string' ? rewriteTimestampProblem(value) : undefined),
  'pipe-command': checkPipeCommand,
  rotate: checkRotate,
  'rotate-interval': (value) => (typeof value === 'string' ? rotateIntervalProblem(value) : undefined),
};

/**
 * A vhost name never starts with "_", so a catch_all whose first segment does can never be a
 * vhost's file or directory (with "fallback.log", a vhost of that name would take the path).
 */
function catchAllProblem(path: string): string | undefined {
  const problem = splitTemplateProblem(path, { vhost: 'forbidden' });
  if (problem !== undefined) return problem;
  if (!path.startsWith('_')) return `must start with "_" (e.g. "_catchall/access.log"), so no vhost can have the same path (got ${JSON.stringify(path.slice(0, 60))})`;
  return undefined;
}

function absolutePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL';
  if (!path.startsWith('/')) return `must be an absolute path (got ${JSON.stringify(path.slice(0, 60))})`;
  if (path.endsWith('/')) return 'must name a file, not end with "/"';
  return undefined;
}

function checkReconnectDelays(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const initial = value['reconnect_initial_delay_ms'];
  const max = value['reconnect_max_delay_ms'];
  if (typeof initial !== 'number' || typeof max !== 'number' || max >= initial) return [];
  return [{ path: ['reconnect_max_delay_ms'], message: `must be at least reconnect_initial_delay_ms (${initial})` }];
}

/** Modes are strings: YAML 1.2 reads an unquoted 0755 as the decimal number 755. */
function checkOctalMode(value: unknown): string | undefined {
  if (typeof value === 'string' && FILE_MODE_PATTERN.test(value)) return undefined;
  const got = typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : String(value);
  const hint = typeof value === 'number' ? '; quote it, as YAML reads an unquoted 0755 as the number 755' : '';
  return `must be an octal mode string such as "0755" (got ${got})${hint}`;
}

function checkGroupList(value: unknown): CheckFinding[] {
  if (!Array.isArray(value)) return [];
  const seen = new Map<string, number>();
  const findings: CheckFinding[] = [];
  value.forEach((group, index) => {
    if (typeof group !== 'string') return;
    const earlier = seen.get(group);
    if (earlier === undefined) seen.set(group, index);
    else findings.push({ path: [index], message: `duplicate group ${JSON.stringify(group)} (also groups[${earlier}])` });
  });
  return findings;
}

const OUTPUT_KEYS = ['file', 'split', 'pipe'] as const;

/** Exactly one output; unmatched_file only with match; rotate only for files. */
function checkLogEntry(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const findings: CheckFinding[] = [];
  const outputs = OUTPUT_KEYS.filter((key) => value[key] !== undefined);
  if (outputs.length === 0) findings.push({ message: 'needs one output: file, split or pipe' });
  if (outputs.length > 1) {
    findings.push({ path: [outputs[1] ?? 'file'], message: `has ${outputs.join(' and ')}; a log writes to exactly one of file, split or pipe` });
  }
  const match = value['match']; // undefined when the check runs before the schema fills in the default
  if (value['unmatched_file'] !== undefined && (match === undefined || (Array.isArray(match) && match.length === 0))) {
    findings.push({ path: ['unmatched_file'], message: 'is only used with match (without match every line passes)' });
  }
  if (value['rotate'] !== undefined && value['pipe'] !== undefined) {
    findings.push({ path: ['rotate'], message: 'applies to file and split outputs, not to pipe' });
  }
  return findings;
}

/** Log names are unique, and no two outputs of any logs are the same file. */
function checkLogList(value: unknown): CheckFinding[] {
  if (!Array.isArray(value)) return [];
  const findings: CheckFinding[] = [];
  const names = new Map<string, number>();
  const files = new Map<string, string>();
  value.forEach((log, index) => {
    if (!isRecord(log)) return;
    const name = log['name'];
    if (typeof name === 'string') {
      const earlier = names.get(name);
      if (earlier === undefined) names.set(name, index);
      else findings.push({ path: [index, 'name'], message: `duplicate log name ${JSON.stringify(name)} (also logs[${earlier}])` });
    }
    for (const key of ['file', 'unmatched_file'] as const) {
      const path = log[key];
      if (typeof path !== 'string' || absolutePathProblem(path) !== undefined) continue;
      const normal = posix.normalize(path);
      const owner = `logs[${index}].${key}`;
      const earlier = files.get(normal);
      if (earlier === undefined) files.set(normal, owner);
      else findings.push({ path: [index, key], message: `${JSON.stringify(path.slice(0, 80))} is also written by ${earlier}; each file has one writer` });
    }
  });
  return findings;
}

/**
 * `none`, `clf`, or a strftime pattern with at least one conversion, all known. The pattern
 * replaces what is between a line's first "[" and the next "]" (the collector's timestamp rewriter).
 */
export function rewriteTimestampProblem(text: string): string | undefined {
  if (text === 'none' || text === 'clf') return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text)) return 'must not contain control characters';
  if (text.includes('[') || text.includes(']')) {
    return 'must not contain "[" or "]": the pattern replaces the text between the brackets, which stay';
  }
  const scan = scanStrftime(text);
  if (scan.problem !== undefined) return scan.problem;
  if (scan.conversions === 0) return `must be "none", "clf" or a strftime pattern with at least one % conversion (got ${JSON.stringify(text.slice(0, 60))})`;
  return undefined;
}

function checkPipeCommand(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') return 'must be a shell command, not empty';
  if (value.includes('\0')) return 'must not contain NUL';
  return undefined;
}

function checkRotate(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (value['size'] === undefined && value['interval'] === undefined) return 'needs size, interval or both';
  return undefined;
}

const INTERVAL_DIVIDES: Readonly<Record<string, number>> = { s: 60, m: 60, h: 24 };

/** rotating-file-stream's rule: seconds and minutes divide 60, hours divide 24. */
export function rotateIntervalProblem(text: string): string | undefined {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const whole = INTERVAL_DIVIDES[match[2] ?? ''];
  if (whole === undefined || whole % amount === 0) return undefined;
  return `"${text}" does not divide ${whole === 24 ? 'a day' : match[2] === 'm' ? 'an hour' : 'a minute'} evenly (rotating-file-stream needs seconds and minutes that divide 60, hours that divide 24)`;
}
