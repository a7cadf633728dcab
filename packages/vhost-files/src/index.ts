export type * from './types.ts';
export * from './errors.ts';
export { compileStrftime, describeConversions, utcOffset, STRFTIME_CONVERSIONS, type CompiledStrftime } from './strftime.ts';
export { classifyVhost, normalizeVhost, VHOST_LENGTH_MAX, VHOST_LABEL_LENGTH_MAX } from './vhost-name.ts';
export { compilePathTemplate, encodePathValue, type PathFields, type PathTemplate } from './path-template.ts';
export { resolveUnderRoot } from './resolve-under-root.ts';
export { PipeTarget, type PipeTargetOptions, type PipeTargetStats, type PipeExit } from './pipe-target.ts';
