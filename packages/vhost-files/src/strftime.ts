/**
 * A small strftime: enough for log file names and rewritten access-log timestamps. Patterns are
 * compiled once (the hot path formats thousands of times a second) and formatting uses the
 * collector's local time zone, as Apache and spreadlogd do.
 */
import { StrftimeError } from './errors.ts';

/** The conversions understood, for config validation and `--help`. */
export const STRFTIME_CONVERSIONS = 'aAbBdeHIjmMpSyYzZ%';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Piece = string | ((date: Date) => string);

export interface CompiledStrftime {
  readonly pattern: string;
  /** True when the output depends on the time at all (a pattern without conversions does not). */
  readonly usesTime: boolean;
  format(date: Date): string;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function dayOfYear(date: Date): string {
  const start = new Date(date.getFullYear(), 0, 1);
  const days = Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(start.getFullYear(), 0, 1)) / 86_400_000) + 1;
  return String(days).padStart(3, '0');
}

/** "+0200" / "-0700": the local offset, as Common Log Format writes it. */
export function utcOffset(date: Date): string {
  const minutesEast = -date.getTimezoneOffset();
  const sign = minutesEast < 0 ? '-' : '+';
  const absolute = Math.abs(minutesEast);
  return `${sign}${pad2(Math.floor(absolute / 60))}${pad2(absolute % 60)}`;
}

/** English short zone names; a name that is not a plain abbreviation ("GMT+1") falls back to the offset. */
const ZONE_NAME_FORMAT = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });

function zoneAbbreviation(date: Date): string {
  const name = ZONE_NAME_FORMAT.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  return name !== undefined && /^[A-Z]{2,5}$/.test(name) ? name : utcOffset(date);
}

const CONVERSIONS: Readonly<Record<string, (date: Date) => string>> = {
  a: (date) => DAYS[date.getDay()] ?? '',
  A: (date) => DAYS_LONG[date.getDay()] ?? '',
  b: (date) => MONTHS[date.getMonth()] ?? '',
  B: (date) => MONTHS_LONG[date.getMonth()] ?? '',
  d: (date) => pad2(date.getDate()),
  e: (date) => String(date.getDate()).padStart(2, ' '),
  H: (date) => pad2(date.getHours()),
  I: (date) => pad2(((date.getHours() + 11) % 12) + 1),
  j: dayOfYear,
  m: (date) => pad2(date.getMonth() + 1),
  M: (date) => pad2(date.getMinutes()),
  p: (date) => (date.getHours() < 12 ? 'AM' : 'PM'),
  S: (date) => pad2(date.getSeconds()),
  y: (date) => pad2(date.getFullYear() % 100),
  Y: (date) => String(date.getFullYear()),
  z: utcOffset,
  Z: zoneAbbreviation,
};

/** Compiles `pattern`; throws `StrftimeError` on a conversion it does not know or a trailing "%". */
export function compileStrftime(pattern: string): CompiledStrftime {
  const pieces: Piece[] = [];
  let literal = '';
  let usesTime = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char !== '%') {
      literal += char;
      continue;
    }
    const conversion = pattern[index + 1];
    index += 1;
    if (conversion === '%') {
      literal += '%';
      continue;
    }
    const format = conversion === undefined ? undefined : CONVERSIONS[conversion];
    if (format === undefined) throw new StrftimeError(pattern, conversion === undefined ? 'ends with a lone "%"' : `"%${conversion}" is not a known conversion (known: ${describeConversions()})`);
    if (literal !== '') pieces.push(literal);
    literal = '';
    pieces.push(format);
    usesTime = true;
  }
  if (literal !== '') pieces.push(literal);
  return { pattern, usesTime, format: (date) => formatPieces(pieces, date) };
}

function formatPieces(pieces: readonly Piece[], date: Date): string {
  let out = '';
  for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(date);
  return out;
}

export function describeConversions(): string {
  return [...STRFTIME_CONVERSIONS].map((conversion) => `%${conversion}`).join(' ');
}
