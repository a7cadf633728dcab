/**
 * Ports of the daemons of one segment. A daemon uses its port for client TCP and daemon UDP data,
 * and port + 1 for the token (spec §7), so daemons that share an address need ports at least
 * two apart. Shared by the YAML checks and the spread.conf reader.
 */
import { canonicalIp, ipFamily } from './ip-address.ts';

export interface DaemonEndpoint {
  /** An IP literal or a host name, as written. */
  readonly address: string;
  readonly port: number;
}

/** `same`: address and port both taken; `token`: the ports are one apart, so one's token port is the other's data port. */
export interface PortClash {
  readonly index: number;
  readonly kind: 'same' | 'token';
  /** The index of the earlier daemon it clashes with, and that daemon's port. */
  readonly earlier: number;
  readonly earlierPort: number;
}

/**
 * The clashes of each endpoint with the ones before it, in order; undefined entries (values
 * already reported as bad) are skipped. Linear in the number of endpoints.
 */
export function findPortClashes(endpoints: readonly (DaemonEndpoint | undefined)[]): PortClash[] {
  const taken = new Map<string, number>();
  const clashes: PortClash[] = [];
  endpoints.forEach((endpoint, index) => {
    if (endpoint === undefined) return;
    const address = canonicalIp(endpoint.address);
    const key = (port: number): string => `${address} ${port}`;
    const same = taken.get(key(endpoint.port));
    if (same !== undefined) {
      clashes.push({ index, kind: 'same', earlier: same, earlierPort: endpoint.port });
      return;
    }
    taken.set(key(endpoint.port), index);
    for (const earlierPort of [endpoint.port - 1, endpoint.port + 1]) {
      const neighbour = taken.get(key(earlierPort));
      if (neighbour === undefined) continue;
      clashes.push({ index, kind: 'token', earlier: neighbour, earlierPort });
      return;
    }
  });
  return clashes;
}

/** `10.0.0.1:4803`, `[fd00::1]:4803`. */
export function formatEndpoint(endpoint: DaemonEndpoint): string {
  return ipFamily(endpoint.address) === 'IPv6' ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

/** Why a `token` clash is one; `earlier` names the other daemon. */
export function tokenClashMessage(endpoint: DaemonEndpoint, clash: PortClash, earlier: string): string {
  return (
    `port ${endpoint.port} on ${endpoint.address} is next to ${earlier}'s port ${clash.earlierPort}: ` +
    'each daemon also uses port + 1 for the token, so daemons on one address need ports at least 2 apart'
  );
}
