export type * from './types.ts';
export * from './errors.ts';
export { compileStrftime, describeConversions, utcOffset, STRFTIME_CONVERSIONS, type CompiledStrftime } from './strftime.ts';
