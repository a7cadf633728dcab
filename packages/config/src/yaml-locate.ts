/**
 * Finds where a config path sits in a parsed YAML document, so problems found in the plain
 * value can name a line and column. Each lookup walks at most `path.length` steps and follows
 * aliases; each mapping is indexed once, so locating every key of a huge mapping stays linear.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import type { ConfigPath } from './config-path.ts';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export class YamlLocator {
  readonly #document: Document;
  readonly #lineCounter: LineCounter;
  readonly #indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(document: Document, lineCounter: LineCounter) {
    this.#document = document;
    this.#lineCounter = lineCounter;
  }

  /** The position of the value at `path` (or of its key when `atKey`), else of its nearest ancestor. */
  locate(path: ConfigPath, atKey: boolean): SourcePosition {
    let node: unknown = this.#document.contents;
    let found: unknown = node;
    for (let index = 0; index < path.length; index += 1) {
      const segment = path[index];
      node = isAlias(node) ? node.resolve(this.#document) : node;
      if (isMap(node)) {
        const pair = this.#index(node).get(String(segment));
        if (pair === undefined) break;
        if (atKey && index === path.length - 1) return this.position(pair.key);
        node = pair.value;
        found = rangeStart(pair.value) === undefined ? pair.key : pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) break;
        found = node;
      } else {
        break;
      }
    }
    return this.position(found);
  }

  /** Line and column of a node's start (1, 1 when it has no range). */
  position(node: unknown): SourcePosition {
    const position = this.#lineCounter.linePos(rangeStart(node) ?? 0);
    return { line: Math.max(1, position.line), column: Math.max(1, position.col) };
  }

  #index(map: YAMLMap): Map<string, Pair> {
    let index = this.#indexes.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items) {
        const key = yamlKeyText(pair.key);
        if (!index.has(key)) index.set(key, pair);
      }
      this.#indexes.set(map, index);
    }
    return index;
  }
}

/** The object key a YAML key becomes in the plain value (a null key becomes ""). */
export function yamlKeyText(key: unknown): string {
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as Node).range;
  return Array.isArray(range) ? range[0] : undefined;
}
