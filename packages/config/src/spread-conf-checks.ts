/**
 * Checks of a parsed spread.conf that need the whole file: counts, uniqueness, address
 * families, the interface rule, all-or-none timeouts and the window rules (config_parse.y,
 * membership.c). Problems and warnings go to the reader.
 */
import { canonicalIp, ipFamily, isLoopbackIp, isMulticastIp, isUnspecifiedIp } from './ip-address.ts';
import type { IpFamily } from './ip-address.ts';
import { RING_DAEMONS_MAX, SEGMENT_DAEMONS_MAX, SEGMENTS_MAX } from './limits.ts';
import { findPortClashes, formatEndpoint, tokenClashMessage } from './segment-ports.ts';
import type { DaemonEndpoint } from './segment-ports.ts';
import type { TokenReader } from './spread-conf-reader.ts';
import { SPREAD_TIMEOUT_KEYS } from './spread-conf-types.ts';
import type { SpreadConf, SpreadDaemon } from './spread-conf-types.ts';

/** Spread's defaults for Window, PersonalWindow and AcceleratedWindow. */
const WINDOW_DEFAULT = 160;
const PERSONAL_WINDOW_DEFAULT = 20;
const ACCELERATED_WINDOW_DEFAULT = 15;

export function checkSpreadConf(conf: SpreadConf, reader: TokenReader): void {
  checkCounts(conf, reader);
  checkDaemons(conf, reader);
  checkFamilies(conf, reader);
  checkSegmentAddresses(conf, reader);
  checkTimeouts(conf, reader);
  checkWindows(conf, reader);
}

function checkCounts(conf: SpreadConf, reader: TokenReader): void {
  const lastLine = reader.peek().line;
  if (conf.segments.length === 0) reader.errorAtLine(lastLine, '(top level)', 'no Spread_Segment: at least one segment is required');
  else if (conf.segments.every((segment) => segment.daemons.length === 0)) reader.errorAtLine(lastLine, '(top level)', 'no daemons specified');
  if (conf.segments.length > SEGMENTS_MAX) {
    reader.errorAtLine(conf.segments[SEGMENTS_MAX]?.line ?? 1, 'Spread_Segment', `too many segments (at most ${SEGMENTS_MAX})`);
  }
  let total = 0;
  conf.segments.forEach((segment, index) => {
    if (segment.daemons.length > SEGMENT_DAEMONS_MAX) {
      const extra = segment.daemons[SEGMENT_DAEMONS_MAX];
      reader.errorAtLine(extra?.line ?? segment.line, `Spread_Segment[${index}]`, `too many daemons in the segment (at most ${SEGMENT_DAEMONS_MAX})`);
    }
    total += segment.daemons.length;
  });
  if (total > RING_DAEMONS_MAX) reader.errorAtLine(lastLine, '(top level)', `too many daemons (${total}; at most ${RING_DAEMONS_MAX} in all segments)`);
}

interface LocatedDaemon {
  readonly daemon: SpreadDaemon;
  readonly path: string;
  /** Undefined for a daemon given by name only (resolved by DNS). */
  readonly endpoint: DaemonEndpoint | undefined;
}

function checkDaemons(conf: SpreadConf, reader: TokenReader): void {
  const names = new Map<string, SpreadDaemon>();
  const virtualIds = new Map<number, SpreadDaemon>();
  const located: LocatedDaemon[] = [];
  conf.segments.forEach((segment, segmentIndex) => {
    segment.daemons.forEach((daemon, daemonIndex) => {
      const path = `Spread_Segment[${segmentIndex}].daemons[${daemonIndex}]`;
      const sameName = names.get(daemon.name);
      if (sameName !== undefined) reader.errorAtLine(daemon.line, path, `daemon name "${daemon.name}" is not unique (also on line ${sameName.line})`);
      names.set(daemon.name, daemon);
      if (daemon.virtualId !== undefined) {
        const sameId = virtualIds.get(daemon.virtualId);
        if (sameId !== undefined) reader.errorAtLine(daemon.line, path, `VirtualID ${daemon.virtualId} is already used by "${sameId.name}" (line ${sameId.line})`);
        virtualIds.set(daemon.virtualId, daemon);
      }
      const endpoint = daemon.address === undefined ? undefined : { address: daemon.address, port: daemon.port ?? segment.port };
      located.push({ daemon, path, endpoint });
      if (daemon.address !== undefined) checkDaemonAddress(daemon, daemon.address, path, reader);
    });
  });
  checkDaemonPorts(located, reader);
}

