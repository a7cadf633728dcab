/**
 * Structural checks of a YAML config before its value is read: keys are scalars and unique
 * within their mapping. yaml's own `uniqueKeys` check is quadratic in the size of a mapping
 * (a 1 MiB file of keys takes minutes), so it is off and this linear walk replaces it.
 * Iterative, so nesting depth cannot exhaust the stack.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { ConfigProblem } from './problem.ts';
import { yamlKeyText } from './yaml-locate.ts';
import type { YamlLocator } from './yaml-locate.ts';

export function yamlStructureProblems(document: Document, locator: YamlLocator, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (node: unknown, message: string): void => {
    const { line, column } = locator.position(node);
    problems.push({ file, line, column, path: '(yaml)', message });
  };
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) {
      pending.push(...node.items);
    } else if (isMap(node)) {
      const seen = new Map<string, unknown>();
      for (const pair of node.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          problem(pair.key, 'keys must be plain scalars, not lists or mappings');
        } else {
          const key = yamlKeyText(pair.key);
          const first = seen.get(key);
          if (first === undefined) seen.set(key, pair.key);
          else problem(pair.key, `duplicate key "${key.slice(0, 60)}" (first on line ${locator.position(first).line})`);
        }
        pending.push(pair.value);
      }
    }
  }
  return problems;
}
