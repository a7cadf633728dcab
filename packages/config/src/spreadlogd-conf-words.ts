/**
 * spreadlogd's keywords (config_gram.l): case-sensitive, and a keyword only when it is a whole
 * word (`Port=3502` is one string to spreadlogd). Quoting a keyword makes it a plain value.
 */

/** Settings at the top of the file, before the Spread blocks. */
export const TOP_LEVEL_SETTINGS = ['BufferSize'] as const;
export const SPREAD_KEYWORD = 'Spread';
export const SPREAD_SETTINGS = ['Port', 'Host'] as const;
export const LOG_KEYWORD = 'Log';
export const LOG_SETTINGS = ['Group', 'File', 'VhostDir', 'Match', 'RewriteTimestamp'] as const;
export const CLF_KEYWORD = 'CommonLogFormat';

/**
 * spreadlogd's extension hooks. At the top they load code (ignored by ringlog with a warning);
 * inside a Log they hand lines to that code, which ringlog cannot do (an error).
 */
export const TOP_LEVEL_EXTENSIONS = ['ModuleDir', 'LoadModule', 'PerlLib', 'PerlUse', 'PythonImport'] as const;
export const LOG_EXTENSIONS = ['ModuleLog', 'PerlLog', 'PerlHup', 'PythonLog'] as const;
/** A token of spreadlogd's scanner that no grammar rule accepts. */
export const UNUSED_KEYWORDS = ['VhostGroup'] as const;

export type SpreadSetting = (typeof SPREAD_SETTINGS)[number];
export type LogSetting = (typeof LOG_SETTINGS)[number];

const KEYWORDS: ReadonlySet<string> = new Set<string>([
  ...TOP_LEVEL_SETTINGS,
  SPREAD_KEYWORD,
  ...SPREAD_SETTINGS,
  LOG_KEYWORD,
  ...LOG_SETTINGS,
  CLF_KEYWORD,
  ...TOP_LEVEL_EXTENSIONS,
  ...LOG_EXTENSIONS,
  ...UNUSED_KEYWORDS,
]);

export function isSpreadlogdKeyword(text: string): boolean {
  return KEYWORDS.has(text);
}

export function isOneOf<T extends string>(list: readonly T[], text: string): text is T {
  return (list as readonly string[]).includes(text);
}

/** A keyword that differs only in case, for "did you mean" hints. */
export function keywordIgnoringCase(text: string): string | undefined {
  const lower = text.toLowerCase();
  for (const keyword of KEYWORDS) if (keyword.toLowerCase() === lower) return keyword;
  return undefined;
}
