/**
 * Turns a validated collector config into log routers wired to output targets: file logs and
 * split logs share one FileCache (one descriptor budget for the whole collector), and each
 * pipe log gets its own PipeTarget.
 */
import { dirname } from 'node:path';
import type { CollectorConfig, DeepReadonly, LogConfig, OutputSection, RotateSection } from '@ringlog/config';
import { compilePathTemplate, PipeTarget, type FileCache, type FileEvent, type FileOpenOptions, type OutputTarget, type RotateOptions } from '@ringlog/vhost-files';
import { newLogCounters } from './log-counters.ts';
import { compileLineMatcher } from './line-matcher.ts';
import { LogRouter } from './log-router.ts';
import { createTimestampRewriter } from './timestamp-rewriter.ts';
import { VhostTable } from './vhost-table.ts';

export interface BuiltRouters {
  readonly routers: readonly LogRouter[];
  readonly pipes: readonly PipeTarget[];
}

export interface BuildRoutersDependencies {
  readonly cache: FileCache;
  readonly now: () => number;
  readonly onPipeEvent: (log: string, event: FileEvent) => void;
}

/** Parses "0755"-style config modes. */
export function parseMode(text: string): number {
  return Number.parseInt(text, 8);
}

function rotateOptions(rotate: DeepReadonly<RotateSection> | undefined): RotateOptions | undefined {
  if (rotate === undefined) return undefined;
  return {
    compress: rotate.compress,
    ...(rotate.size === undefined ? {} : { size: rotate.size }),
    ...(rotate.interval === undefined ? {} : { interval: rotate.interval }),
    ...(rotate.max_files === undefined ? {} : { maxFiles: rotate.max_files }),
    ...(rotate.max_size === undefined ? {} : { maxSize: rotate.max_size }),
  };
}

function fileTargetFactory(cache: FileCache, output: DeepReadonly<OutputSection>, rotate: RotateOptions | undefined): (path: string, root: string) => OutputTarget {
  const fileMode = parseMode(output.file_mode);
  const dirMode = parseMode(output.dir_mode);
  return (path, root) => {
    const options: FileOpenOptions = rotate === undefined ? { path, root, fileMode, dirMode } : { path, root, fileMode, dirMode, rotate };
    return cache.target(options);
  };
}

export function buildRouters(config: DeepReadonly<CollectorConfig>, dependencies: BuildRoutersDependencies): BuiltRouters {
  const pipes: PipeTarget[] = [];
  const routers = config.logs.map((log) => buildRouter(log, config.output, dependencies, pipes));
  return { routers, pipes };
}

function buildRouter(log: DeepReadonly<LogConfig>, output: DeepReadonly<OutputSection>, dependencies: BuildRoutersDependencies, pipes: PipeTarget[]): LogRouter {
  const counters = newLogCounters(log.name);
  const targetFor = fileTargetFactory(dependencies.cache, output, rotateOptions(log.rotate));
  const plainTargetFor = fileTargetFactory(dependencies.cache, output, undefined);
  const matcher = compileLineMatcher(log.match);
  const rewriter = log.rewrite_timestamp === 'none' ? undefined : createTimestampRewriter(log.rewrite_timestamp, dependencies.now);
  const common = {
    name: log.name,
    groups: log.groups,
    counters,
    vhostMaxLength: log.split?.vhost_max_length ?? 253,
    ...(matcher === undefined ? {} : { matcher }),
    ...(rewriter === undefined ? {} : { rewriter }),
    ...(log.unmatched_file === undefined ? {} : { unmatched: plainTargetFor(log.unmatched_file, dirname(log.unmatched_file)) }),
  };
  if (log.split !== undefined) {
    const split = log.split;
    const vhosts = new VhostTable({
      log: log.name,
      split,
      template: compilePathTemplate(split.path),
      catchAllTemplate: compilePathTemplate(split.catch_all),
      counters,
      targetFor: (path) => targetFor(path, split.root),
    });
    return new LogRouter({ ...common, vhosts });
  }
  if (log.pipe !== undefined) {
    const pipe = new PipeTarget({ command: log.pipe, maxPendingBytes: output.max_pending_bytes, onEvent: (event) => dependencies.onPipeEvent(log.name, event) });
    pipes.push(pipe);
    return new LogRouter({ ...common, target: pipe });
  }
  const file = log.file as string;
  return new LogRouter({ ...common, target: targetFor(file, dirname(file)) });
}
