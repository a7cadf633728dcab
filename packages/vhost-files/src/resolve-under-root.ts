/**
 * The last string check before a rendered path is opened: whatever a template and its values
 * produced, the result must name something strictly inside the root. Pure string work; that no
 * directory on the way is a symlink is checked where files are opened (see FileOpenOptions.root).
 */
import path from 'node:path';

/**
 * The absolute, normalized form of `relative` under `root` (an absolute directory), or
 * `undefined` when `relative` is empty, absolute, contains NUL, or resolves to the root itself
 * or anywhere outside it.
 */
export function resolveUnderRoot(root: string, relative: string): string | undefined {
  if (!path.isAbsolute(root) || root.includes('\u0000')) throw new Error(`Bug: root ${JSON.stringify(root)} must be an absolute path`);
  if (relative.length === 0 || relative.includes('\u0000') || path.isAbsolute(relative)) return undefined;
  const base = path.resolve(root);
  // path.resolve keeps the separator only for the filesystem root ("/").
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  const resolved = path.resolve(base, relative);
  if (resolved.length <= prefix.length || !resolved.startsWith(prefix)) return undefined;
  return resolved;
}
