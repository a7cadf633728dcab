/**
 * Checks of the daemon config's `segment` section that need more than one key: the segment key
 * a ring of several daemons requires, daemon ports (a daemon's own or the segment's), the ring
 * mode against the segment address it sends to, and the two windows. Values of the wrong type
 * are left to the schema's `type` keyword.
 */
import type { CheckFinding } from './config-schema.ts';
import { isRecord } from './config-path.ts';
import { SEGMENT_PORT_DEFAULT } from './daemon-config-defaults.ts';
import { ipFamily, isMulticastIp } from './ip-address.ts';
import { findPortClashes, formatEndpoint, tokenClashMessage } from './segment-ports.ts';
import type { DaemonEndpoint } from './segment-ports.ts';

/** Also names the spread.conf key, since a converted spread.conf reports through the same check. */
export const KEY_FILE_REQUIRED_MESSAGE =
  'segment.key_file is required when the segment has more than one daemon: every packet between daemons is authenticated ' +
  '(in spread.conf: RinglogKeyFile = /path/to/key)';

export function checkSegment(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const findings: CheckFinding[] = [];
  const { daemons, key_file: keyFile } = value;
  if (Array.isArray(daemons) && daemons.length > 1 && keyFile === undefined) findings.push({ message: KEY_FILE_REQUIRED_MESSAGE });
  findings.push(...daemonPortFindings(value), ...ringModeFindings(value));
  return findings;
}

function daemonPortFindings(segment: Record<string, unknown>): CheckFinding[] {
  const { daemons, port: segmentPort = SEGMENT_PORT_DEFAULT } = segment;
  if (!Array.isArray(daemons)) return [];
  const endpoints = daemons.map((daemon): DaemonEndpoint | undefined => {
    if (!isRecord(daemon) || typeof daemon['address'] !== 'string') return undefined;
    const port = daemon['port'] ?? segmentPort;
    return typeof port === 'number' && Number.isInteger(port) ? { address: daemon['address'], port } : undefined;
  });
  return findPortClashes(endpoints).map((clash) => {
    const endpoint = endpoints[clash.index] as DaemonEndpoint;
    const daemon: unknown = daemons[clash.index];
    const field = isRecord(daemon) && daemon['port'] !== undefined ? 'port' : 'address';
    const path = ['daemons', clash.index, field];
    const earlier = `daemons[${clash.earlier}]`;
    if (clash.kind === 'same') return { path, message: `duplicate daemon address and port ${formatEndpoint(endpoint)} (also ${earlier})` };
    return { path, message: tokenClashMessage(endpoint, clash, earlier) };
  });
}

/** Broadcast and multicast send to `addresses[0]`, which must suit the mode. */
function ringModeFindings(segment: Record<string, unknown>): CheckFinding[] {
  const { ring, addresses } = segment;
  if (!isRecord(ring) || !Array.isArray(addresses)) return [];
  const mode = ring['mode'];
  const [destination] = addresses as unknown[];
  if (typeof destination !== 'string' || ipFamily(destination) === undefined) return [];
  const path = ['ring', 'mode'];
  const sends = `ring mode ${String(mode)} sends to segment.addresses[0] (${destination})`;
  if (mode === 'multicast' && !(ipFamily(destination) === 'IPv4' && isMulticastIp(destination))) {
    return [{ path, message: `${sends}, which must be an IPv4 multicast address (224.0.0.0/4)` }];
  }
  if (mode === 'broadcast' && ipFamily(destination) !== 'IPv4') {
    return [{ path, message: `${sends}, which must be an IPv4 address (IPv6 has no broadcast)` }];
  }
  if (mode === 'broadcast' && isMulticastIp(destination)) {
    return [{ path, message: `${sends}, a multicast address: use mode multicast, or a broadcast address` }];
  }
  return [];
}

/** Like Spread's PersonalWindow <= Window. */
export function checkRingWindows(value: unknown): CheckFinding[] {
  if (!isRecord(value)) return [];
  const { personal_window_packets: personal, global_window_packets: global } = value;
  if (typeof personal !== 'number' || typeof global !== 'number' || personal <= global) return [];
  return [{ path: ['personal_window_packets'], message: `must not exceed global_window_packets (${global}) (got ${personal})` }];
}

export function checkKeyFile(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === '') return 'must name the file holding the segment key (got an empty path)';
  if (value.includes('\0')) return 'must not contain NUL';
  return undefined;
}
