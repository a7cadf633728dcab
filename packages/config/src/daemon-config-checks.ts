/**
 * Semantic checks of the daemon config that JSON schema cannot express. Each ignores values of
 * the wrong type, which the schema's `type` keyword already reports.
 */
import type { CheckFinding, ValueCheck } from './config-schema.ts';
import { isRecord } from './config-path.ts';
import { canonicalIp, ipFamily, isHostName, isMulticastIp, isUnspecifiedIp } from './ip-address.ts';
import { formatListenAddress, listenAddressProblem, parseListenAddress } from './listen-address.ts';
import { checkKeyFile, checkRingWindows, checkSegment } from './segment-config-checks.ts';

export const DAEMON_CONFIG_CHECKS: Readonly<Record<string, ValueCheck>> = {
  'listen-address': (value) => (typeof value === 'string' ? listenAddressProblem(value) : undefined),
  'listen-list': checkListenList,
  'auth-method': (value) =>
    typeof value === 'string' && value !== 'NULL'
      ? `auth method "${value}" is not implemented; ringlog implements only NULL`
      : undefined,
  'no-nul': (value) => (typeof value === 'string' && value.includes('\0') ? 'must not contain NUL' : undefined),
  'ip-address': (value) =>
    typeof value === 'string' && ipFamily(value) === undefined ? 'must be an IPv4 or IPv6 address (no port)' : undefined,
  'segment-address': checkSegmentAddress,
  'daemon-address': checkDaemonAddress,
  'segment-daemons': checkSegmentDaemons,
  'daemon-in-segment': checkDaemonInSegment,
  segment: checkSegment,
  'ring-windows': checkRingWindows,
  'key-file': checkKeyFile,
};

function checkListenList(value: unknown): CheckFinding[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const findings: CheckFinding[] = [];
  value.forEach((entry, index) => {
    if (typeof entry !== 'string' || listenAddressProblem(entry) !== undefined) return;
    const key = formatListenAddress(parseListenAddress(entry));
    if (seen.has(key)) findings.push({ path: [index], message: `duplicate listener "${entry}"` });
    seen.add(key);
  });
  return findings;
}

function checkSegmentAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ipFamily(value) === undefined) return 'must be an IPv4 or IPv6 address (no port)';
  if (isUnspecifiedIp(value)) return 'a segment address must not be the unspecified address';
  return undefined;
}

function checkDaemonAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ipFamily(value) === undefined) {
    return isHostName(value) ? undefined : 'must be an IP address (no port) or a host name';
  }
  if (isUnspecifiedIp(value)) return "a daemon's address must not be the unspecified address";
  if (isMulticastIp(value)) return "a daemon's address must not be a multicast address";
  return undefined;
}

/**
 * Names and virtual ids are unique; an interface stanza covers the daemon's own address.
 * Addresses with ports are checked by `checkSegment`, which knows the segment's port.
 */
function checkSegmentDaemons(value: unknown): CheckFinding[] {
  if (!Array.isArray(value)) return [];
  const findings: CheckFinding[] = [];
  const names = new Map<string, number>();
  const virtualIds = new Map<number, number>();
  value.forEach((daemon, index) => {
    if (!isRecord(daemon)) return;
    const { name, virtual_id: virtualId } = daemon;
    noteUnique(findings, names, name, index, 'name', 'daemon name');
    noteUnique(findings, virtualIds, virtualId, index, 'virtual_id', 'virtual_id');
    const stanza = primaryInterfaceProblem(daemon);
    if (stanza !== undefined) findings.push({ path: [index, 'interfaces'], message: stanza });
  });
  return findings;
}

function noteUnique<K>(findings: CheckFinding[], seen: Map<K, number>, key: unknown, index: number, field: string, what: string): void {
  if (key === undefined || (typeof key !== 'string' && typeof key !== 'number')) return;
  const earlier = seen.get(key as K);
  if (earlier !== undefined) {
    findings.push({ path: [index, field], message: `duplicate ${what} ${JSON.stringify(key)} (also daemons[${earlier}])` });
    return;
  }
  seen.set(key as K, index);
}

function primaryInterfaceProblem(daemon: Record<string, unknown>): string | undefined {
  const { interfaces, address } = daemon;
  if (!Array.isArray(interfaces) || typeof address !== 'string' || ipFamily(address) === undefined) return undefined;
  const primary = canonicalIp(address);
  const covered = interfaces.some((entry) => {
    if (!isRecord(entry) || typeof entry['address'] !== 'string' || !Array.isArray(entry['types'])) return false;
    const types: unknown[] = entry['types'];
    const daemonTraffic = types.length === 0 || types.includes('D');
    const sameAddress = canonicalIp(entry['address']) === primary;
    const anyAddress = isUnspecifiedIp(entry['address']) && ipFamily(entry['address']) === ipFamily(address);
    return daemonTraffic && (sameAddress || anyAddress);
  });
  return covered ? undefined : `the interfaces must include a D (or untyped) entry for the daemon's own address ${address}`;
}

function checkDaemonInSegment(value: unknown): CheckFinding[] {
  if (!isRecord(value) || !isRecord(value['daemon']) || !isRecord(value['segment'])) return [];
  const name = value['daemon']['name'];
  const daemons = value['segment']['daemons'];
  if (typeof name !== 'string' || !Array.isArray(daemons)) return [];
  const listed = daemons.some((daemon) => isRecord(daemon) && daemon['name'] === name);
  return listed ? [] : [{ path: ['daemon', 'name'], message: `daemon "${name}" is not one of segment.daemons` }];
}
