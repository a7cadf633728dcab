/**
 * Which strftime conversions a pattern may use (file name templates and rewritten timestamps).
 * The list mirrors `STRFTIME_CONVERSIONS` in packages/vhost-files/src/strftime.ts, which formats
 * them; the config package cannot depend on vhost-files, and a test keeps the two in step.
 */
export const STRFTIME_CONVERSIONS = 'aAbBdeHIjmMpSyYzZ%';

/** `%a %A ...`, for messages. */
export function describeStrftimeConversions(): string {
  return [...STRFTIME_CONVERSIONS].map((conversion) => `%${conversion}`).join(' ');
}

export interface StrftimeScan {
  /** Conversions that format the time (`%%` is not one). */
  readonly conversions: number;
  /** The first problem, or undefined when every conversion is known. */
  readonly problem?: string;
}

/** Finds the conversions of `pattern`; reports the first unknown one or a trailing lone "%". */
export function scanStrftime(pattern: string): StrftimeScan {
  let conversions = 0;
  for (let index = pattern.indexOf('%'); index !== -1; index = pattern.indexOf('%', index + 2)) {
    const conversion = pattern.charAt(index + 1);
    if (conversion === '') return { conversions, problem: 'ends with a lone "%" (write "%%" for a percent sign)' };
    if (!STRFTIME_CONVERSIONS.includes(conversion)) {
      const shown = JSON.stringify(`%${conversion}`);
      return { conversions, problem: `${shown} is not a known strftime conversion (known: ${describeStrftimeConversions()})` };
    }
    if (conversion !== '%') conversions += 1;
  }
  return { conversions };
}
