/** Small builders for the JSON schemas of our config files: the same shapes in every schema. */
import type { SchemaObject } from 'ajv';
import { PATH_LENGTH_MAX } from './limits.ts';

export function integer(minimum: number, maximum: number, defaultValue?: number): SchemaObject {
  const schema: SchemaObject = { type: 'integer', minimum, maximum };
  if (defaultValue !== undefined) schema['default'] = defaultValue;
  return schema;
}

/** An object that rejects unknown keys. */
export function closedObject(properties: Record<string, SchemaObject>, extra: SchemaObject = {}): SchemaObject {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

/** A path string checked by the named ringlogCheck. */
export function path(check: string, defaultValue?: string): SchemaObject {
  const schema: SchemaObject = { type: 'string', maxLength: PATH_LENGTH_MAX, ringlogCheck: check };
  if (defaultValue !== undefined) schema['default'] = defaultValue;
  return schema;
}

/** A Spread group name: 1..31 characters in 0x24..0x7e (no "#", no whitespace). */
export function groupName(defaultValue?: string): SchemaObject {
  const schema: SchemaObject = { type: 'string', pattern: '^[\\x24-\\x7e]{1,31}$', ringlogMessage: 'must be a Spread group name: 1..31 characters in 0x24..0x7e (no "#", no whitespace)' };
  if (defaultValue !== undefined) schema['default'] = defaultValue;
  return schema;
}
