/**
 * Output path templates such as `%Y/%m/{vhost}/{log}-%d.log`: compiled once at config load,
 * rendered once per distinct (vhost, group) and again when the time part rolls over.
 *
 * Why a rendered path cannot leave its directory (resolveUnderRoot checks again anyway):
 * - the template itself is relative, has no NUL or backslash, and no empty, "." or ".." segment;
 * - strftime conversions only produce letters, digits, spaces, '+' and '-';
 * - `{group}` and `{log}` values are percent-encoded down to [A-Za-z0-9._-], a leading '.'
 *   included (encodePathValue), so a value adds no separator and every segment holding one has
 *   a non-dot character; an empty value renders as a lone "%", which no other value produces;
 * - `{vhost}` values were accepted by classifyVhost, and render asserts the part of that rule
 *   the argument above relies on (non-empty, no leading '.', no '/', '\' or NUL).
 */
import { PathTemplateError } from './errors.ts';
import { compileStrftime, type CompiledStrftime } from './strftime.ts';

export interface PathFields {
  readonly vhost: string;
  readonly group: string;
  readonly log: string;
}

export interface PathTemplate {
  readonly source: string;
  /** The template has strftime conversions. */
  readonly usesTime: boolean;
  readonly usesVhost: boolean;
  readonly usesGroup: boolean;
  readonly usesLog: boolean;
  /**
   * A string that changes exactly when the rendered time part changes; '' when `!usesTime`.
   * Cheap (memoized per second): callers compare it per batch to know when to re-render cached paths.
   */
  timeKey(date: Date): string;
  /** The relative path for `fields` at `date` (local time). */
  render(fields: PathFields, date: Date): string;
}

type FieldName = keyof PathFields;

const FIELD_NAMES: ReadonlySet<string> = new Set<FieldName>(['vhost', 'group', 'log']);

/** Literal text (already unescaped) or one strftime conversion. */
type TextPart = string | CompiledStrftime;

/** `runs[i]` is the text before `fields[i]`; the last run follows the last field. */
interface ParsedTemplate {
  readonly runs: readonly (readonly TextPart[])[];
  readonly fields: readonly FieldName[];
}

/**
 * Compiles `source`. Throws `PathTemplateError` for an unknown or unclosed placeholder, a lone
 * brace, an absolute path, an empty, "." or ".." segment, NUL or backslash, and `StrftimeError`
 * (from compileStrftime) for an unknown conversion or a trailing "%".
 */
export function compilePathTemplate(source: string): PathTemplate {
  checkTemplateText(source);
  compileStrftime(source); // Braces are literal to strftime: this rejects bad conversions, naming the whole template.
  return new CompiledPathTemplate(source, parseTemplate(source));
}

function checkTemplateText(source: string): void {
  if (source.length === 0) throw new PathTemplateError(source, 'is empty');
  if (source.includes('\u0000')) throw new PathTemplateError(source, 'contains a NUL character');
  if (source.includes('\\')) throw new PathTemplateError(source, 'contains a backslash (use "/" between directories)');
  if (source.startsWith('/')) throw new PathTemplateError(source, 'is absolute; it must be relative to the root directory');
  for (const segment of source.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new PathTemplateError(source, `has a ${JSON.stringify(segment)} path segment (empty, "." and ".." segments are not allowed)`);
    }
  }
}

/** Splits at placeholders; each conversion is compiled on its own so its output can be checked alone. */
function parseTemplate(source: string): ParsedTemplate {
  const runs: TextPart[][] = [[]];
  const fields: FieldName[] = [];
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') (runs[runs.length - 1] as TextPart[]).push(literal);
    literal = '';
  };
  let index = 0;
  while (index < source.length) {
    const char = source.charAt(index);
    if (char === '%') {
      // A conversion and its letter stay together, so "%{" is never a brace.
      const conversion = source.slice(index, index + 2);
      if (conversion === '%%') literal += '%';
      else {
        flushLiteral();
        (runs[runs.length - 1] as TextPart[]).push(compileStrftime(conversion));
      }
      index += 2;
    } else if (char === '{') {
      const close = source.indexOf('}', index + 1);
      if (close === -1) throw new PathTemplateError(source, `has a "{" at offset ${index} that is never closed`);
      const name = source.slice(index + 1, close);
      if (!FIELD_NAMES.has(name)) throw new PathTemplateError(source, `has an unknown placeholder {${name}} (known: {vhost} {group} {log})`);
      flushLiteral();
      fields.push(name as FieldName);
      runs.push([]);
      index = close + 1;
    } else if (char === '}') {
      throw new PathTemplateError(source, `has a "}" at offset ${index} without a "{"`);
    } else {
      literal += char;
      index += 1;
    }
  }
  flushLiteral();
  return { runs, fields };
}

class CompiledPathTemplate implements PathTemplate {
  readonly source: string;
  readonly usesTime: boolean;
  readonly usesVhost: boolean;
  readonly usesGroup: boolean;
  readonly usesLog: boolean;
  readonly #runs: ParsedTemplate['runs'];
  readonly #fields: ParsedTemplate['fields'];
  /** `#runs` rendered for the second `#second` (epoch seconds; NaN = not yet). */
  readonly #texts: string[];
  #second = Number.NaN;
  #timeKey = '';

