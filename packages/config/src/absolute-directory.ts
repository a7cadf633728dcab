/** The check of a state directory setting (the shipper's and the collector's state_dir). */
export function absoluteDirectoryProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL';
  if (!path.startsWith('/')) return `must be an absolute path (got ${JSON.stringify(path.slice(0, 60))})`;
  return undefined;
}
