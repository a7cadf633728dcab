/**
 * Checks a daemon's status reply before anything shows it. The reply is authenticated, but a
 * daemon of another version, or a bug, can still send something else: whatever arrives, the
 * result is a typed report or a one-line reason, never an exception, and every string shown
 * later is short and free of control characters (no terminal escapes from a reply).
 */
import type { RingPhase, RingStatusReport } from '@ringlog/ring';

export type ParsedStatusReply =
  | { readonly ok: true; readonly report: RingStatusReport; readonly raw: unknown }
  | { readonly ok: false; readonly error: string };

const PHASES: readonly RingPhase[] = ['gather', 'commit', 'recovery', 'operational'];
const STAT_NAMES = ['tokenVisits', 'tokenRotationMs', 'tokensRetransmitted', 'packetsSent', 'packetsRetransmitted', 'tokenLosses', 'gathers', 'installs', 'malformedPackets'] as const;
/** Longest name or ring id accepted; daemon names are at most 19 bytes. */
const TEXT_LENGTH_MAX = 128;
/** More ring members than a segment may have daemons (128) is not a ring. */
const MEMBERS_MAX = 1024;
const DROP_REASONS_MAX = 64;

class MalformedReply extends Error {}

/** Parses and checks one reply's JSON. */
export function parseStatusReply(json: string): ParsedStatusReply {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, error: 'malformed reply: not JSON' };
  }
  try {
    return { ok: true, report: checkReport(raw), raw };
  } catch (error) {
    if (!(error instanceof MalformedReply)) throw error;
    return { ok: false, error: `malformed reply: ${error.message}` };
  }
}

function checkReport(raw: unknown): RingStatusReport {
  const value = record(raw, 'the reply');
  const phase = text(value.phase, 'phase');
  if (!(PHASES as readonly string[]).includes(phase)) throw new MalformedReply(`phase ${JSON.stringify(phase)} is not one of ${PHASES.join(', ')}`);
  const stats = record(value.stats, 'stats');
  const transport = record(value.transport, 'transport');
  return {
    daemon: text(value.daemon, 'daemon'),
    incarnation: count(value.incarnation, 'incarnation'),
    phase: phase as RingPhase,
    ring: checkRing(value.ring),
    stats: Object.fromEntries(STAT_NAMES.map((name) => [name, count(stats[name], `stats.${name}`)])) as unknown as RingStatusReport['stats'],
    sessions: count(value.sessions, 'sessions'),
    groups: count(value.groups, 'groups'),
    pendingMessages: count(value.pendingMessages, 'pendingMessages'),
    transport: {
      packetsSent: count(transport.packetsSent, 'transport.packetsSent'),
      packetsReceived: count(transport.packetsReceived, 'transport.packetsReceived'),
      dropped: checkDropped(transport.dropped),
    },
    uptimeMs: count(value.uptimeMs, 'uptimeMs'),
  };
}

function checkRing(raw: unknown): RingStatusReport['ring'] {
  if (raw === null) return null;
  const ring = record(raw, 'ring');
  const members = ring.members;
  if (!Array.isArray(members)) throw new MalformedReply('ring.members is not an array');
  if (members.length === 0 || members.length > MEMBERS_MAX) throw new MalformedReply(`ring.members has ${members.length} entries, not 1..${MEMBERS_MAX}`);
  return { id: text(ring.id, 'ring.id'), members: members.map((member, index) => text(member, `ring.members[${index}]`)) };
}

function checkDropped(raw: unknown): Readonly<Record<string, number>> {
  const dropped = record(raw, 'transport.dropped');
  const entries = Object.entries(dropped);
  if (entries.length > DROP_REASONS_MAX) throw new MalformedReply(`transport.dropped has ${entries.length} reasons, more than ${DROP_REASONS_MAX}`);
  return Object.fromEntries(entries.map(([reason, value]) => [text(reason, 'transport.dropped key'), count(value, `transport.dropped.${reason}`)]));
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedReply(`${path} is not an object`);
  return value as Record<string, unknown>;
}

/** A finite number >= 0 (token rotation time may have a fraction). */
function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new MalformedReply(`${path} is not a number >= 0`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new MalformedReply(`${path} is not a string`);
  if (value.length === 0 || value.length > TEXT_LENGTH_MAX) throw new MalformedReply(`${path} is not 1..${TEXT_LENGTH_MAX} characters`);
  // Controls (C0, DEL, C1), format characters (bidi overrides) and spaces: terminal escapes, or text that breaks the table.
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(value)) throw new MalformedReply(`${path} holds control, format or space characters`);
  return value;
}
