/**
 * A configured `paths` entry: an absolute file path or glob, compiled once into the directory
 * to watch (its static part, since chokidar 4+ has no globs), how deep below it matches can be,
 * and a picomatch matcher for the paths chokidar and the scanner report.
 */
import { dirname, isAbsolute } from 'node:path';
import picomatch from 'picomatch';

export interface PathPattern {
  readonly source: string;
  /** The directory that holds every match (possibly not created yet). */
  readonly baseDirectory: string;
  /** Levels below `baseDirectory` a match may be (0 = directly in it); undefined = any. */
  readonly depth: number | undefined;
  matches(path: string): boolean;
}

export function compilePathPattern(source: string): PathPattern {
  if (!isAbsolute(source)) throw new RangeError(`file input path must be absolute: ${source}`);
  const scan = picomatch.scan(source);
  if (!scan.isGlob) return { source, baseDirectory: dirname(source), depth: 0, matches: (path) => path === source };
  const matcher = picomatch(source);
  // `**` and braces (which may hold slashes) can match at any depth.
  const unbounded = scan.glob.includes('**') || scan.isBrace;
  const depth = unbounded ? undefined : scan.glob.split('/').length - 1;
  return { source, baseDirectory: scan.base === '' ? '/' : scan.base, depth, matches: (path) => matcher(path) };
}

/** All configured patterns: a path is tailed when any of them matches. */
export class PathPatterns {
  readonly list: readonly PathPattern[];

  constructor(sources: readonly string[]) {
    this.list = sources.map(compilePathPattern);
  }

  matches(path: string): boolean {
    return this.list.some((pattern) => pattern.matches(path));
  }
}
