/**
 * strftime: every conversion at fixed local dates. Expected strings are built from the Date
 * getters, so the tests hold in whatever time zone the machine runs.
 */
import { describe, expect, it } from 'vitest';
import { compileStrftime, describeConversions, StrftimeError, STRFTIME_CONVERSIONS, utcOffset, VhostFilesError } from '../src/index.ts';

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** Local 2024-03-05 07:08:09, a Tuesday in a leap year. */
const MORNING = new Date(2024, 2, 5, 7, 8, 9);
/** Local 2023-12-31 23:59:58, a Sunday, the last day of a common year. */
const YEAR_END = new Date(2023, 11, 31, 23, 59, 58);

function expectedOffset(date: Date): string {
  const minutesEast = -date.getTimezoneOffset();
  const absolute = Math.abs(minutesEast);
  return `${minutesEast < 0 ? '-' : '+'}${pad2(Math.floor(absolute / 60))}${pad2(absolute % 60)}`;
}

function format(pattern: string, date: Date): string {
  return compileStrftime(pattern).format(date);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('strftime', () => {
  it('strftime - each conversion at a fixed local date', () => {
    const cases: readonly (readonly [string, string, string])[] = [
      ['%a', 'Tue', 'Sun'],
      ['%A', 'Tuesday', 'Sunday'],
      ['%b', 'Mar', 'Dec'],
      ['%B', 'March', 'December'],
      ['%d', '05', '31'],
      ['%e', ' 5', '31'],
      ['%H', '07', '23'],
      ['%I', '07', '11'],
      ['%j', '065', '365'],
      ['%m', '03', '12'],
      ['%M', '08', '59'],
      ['%p', 'AM', 'PM'],
      ['%S', '09', '58'],
      ['%y', '24', '23'],
      ['%Y', '2024', '2023'],
      ['%z', expectedOffset(MORNING), expectedOffset(YEAR_END)],
      ['%%', '%', '%'],
    ];
    for (const [pattern, morning, yearEnd] of cases) {
      expect(format(pattern, MORNING), pattern).toBe(morning);
      expect(format(pattern, YEAR_END), pattern).toBe(yearEnd);
    }
  });

  it('strftime - the conversion table covers exactly the documented conversions', () => {
    for (const conversion of STRFTIME_CONVERSIONS) expect(() => compileStrftime(`%${conversion}`), conversion).not.toThrow();
    expect(describeConversions().split(' ')).toEqual([...STRFTIME_CONVERSIONS].map((conversion) => `%${conversion}`));
  });

  it('strftime - %I and %p around midnight and noon', () => {
    const at = (hour: number): string => format('%I %p', new Date(2024, 0, 1, hour));
    expect(at(0)).toBe('12 AM');
    expect(at(1)).toBe('01 AM');
    expect(at(11)).toBe('11 AM');
    expect(at(12)).toBe('12 PM');
    expect(at(13)).toBe('01 PM');
  });

  it('strftime - %j counts days from 1 and includes 29 February', () => {
    expect(format('%j', new Date(2024, 0, 1))).toBe('001');
    expect(format('%j', new Date(2024, 1, 29))).toBe('060');
    expect(format('%j', new Date(2024, 11, 31))).toBe('366');
    expect(format('%j', new Date(2023, 2, 1))).toBe('060');
  });

  it('strftime - %y and %Y at a century and small years', () => {
    expect(format('%y/%Y', new Date(2000, 0, 1))).toBe('00/2000');
    expect(format('%y', new Date(2009, 0, 1))).toBe('09');
  });

  it('strftime - %z matches utcOffset and the Common Log Format shape', () => {
    expect(format('%z', MORNING)).toBe(utcOffset(MORNING));
    expect(utcOffset(MORNING)).toMatch(/^[+-]\d{4}$/);
  });

  it('strftime - %Z is non-empty and free of path separators', () => {
    const zone = format('%Z', MORNING);
    expect(zone.length).toBeGreaterThan(0);
    expect(zone).not.toMatch(/[/\\ ]/);
    expect(zone).not.toContain('\u0000');
  });

  // Fails today: %Z takes the long name in parentheses from Date#toString ("Coordinated Universal
  // Time" -> "CoordinatedUniversalTime"), and in locales whose zone names have no ASCII letters
  // (LANG=ja_JP: "日本標準時") it yields "". Turn into `it` once strftime.ts uses a short name.
  it('strftime - %Z is an abbreviation or a numeric offset', () => {
    expect(format('%Z', MORNING)).toMatch(/^(?:[A-Z]{2,5}|[+-]\d{4})$/);
  });

  it('strftime - a common log format timestamp', () => {
    expect(format('[%d/%b/%Y:%H:%M:%S %z]', MORNING)).toBe(`[05/Mar/2024:07:08:09 ${expectedOffset(MORNING)}]`);
  });

  it('strftime - literals, %% and usesTime', () => {
    const literal = compileStrftime('access%%log.txt');
    expect(literal.usesTime).toBe(false);
    expect(literal.format(MORNING)).toBe('access%log.txt');
    expect(literal.pattern).toBe('access%%log.txt');
    expect(compileStrftime('%%Y').format(MORNING)).toBe('%Y');
    expect(compileStrftime('%%Y').usesTime).toBe(false);
    expect(compileStrftime('').format(MORNING)).toBe('');
    expect(compileStrftime('a-%Y').usesTime).toBe(true);
    expect(compileStrftime('%Y%m%d%H').format(MORNING)).toBe('2024030507');
  });

  it('strftime - an unknown conversion is an error with the code', () => {
    for (const pattern of ['%Q', 'log-%Y-%k', '%{', '%/', '%.']) {
      const error = thrown(() => compileStrftime(pattern));
      expect(error, pattern).toBeInstanceOf(StrftimeError);
      expect(error, pattern).toBeInstanceOf(VhostFilesError);
      expect((error as StrftimeError).code).toBe('RL_VHOST_FILES_BAD_STRFTIME');
      expect((error as StrftimeError).pattern).toBe(pattern);
      expect((error as StrftimeError).message).toContain('is not a known conversion');
    }
  });

  it('strftime - a trailing lone % is an error with the code', () => {
    for (const pattern of ['%', 'access-%Y%', '%%%']) {
      const error = thrown(() => compileStrftime(pattern));
      expect(error, pattern).toBeInstanceOf(StrftimeError);
      expect((error as StrftimeError).code).toBe('RL_VHOST_FILES_BAD_STRFTIME');
      expect((error as StrftimeError).message).toContain('lone "%"');
    }
  });
});
