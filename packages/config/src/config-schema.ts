/**
 * The schema half of config validation, shared by every app's config: a JSON schema (ajv,
 * every problem reported, defaults filled in, unknown keys rejected by the schema's own
 * `additionalProperties: false`) plus named semantic checks the schema calls by name.
 *
 * Two keywords extend JSON schema here:
 * - `ringlogCheck: "name"` runs `checks[name](value)`; it runs even when the value has the wrong
 *   type, so checks must ignore values they do not understand (the `type` keyword reports those).
 * - `ringlogMessage: "text"` replaces ajv's message for `pattern`, `format`, length and item-count errors.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, SchemaValidateFunction, ValidateFunction } from 'ajv';
import { describeSchemaError } from './schema-error-message.ts';
import type { ConfigPath } from './config-path.ts';

/** One finding of a semantic check, relative to the checked value. */
export interface CheckFinding {
  readonly path?: ConfigPath;
  readonly message: string;
}

/** A semantic check: returns a message, a list of findings, or nothing when the value is fine. */
export type ValueCheck = (value: unknown) => string | readonly CheckFinding[] | undefined;

/** A JSON schema paired with the checks it names; `T` is the type of a valid value. */
export interface ConfigSchema<T> {
  readonly schema: SchemaObject;
  readonly checks: Readonly<Record<string, ValueCheck>>;
  /** Runs on the plain value before validation, e.g. to undo a YAML reading the operator did not mean. */
  readonly prepare?: (value: unknown) => void;
  /** Never set: carries `T` for type inference. */
  readonly valueType?: T;
}

/** A problem found in a value, before it is given a place in a file. */
export interface PathProblem {
  readonly path: ConfigPath;
  readonly message: string;
  /** True when the problem is the key itself (an unknown key), not its value. */
  readonly atKey: boolean;
}

export type ValueValidation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: PathProblem[] };

export function defineConfigSchema<T>(
  schema: SchemaObject,
  checks: Readonly<Record<string, ValueCheck>> = {},
  prepare?: (value: unknown) => void,
): ConfigSchema<T> {
  return prepare === undefined ? { schema, checks } : { schema, checks, prepare };
}

/**
 * A compiled schema. Check findings go to `findings` rather than through ajv's error list:
 * ajv appends a custom keyword's errors with `concat`, which is quadratic in their number, and a
 * hostile file can hold a hundred thousand bad list entries.
 */
interface CompiledSchema {
  readonly validate: ValidateFunction;
  findings: ErrorObject[] | undefined;
}

const compiled = new WeakMap<ConfigSchema<unknown>, CompiledSchema>();

/**
 * Validates `value` in place: missing keys that have defaults are filled in (so pass a fresh
 * object), and every problem is returned, not just the first.
 */
export function validateConfigValue<T>(value: unknown, schema: ConfigSchema<T>): ValueValidation<T> {
  const compiledSchema = compileSchema(schema);
  schema.prepare?.(value);
  const findings: ErrorObject[] = [];
  compiledSchema.findings = findings;
  let valid: boolean;
  try {
    valid = compiledSchema.validate(value);
  } finally {
    compiledSchema.findings = undefined;
  }
  if (valid && findings.length === 0) return { ok: true, value: value as T };
  const seen = new Set<string>();
  const problems: PathProblem[] = [];
  for (const error of [...(compiledSchema.validate.errors ?? []), ...findings]) {
    const problem = describeSchemaError(error, value);
    const key = `${JSON.stringify(problem.path)} ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return { ok: false, problems };
}

function compileSchema<T>(schema: ConfigSchema<T>): CompiledSchema {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, allowUnionTypes: false });
  ajv.addKeyword({ keyword: 'ringlogMessage', schemaType: 'string' });
  const runCheck: SchemaValidateFunction = (name: string, data: unknown, _parent, context) => {
    const check = schema.checks[name];
    if (check === undefined) throw new Error(`Bug: schema names an unknown check "${name}"`);
    const errors = findingsToErrors(check(data), name, context?.instancePath ?? '');
    if (errors.length > 0) result.findings?.push(...errors);
    return true;
  };
  ajv.addKeyword({ keyword: 'ringlogCheck', schemaType: 'string', validate: runCheck });
  const result: CompiledSchema = { validate: ajv.compile(schema.schema), findings: undefined };
  compiled.set(schema, result);
  return result;
}

function findingsToErrors(result: ReturnType<ValueCheck>, name: string, instancePath: string): ErrorObject[] {
  if (result === undefined) return [];
  const findings = typeof result === 'string' ? [{ message: result }] : result;
  return findings.map((finding) => ({
    keyword: 'ringlogCheck',
    instancePath: instancePath + (finding.path ?? []).map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''),
    schemaPath: '',
    params: { check: name },
    message: finding.message,
  }));
}
