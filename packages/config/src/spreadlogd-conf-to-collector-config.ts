/**
 * A parsed spreadlogd.conf as a `CollectorConfig`, so a site migrates by pointing the collector
 * at its old file. One collector talks to one daemon: Spread blocks naming other daemons are an
 * error unless `spreadlogdBlock` picks one. Each Log block becomes a log (Log blocks writing the
 * same File become one log with several groups, as they shared one descriptor in spreadlogd).
 * The result goes through the same schema as YAML, and every problem is reported at the
 * spreadlogd.conf line and column its value came from.
 */
import { dirname, isAbsolute, posix, resolve } from 'node:path';
import { formatConfigPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { validateConfigValue } from './config-schema.ts';
import { COLLECTOR_CONFIG_SCHEMA } from './collector-config-schema.ts';
import type { CollectorConfig } from './collector-config-types.ts';
import { cloneDeepFrozen } from './deep-freeze.ts';
import { ConfigValidationError } from './errors.ts';
import { boundProblems, boundWarnings } from './problem.ts';
import type { ConfigProblem, ConfigWarning } from './problem.ts';
import { posixEreToJavaScript } from './posix-ere.ts';
import { selectSpreadlogdDaemon } from './spreadlogd-daemon-selection.ts';
import type { SpreadlogdConf, SpreadlogdLog, SpreadlogdValue } from './spreadlogd-conf-types.ts';

export interface SpreadlogdConversionOptions {
  /** Which Spread block to follow (0 = the first in the file) when the file names several daemons. */
  readonly spreadlogdBlock?: number;
  /** Where relative File and VhostDir paths are resolved; default: the directory of the config file. */
  readonly baseDir?: string;
}

interface Position {
  readonly line: number;
  readonly column: number;
}

/** One log being built, with where each of its values came from. */
interface LogDraft {
  readonly block: SpreadlogdLog;
  /** `Spread[0].Log[1]`, for messages. */
  readonly path: string;
  readonly output: { readonly key: 'file' | 'pipe' | 'split'; readonly target: string; readonly at: SpreadlogdValue };
  readonly groups: SpreadlogdValue[];
  readonly matches: readonly { readonly pattern: string; readonly at: SpreadlogdValue }[];
  readonly rewrite?: { readonly value: string; readonly at: SpreadlogdValue };
}

/** spreadlogd kept at most this many Match patterns per Log (config.c). */
const SPREADLOGD_MATCHES_MAX = 10;

type Warn = (line: number, message: string) => void;

export function spreadlogdConfToCollectorConfig(
  conf: SpreadlogdConf,
  options: SpreadlogdConversionOptions = {},
): { config: CollectorConfig; warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [...conf.warnings];
  const warn: Warn = (line, message) => warnings.push({ file: conf.file, line, message });
  if (conf.bufferSize !== undefined) {
    warn(conf.bufferSize.line, `BufferSize = ${conf.bufferSize.text} is ignored: ringlog has no fixed message buffer (spreadlogd dropped longer messages; ringlog writes them whole)`);
  }
  const selection = selectSpreadlogdDaemon(conf, options.spreadlogdBlock, warn);
  const problems: ConfigProblem[] = [];
  const problem = (at: Position, path: string, message: string): void => {
    problems.push({ file: conf.file, line: at.line, column: at.column, path, message });
  };
  const baseDir = options.baseDir ?? dirname(resolve(conf.file));
  const drafts = mergeSharedOutputs(draftLogs(selection.logs, baseDir, warn, problem), problem);
  const origins = new Map<string, Position>([
    ['collector.daemon', selection.daemonAt],
    ['logs', selection.blockAt],
  ]);
  const value = { collector: { daemon: selection.daemon }, logs: emitLogs(drafts, origins) };
  const validation = validateConfigValue(value, COLLECTOR_CONFIG_SCHEMA);
  if (!validation.ok) {
    for (const found of validation.problems) problem(originOf(found.path, origins, selection.blockAt), formatConfigPath(found.path), found.message);
  }
  if (problems.length > 0 || !validation.ok) throw new ConfigValidationError(boundProblems(problems));
  const ordered = [...warnings].sort((a, b) => a.line - b.line);
  return { config: cloneDeepFrozen(validation.value), warnings: boundWarnings(ordered) };
}

function draftLogs(
  blocks: readonly { readonly log: SpreadlogdLog; readonly path: string }[],
  baseDir: string,
  warn: Warn,
  problem: (at: Position, path: string, message: string) => void,
): LogDraft[] {
  const groupOwners = new Map<string, SpreadlogdLog>();
  const drafts: LogDraft[] = [];
  for (const { log, path } of blocks) {
    const { group } = log;
    if (group === undefined) continue; // the parser refused it
    const owner = groupOwners.get(group.text);
    if (owner !== undefined) {
      problem(group, `${path}.Group`, `group ${JSON.stringify(group.text)} is already logged by the Log block on line ${owner.line}; spreadlogd silently used only the first, so merge the two or remove one`);
      continue;
    }
    groupOwners.set(group.text, log);
    const output = logOutput(log, baseDir, warn);
    if (output === undefined) continue;
    const rewrite = rewriteOf(log, path, warn, problem);
    drafts.push({ block: log, path, output, groups: [group], matches: log.vhostDir === undefined ? matchesOf(log, warn) : [], ...(rewrite === undefined ? {} : { rewrite }) });
  }
  return drafts;
}

function logOutput(log: SpreadlogdLog, baseDir: string, warn: Warn): LogDraft['output'] | undefined {
  if (log.vhostDir !== undefined) {
    if (log.file !== undefined) warn(log.file.line, 'File is ignored in a Log block with VhostDir: spreadlogd writes only the per-vhost files');
    if (log.matches.length > 0) warn(log.matches[0]?.line ?? log.line, 'Match is ignored in a Log block with VhostDir, as spreadlogd ignored it; add match: in a YAML config to filter');
    return { key: 'split', target: absolute(log.vhostDir, 'VhostDir', baseDir, warn), at: log.vhostDir };
  }
  if (log.file === undefined) return undefined;
  if (log.file.text.startsWith('|')) return { key: 'pipe', target: log.file.text.slice(1).trim(), at: log.file };
  return { key: 'file', target: absolute(log.file, 'File', baseDir, warn), at: log.file };
}

function absolute(value: SpreadlogdValue, directive: string, baseDir: string, warn: Warn): string {
  if (value.text === '' || isAbsolute(value.text)) return value.text;
  const resolved = resolve(baseDir, value.text);
  warn(value.line, `${directive} ${JSON.stringify(value.text.slice(0, 80))} is relative: spreadlogd opened it from the directory it was started in; ringlog uses ${resolved} (relative to ${baseDir})`);
  return resolved;
}

function matchesOf(log: SpreadlogdLog, warn: Warn): LogDraft['matches'] {
  if (log.matches.length > SPREADLOGD_MATCHES_MAX) {
    warn(log.matches[SPREADLOGD_MATCHES_MAX]?.line ?? log.line, `spreadlogd used only the first ${SPREADLOGD_MATCHES_MAX} Match patterns of a Log block; ringlog applies all ${log.matches.length}`);
  }
  return log.matches.map((at) => {
    const pattern = posixEreToJavaScript(at.text);
    if (pattern !== at.text) warn(at.line, `Match ${JSON.stringify(at.text.slice(0, 80))} is POSIX syntax; ringlog matches the JavaScript equivalent ${JSON.stringify(pattern.slice(0, 120))}`);
    return { pattern, at };
  });
}

/**
 * spreadlogd replaced a line's whole "[...]" with its format's output; ringlog keeps the brackets
 * and formats what is between them. A format in brackets loses them; one without is warned about.
 */
function rewriteOf(log: SpreadlogdLog, path: string, warn: Warn, problem: (at: Position, path: string, message: string) => void): LogDraft['rewrite'] {
  const rewrite = log.rewriteTimestamp;
  if (rewrite === undefined) return undefined;
  if (rewrite.clf) return { value: 'clf', at: rewrite };
  if (rewrite.text === 'CommonLogFormat') {
    problem(rewrite, `${path}.RewriteTimestamp`, 'a quoted "CommonLogFormat" is a strftime format to spreadlogd (it would replace every timestamp with that text); write CommonLogFormat without quotes');
    return undefined;
  }
  const shown = JSON.stringify(rewrite.text.slice(0, 80));
  const bracketed = /^\[([^[\]]*)\]$/.exec(rewrite.text);
  if (bracketed !== null) {
    const inner = bracketed[1] ?? '';
    warn(rewrite.line, `RewriteTimestamp ${shown}: ringlog keeps the line's brackets and formats what is between them, so the pattern is ${JSON.stringify(inner)}`);
    return { value: inner, at: rewrite };
  }
  if (!rewrite.text.includes('[') && !rewrite.text.includes(']')) {
    warn(rewrite.line, `RewriteTimestamp ${shown}: spreadlogd replaced the brackets around the time too; ringlog keeps them`);
  }
  return { value: rewrite.text, at: rewrite };
}

/** Log blocks writing the same target become one log when they filter alike; otherwise it is an error. */
function mergeSharedOutputs(drafts: readonly LogDraft[], problem: (at: Position, path: string, message: string) => void): LogDraft[] {
  const byTarget = new Map<string, LogDraft>();
  const merged: LogDraft[] = [];
  for (const draft of drafts) {
    const target = draft.output.key === 'pipe' ? draft.output.target : posix.normalize(draft.output.target);
    const key = `${draft.output.key}:${target}`;
    const earlier = draft.output.target === '' ? undefined : byTarget.get(key);
    if (earlier === undefined) {
      byTarget.set(key, draft);
      merged.push(draft);
    } else if (sameFiltering(earlier, draft)) {
      earlier.groups.push(...draft.groups);
    } else {
      const directive = draft.output.key === 'split' ? 'VhostDir' : 'File';
      problem(draft.output.at, `${draft.path}.${directive}`, `${directive} ${JSON.stringify(draft.output.at.text.slice(0, 80))} is also written by the Log block on line ${earlier.block.line} with different Match or RewriteTimestamp; ringlog writes one target from one log, so give both blocks the same Match and RewriteTimestamp, or separate targets`);
    }
  }
  return merged;
}

function sameFiltering(a: LogDraft, b: LogDraft): boolean {
  const patterns = (draft: LogDraft): string => JSON.stringify(draft.matches.map((match) => match.pattern));
  return patterns(a) === patterns(b) && a.rewrite?.value === b.rewrite?.value;
}

/** Plain log entries for the schema, named after their first group, with the origin of each value. */
function emitLogs(drafts: readonly LogDraft[], origins: Map<string, Position>): Record<string, unknown>[] {
  const names = new Set<string>();
  return drafts.map((draft, index) => {
    const at = (path: ConfigPath, position: Position): void => {
      origins.set(formatConfigPath(['logs', index, ...path]), position);
    };
    at([], draft.block);
    const entry: Record<string, unknown> = { name: uniqueName(draft.groups[0]?.text ?? 'log', names), groups: draft.groups.map((group) => group.text) };
    draft.groups.forEach((group, groupIndex) => at(['groups', groupIndex], group));
    const { key, target } = draft.output;
    entry[key] = key === 'split' ? { root: target, path: '{vhost}', strip_vhost: true } : target;
    at([key], draft.output.at);
    if (draft.matches.length > 0) entry['match'] = draft.matches.map((match) => match.pattern);
    draft.matches.forEach((match, matchIndex) => at(['match', matchIndex], match.at));
    if (draft.rewrite !== undefined) {
      entry['rewrite_timestamp'] = draft.rewrite.value;
      at(['rewrite_timestamp'], draft.rewrite.at);
    }
    return entry;
  });
}

function uniqueName(group: string, taken: Set<string>): string {
  const base = group.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 56) || 'log';
  let name = base;
  for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}-${suffix}`;
  taken.add(name);
  return name;
}

function originOf(path: ConfigPath, origins: ReadonlyMap<string, Position>, fallback: Position): Position {
  for (let length = path.length; length > 0; length -= 1) {
    const origin = origins.get(formatConfigPath(path.slice(0, length)));
    if (origin !== undefined) return origin;
  }
  return fallback;
}
