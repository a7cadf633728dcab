/**
 * Turns ajv's errors into messages for operators: the path names the key, and the message says
 * what was expected and what was found. Unknown keys point at the key and suggest a near match.
 */
import type { ErrorObject } from 'ajv';
import { isRecord, pointerToPath } from './config-path.ts';
import type { PathProblem } from './config-schema.ts';

export function describeSchemaError(error: ErrorObject, root: unknown): PathProblem {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = isRecord(error.parentSchema?.['properties']) ? Object.keys(error.parentSchema['properties']) : [];
      return { path: [...path, key], atKey: true, message: `unknown key${suggestion(key, known)}` };
    }
    case 'required':
      return { path, atKey: false, message: `missing required key "${String(params['missingProperty'])}"` };
    case 'type':
      return { path, atKey: false, message: `must be ${withArticle(String(params['type']))} (got ${describeValue(error.data)})` };
    case 'enum':
      return { path, atKey: false, message: `must be one of ${listAllowed(params['allowedValues'])} (got ${describeValue(error.data)})` };
    case 'const':
      return { path, atKey: false, message: `must be ${JSON.stringify(params['allowedValue'])} (got ${describeValue(error.data)})` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, atKey: false, message: `${error.message ?? 'is out of range'} (got ${describeValue(error.data)})` };
    default:
      return { path, atKey: false, message: customMessage(error) ?? error.message ?? 'is invalid' };
  }
}

function customMessage(error: ErrorObject): string | undefined {
  if (error.keyword === 'ringlogCheck') return error.message;
  const custom = error.parentSchema?.['ringlogMessage'];
  const replaceable = ['pattern', 'format', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems'].includes(error.keyword);
  if (typeof custom === 'string' && replaceable) return `${custom} (got ${describeValue(error.data)})`;
  return undefined;
}

function withArticle(type: string): string {
  const noun = type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function listAllowed(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : '?';
}

/** A short, bounded rendering of a value for messages (a hostile value may be huge). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function suggestion(key: string, known: readonly string[]): string {
  if (key.length > 64) return '';
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