  constructor(source: string, parsed: ParsedTemplate) {
    this.source = source;
    this.#runs = parsed.runs;
    this.#fields = parsed.fields;
    this.usesTime = parsed.runs.some((run) => run.some((part) => typeof part !== 'string'));
    this.usesVhost = parsed.fields.includes('vhost');
    this.usesGroup = parsed.fields.includes('group');
    this.usesLog = parsed.fields.includes('log');
    this.#texts = parsed.runs.map(() => '');
    if (!this.usesTime) this.#renderRuns(new Date(0));
  }

  timeKey(date: Date): string {
    if (this.usesTime) this.#refreshTimes(date);
    return this.#timeKey;
  }

  render(fields: PathFields, date: Date): string {
    if (this.usesTime) this.#refreshTimes(date);
    if (this.usesVhost) assertSafeVhost(fields.vhost);
    const texts = this.#texts;
    let out = texts[0] as string;
    for (let index = 0; index < this.#fields.length; index += 1) {
      const name = this.#fields[index] as FieldName;
      out += (name === 'vhost' ? fields.vhost : encodePathValue(fields[name])) + (texts[index + 1] as string);
    }
    return out;
  }

  /** No conversion is finer than a second, so the text runs are rendered at most once a second. */
  #refreshTimes(date: Date): void {
    const milliseconds = date.getTime();
    if (!Number.isFinite(milliseconds)) throw new Error(`Bug: path template ${JSON.stringify(this.source)} rendered for an invalid Date`);
    const second = Math.floor(milliseconds / 1000);
    if (second === this.#second) return;
    this.#renderRuns(date);
    this.#second = second;
  }

  #renderRuns(date: Date): void {
    const outputs: string[] = [];
    for (let run = 0; run < this.#runs.length; run += 1) {
      let text = '';
      for (const part of this.#runs[run] as readonly TextPart[]) {
        if (typeof part === 'string') {
          text += part;
          continue;
        }
        const output = part.format(date);
        assertSafeConversion(part.pattern, output);
        outputs.push(output);
        text += output;
      }
      this.#texts[run] = text;
    }
    // Outputs never contain NUL (asserted), so joining with it keeps the key exact.
    this.#timeKey = outputs.length === 1 ? (outputs[0] as string) : outputs.join('\u0000');
  }
}

/** The header's argument needs every conversion to add a non-dot character and no separator. */
function assertSafeConversion(conversion: string, output: string): void {
  if (/^\.*$/.test(output) || output.includes('/') || output.includes('\\') || output.includes('\u0000')) {
    throw new Error(`Bug: strftime ${conversion} produced ${JSON.stringify(output)}, which is unsafe in a path`);
  }
}

function assertSafeVhost(vhost: string): void {
  if (vhost.length === 0 || vhost.charCodeAt(0) === 0x2e || vhost.includes('/') || vhost.includes('\\') || vhost.includes('\u0000')) {
    throw new Error(`Bug: vhost ${JSON.stringify(vhost)} reached a path template without passing classifyVhost`);
  }
}

/** 1 for the characters a `{group}` or `{log}` value keeps as is: [A-Za-z0-9._-]. */
const PATH_SAFE = buildPathSafe();
/** "%00".."%FF". */
const PERCENT_BYTE = Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`);

function buildPathSafe(): Uint8Array {
  const table = new Uint8Array(0x80);
  for (let code = 0x30; code <= 0x39; code += 1) table[code] = 1;
  for (let code = 0x41; code <= 0x5a; code += 1) table[code] = 1;
  for (let code = 0x61; code <= 0x7a; code += 1) table[code] = 1;
  table[0x2d] = 1; // '-'
  table[0x2e] = 1; // '.' (except first)
  table[0x5f] = 1; // '_'
  return table;
}

function isPathSafe(code: number): boolean {
  return code < 0x80 && PATH_SAFE[code] === 1;
}

/**
 * `value` as one safe file-name part: characters outside [A-Za-z0-9._-], and a leading '.', become
 * "%XX", the byte itself for the latin1 range that wire names decode to; code units above U+00FF
 * become "%uXXXX" (as JS `escape` writes them), which no byte form can be confused with. Injective,
 * and the result has no separator and does not start with '.'. An empty value becomes "%".
 */
export function encodePathValue(value: string): string {
  const length = value.length;
  if (length === 0) return '%';
  let safeLength = 0;
  if (value.charCodeAt(0) !== 0x2e) {
    while (safeLength < length && isPathSafe(value.charCodeAt(safeLength))) safeLength += 1;
    if (safeLength === length) return value;
  }
  let out = value.slice(0, safeLength);
  for (let index = safeLength; index < length; index += 1) {
    const code = value.charCodeAt(index);
    if (index > 0 && isPathSafe(code)) out += value.charAt(index);
    else if (code <= 0xff) out += PERCENT_BYTE[code];
    else out += `%u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}