/** Address and port together are unique (spec §7: "ports count"), and ports on one address are 2 apart. */
function checkDaemonPorts(located: readonly LocatedDaemon[], reader: TokenReader): void {
  for (const clash of findPortClashes(located.map((entry) => entry.endpoint))) {
    const { daemon, path, endpoint } = located[clash.index] ?? {};
    const earlier = located[clash.earlier]?.daemon;
    if (daemon === undefined || path === undefined || endpoint === undefined || earlier === undefined) continue;
    const message =
      clash.kind === 'same'
        ? `daemon address ${formatEndpoint(endpoint)} is not unique (also "${earlier.name}" on line ${earlier.line})`
        : tokenClashMessage(endpoint, clash, `"${earlier.name}" (line ${earlier.line})`);
    reader.errorAtLine(daemon.line, path, message);
  }
}

function checkDaemonAddress(daemon: SpreadDaemon, address: string, path: string, reader: TokenReader): void {
  if (isUnspecifiedIp(address)) reader.errorAtLine(daemon.line, path, "a daemon's address must not be the unspecified address");
  if (isMulticastIp(address)) reader.errorAtLine(daemon.line, path, "a daemon's address can't be a multicast address");
  if (daemon.interfaces === undefined || daemon.interfaces.length === 0) return;
  const primary = canonicalIp(address);
  const covered = daemon.interfaces.some(
    (entry) =>
      (entry.types.length === 0 || entry.types.includes('D')) &&
      (canonicalIp(entry.address) === primary || (isUnspecifiedIp(entry.address) && ipFamily(entry.address) === ipFamily(address))),
  );
  if (!covered) {
    reader.errorAtLine(daemon.line, path, `the interface list must include a D (or untyped) entry for the daemon's own address ${address}`);
  }
}

/** Daemon and segment addresses share one family: ActiveIPVersion, else the first daemon's. */
function checkFamilies(conf: SpreadConf, reader: TokenReader): void {
  const firstAddress = conf.segments.flatMap((segment) => segment.daemons).find((daemon) => daemon.address !== undefined)?.address;
  const active: IpFamily | undefined = conf.keys.ActiveIPVersion?.value ?? (firstAddress === undefined ? undefined : ipFamily(firstAddress));
  if (active === undefined) return;
  conf.segments.forEach((segment, segmentIndex) => {
    for (const address of segment.addresses) {
      if (ipFamily(address) !== active) reader.errorAtLine(segment.line, `Spread_Segment[${segmentIndex}]`, `segment address ${address} is not ${active}`);
    }
    segment.daemons.forEach((daemon, daemonIndex) => {
      if (daemon.address !== undefined && ipFamily(daemon.address) !== active) {
        reader.errorAtLine(daemon.line, `Spread_Segment[${segmentIndex}].daemons[${daemonIndex}]`, `daemon address ${daemon.address} is not ${active}`);
      }
    });
  });
}

function checkSegmentAddresses(conf: SpreadConf, reader: TokenReader): void {
  conf.segments.forEach((segment, index) => {
    for (const address of segment.addresses) {
      if (isUnspecifiedIp(address)) reader.errorAtLine(segment.line, `Spread_Segment[${index}]`, `segment address ${address} must not be the unspecified address`);
      else if (isLoopbackIp(address)) reader.warn(segment.line, `segment address ${address} is a loopback address: only daemons on this host can join`);
      else if (ipFamily(address) === 'IPv6' && !isMulticastIp(address)) reader.warn(segment.line, `IPv6 segment address ${address} is not a multicast address`);
    }
  });
}

function checkTimeouts(conf: SpreadConf, reader: TokenReader): void {
  const given = SPREAD_TIMEOUT_KEYS.filter((key) => conf.keys[key] !== undefined);
  for (const key of given) {
    const setting = conf.keys[key];
    if (setting !== undefined && setting.value <= 0) reader.errorAtLine(setting.line, key, `${key} must be greater than 0 milliseconds`);
  }
  if (given.length === 0 || given.length === SPREAD_TIMEOUT_KEYS.length) return;
  const missing = SPREAD_TIMEOUT_KEYS.filter((key) => conf.keys[key] === undefined);
  const line = Math.min(...given.map((key) => conf.keys[key]?.line ?? 1));
  reader.errorAtLine(line, given[0] ?? 'TokenTimeout', `the nine timeouts are all or none; missing ${missing.join(', ')}`);
}

function checkWindows(conf: SpreadConf, reader: TokenReader): void {
  const { Window, PersonalWindow, AcceleratedWindow, AcceleratedRing } = conf.keys;
  const window = Window?.value ?? WINDOW_DEFAULT;
  const personal = PersonalWindow?.value ?? PERSONAL_WINDOW_DEFAULT;
  const accelerated = AcceleratedWindow?.value ?? ACCELERATED_WINDOW_DEFAULT;
  if (personal > window) reader.errorAtLine((PersonalWindow ?? Window)?.line ?? 1, 'PersonalWindow', `PersonalWindow (${personal}) > Window (${window})`);
  if (AcceleratedRing?.value === true && accelerated > personal) {
    reader.errorAtLine((AcceleratedWindow ?? PersonalWindow)?.line ?? 1, 'AcceleratedWindow', `AcceleratedWindow (${accelerated}) > PersonalWindow (${personal})`);
  }
}
