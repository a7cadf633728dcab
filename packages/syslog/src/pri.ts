import { GREATER_THAN, DIGIT_ZERO, LESS_THAN, isDigit } from './bytes.ts';

export const PRI_MAX = 191;

export interface PriResult {
  readonly pri: number;
  /** Index of the first byte after `>`. */
  readonly end: number;
}

/** Reads `<PRI>` at the start of the frame: 1 to 3 digits, no leading zero (except `<0>`), at most 191. */
export function readPri(frame: Buffer): PriResult | 'no_pri' | 'bad_pri' {
  if (frame[0] !== LESS_THAN) return 'no_pri';
  let value = 0;
  let index = 1;
  while (index <= 4 && isDigit(frame[index])) {
    value = value * 10 + (frame[index]! - DIGIT_ZERO);
    index += 1;
  }
  const digits = index - 1;
  if (digits === 0 || digits > 3) return 'bad_pri';
  if (frame[index] !== GREATER_THAN) return 'bad_pri';
  if (digits > 1 && frame[1] === DIGIT_ZERO) return 'bad_pri';
  if (value > PRI_MAX) return 'bad_pri';
  return { pri: value, end: index + 1 };
}
