/** One problem in a config file, located for the operator. Lines and columns count from 1. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Where in the config's structure, e.g. `daemon.listen[1]` or `Spread_Segment[0].box1`. */
  readonly path: string;
  readonly message: string;
}

/** Something worth telling the operator that does not stop the config from loading. */
export interface ConfigWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * A hostile file can hold millions of problems; the operator needs the first few, and the
 * error message must stay printable. Past this many, one last entry says how many were left out.
 */
export const PROBLEMS_REPORTED_MAX = 100;

/** Warnings are capped the same way. */
export const WARNINGS_REPORTED_MAX = 100;

/** `file:line:column: path: message`, the format of each line of `ConfigValidationError.message`. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`;
}

/** `file:line: message`. */
export function formatWarning(warning: ConfigWarning): string {
  return `${warning.file}:${warning.line}: ${warning.message}`;
}

/** Orders problems by position and caps their number, keeping a final "N more" entry. */
export function boundProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  if (sorted.length <= PROBLEMS_REPORTED_MAX) return sorted;
  const kept = sorted.slice(0, PROBLEMS_REPORTED_MAX);
  const last = kept[kept.length - 1];
  kept.push({
    file: last?.file ?? '',
    line: last?.line ?? 1,
    column: last?.column ?? 1,
    path: '(more)',
    message: `${sorted.length - PROBLEMS_REPORTED_MAX} more problems not shown`,
  });
  return kept;
}

/** Caps the number of warnings, keeping a final "N more" entry. */
export function boundWarnings(warnings: readonly ConfigWarning[]): ConfigWarning[] {
  if (warnings.length <= WARNINGS_REPORTED_MAX) return [...warnings];
  const kept = warnings.slice(0, WARNINGS_REPORTED_MAX);
  const last = kept[kept.length - 1];
  kept.push({
    file: last?.file ?? '',
    line: last?.line ?? 1,
    message: `${warnings.length - WARNINGS_REPORTED_MAX} more warnings not shown`,
  });
  return kept;
}
