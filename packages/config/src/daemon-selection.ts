/**
 * Which daemon of a spread.conf this process is, like `spread -n NAME`: by name, or else the
 * daemon whose address is one of this host's addresses.
 */
import { networkInterfaces } from 'node:os';
import { ConfigDaemonNotFoundError } from './errors.ts';
import { canonicalIp, ipFamily } from './ip-address.ts';
import { DAEMON_NAME_LENGTH_MAX } from './limits.ts';
import type { SpreadConf, SpreadDaemon, SpreadSegment } from './spread-conf-types.ts';

export interface SelectedDaemon {
  readonly segment: SpreadSegment;
  readonly segmentIndex: number;
  readonly daemon: SpreadDaemon;
  readonly daemonIndex: number;
}

/** This host's interface addresses, from os.networkInterfaces(). */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
}

/**
 * `localAddresses` is asked for only when no name is given: listing interfaces needs netlink,
 * which a sandboxed ringlogd started with -n may not have.
 */
export function selectDaemon(conf: SpreadConf, daemonName: string | undefined, localAddresses: readonly string[] | (() => readonly string[])): SelectedDaemon {
  const all = conf.segments.flatMap((segment, segmentIndex) =>
    segment.daemons.map((daemon, daemonIndex) => ({ segment, segmentIndex, daemon, daemonIndex })),
  );
  const names = all.map((entry) => entry.daemon.name).join(', ');
  if (daemonName !== undefined) {
    const wanted = daemonName.slice(0, DAEMON_NAME_LENGTH_MAX);
    const found = all.find((entry) => entry.daemon.name === wanted);
    if (found === undefined) {
      throw new ConfigDaemonNotFoundError(conf.file, `${conf.file}: daemon "${daemonName}" is not in the config (its daemons: ${names})`);
    }
    return found;
  }
  const addresses = typeof localAddresses === 'function' ? localAddresses() : localAddresses;
  const local = new Set(addresses.filter((address) => ipFamily(address) !== undefined).map(canonicalIp));
  const matches = all.filter((entry) => entry.daemon.address !== undefined && local.has(canonicalIp(entry.daemon.address)));
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  if (matches.length > 1) {
    const which = matches.map((entry) => entry.daemon.name).join(', ');
    throw new ConfigDaemonNotFoundError(conf.file, `${conf.file}: several daemons have a local address (${which}); name one with ringlogd -n NAME (as spread -n NAME)`);
  }
  const shown = [...local].slice(0, 16).join(', ');
  throw new ConfigDaemonNotFoundError(
    conf.file,
    `${conf.file}: no daemon has an address of this host (local addresses: ${shown}; daemons: ${names}); name one with ringlogd -n NAME (as spread -n NAME)`,
  );
}
