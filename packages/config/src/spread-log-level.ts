/**
 * Spread filters its log twice, by priority (EventPriority) and by subsystem (DebugFlags);
 * ringlog has one level. The mapping:
 *
 * | EventPriority | log.level |
 * |---|---|
 * | pDEBUG | debug, or trace when DebugFlags = { ALL } (every subsystem) |
 * | INFO (Spread's default) | info |
 * | WARNING | warn |
 * | ERROR | error |
 * | CRITICAL, FATAL | fatal (pino has no level between error and fatal) |
 *
 * DebugFlags alone never lowers the level: Spread's priority filter still applies to the
 * subsystems it selects. A DebugFlags that is not Spread's default `{ PRINT EXIT }` gives a
 * warning, since ringlog cannot select subsystems.
 */
import type { LogLevel } from './daemon-config-types.ts';
import { SPREAD_DEBUG_FLAGS } from './spread-conf-types.ts';
import type { SpreadConfKeys, SpreadPriority } from './spread-conf-types.ts';

const PRIORITY_LEVELS: Readonly<Record<SpreadPriority, LogLevel>> = {
  pDEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
  FATAL: 'fatal',
};

export interface MappedLogLevel {
  readonly level: LogLevel;
  /** Set when the operator's DebugFlags cannot be honoured exactly. */
  readonly warning?: string;
}

export function spreadLogLevel(keys: SpreadConfKeys): MappedLogLevel {
  const priority = keys.EventPriority?.value ?? 'INFO';
  const flags = keys.DebugFlags?.value;
  const everySubsystem = flags !== undefined && flags.length === SPREAD_DEBUG_FLAGS.length;
  const level: LogLevel = priority === 'pDEBUG' && everySubsystem ? 'trace' : PRIORITY_LEVELS[priority];
  const isDefault = flags === undefined || (flags.length === 2 && flags.includes('PRINT') && flags.includes('EXIT'));
  if (isDefault) return { level };
  const shown = flags.length === 0 ? 'NONE' : flags.join(' ');
  return { level, warning: `DebugFlags { ${shown} }: ringlog cannot select Spread subsystems; log.level is "${level}" (from EventPriority ${priority})` };
}
