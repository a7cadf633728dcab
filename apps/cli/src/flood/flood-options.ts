/** Options of a flood run and their checks; the CLI maps its flags onto these. */
import { Limits } from '@ringlog/wire';
import type { SpreadService } from '@ringlog/client';
import { CliError, CliErrorCode } from '../errors.ts';

export interface FloodOptions {
  /** Spread name of the daemon. */
  readonly spread: string;
  /** Session name prefix; "" lets the daemon invent names. */
  readonly user: string;
  /** Messages per sender. */
  readonly messages: number;
  /** Payload bytes per message. */
  readonly bytes: number;
  readonly service: SpreadService;
  readonly senders: number;
  /** Read-only receiver sessions in this process. */
  readonly receivers: number;
  /** Spread name of the daemon the receivers connect to; default: `spread` (benchmarks put them on another daemon of a ring). */
  readonly receiverSpread?: string;
  readonly group: string;
  /** Per sender: messages sent and not yet received by the slowest local member. */
  readonly window: number;
  /** Senders join the group and count as members (spflooder style). */
  readonly senderMember: boolean;
  readonly readOnly: boolean;
  readonly writeOnly: boolean;
  /** Fail when nothing arrives for this long. */
  readonly stallMs: number;
  readonly connectTimeoutMs: number;
}

export const DEFAULT_FLOOD_OPTIONS: FloodOptions = {
  spread: '4803',
  user: 'flooder',
  messages: 10_000,
  bytes: 1000,
  service: 'AGREED',
  senders: 1,
  receivers: 0,
  group: 'flooder',
  window: 500,
  senderMember: true,
  readOnly: false,
  writeOnly: false,
  stallMs: 10_000,
  connectTimeoutMs: 5000,
};

function invalid(message: string): CliError {
  return new CliError(CliErrorCode.FLOOD_OPTIONS, message);
}

/** Fills defaults and rejects contradictions, before any socket is opened. */
export function resolveFloodOptions(partial: Partial<FloodOptions>): FloodOptions {
  const options = { ...DEFAULT_FLOOD_OPTIONS, ...partial };
  if (options.readOnly && options.writeOnly) throw invalid('--ro and --wo exclude each other');
  if (options.writeOnly && options.receivers > 0) throw invalid('--wo runs no receivers; drop --receivers or --wo');
  if (!options.readOnly && !options.writeOnly && !options.senderMember && options.receivers === 0) {
    throw invalid('--no-sender-member needs --receivers >= 1 to pace the senders (or --wo)');
  }
  for (const [name, value, min] of [['messages', options.messages, 1], ['senders', options.senders, 1], ['window', options.window, 1], ['receivers', options.receivers, 0], ['bytes', options.bytes, 0]] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw invalid(`${name} must be an integer >= ${min}, got ${value}`);
  }
  if (options.bytes + Limits.GROUP_NAME_BYTES > Limits.BODY_MAX_BYTES) {
    throw invalid(`bytes must leave room for the group name: at most ${Limits.BODY_MAX_BYTES - Limits.GROUP_NAME_BYTES}`);
  }
  return options;
}

/** Private names for the run's sessions: <prefix>s<i>, <prefix>r<i>, at most 10 characters. */
export function sessionName(prefix: string, role: 's' | 'r', index: number): string {
  if (prefix.length === 0) return '';
  const suffix = `${role}${index}`;
  return `${prefix.slice(0, Limits.PRIVATE_NAME_MAX_CHARS - suffix.length)}${suffix}`;
}
