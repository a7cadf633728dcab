/**
 * Client listeners of a spread.conf daemon: one TCP listener per C (or untyped) interface on the
 * segment port, plus the unix socket `/tmp/<port>` that Spread always opens. With no interface
 * stanza Spread binds the unspecified address, and so does ringlog (with a warning).
 */
import { ipFamily, isUnspecifiedIp } from './ip-address.ts';
import { formatListenAddress } from './listen-address.ts';
import type { SpreadDaemon } from './spread-conf-types.ts';

export function clientListeners(daemon: SpreadDaemon, port: number, warn: (line: number, message: string) => void): string[] {
  const unix = `unix:/tmp/${port}`;
  if (daemon.interfaces === undefined) {
    const any = daemon.address !== undefined && ipFamily(daemon.address) === 'IPv6' ? '::' : '0.0.0.0';
    const tcp = formatListenAddress({ kind: 'tcp', host: any, port });
    warn(daemon.line, `daemon "${daemon.name}" has no interface list, so clients are accepted on every interface (${tcp}), as in Spread; add "{ D <ip> C 127.0.0.1 }" to restrict`);
    return [tcp, unix];
  }
  const clients = daemon.interfaces.filter((stanza) => stanza.types.length === 0 || stanza.types.includes('C'));
  if (clients.length === 0) {
    warn(daemon.line, `daemon "${daemon.name}" has no C (client) interface: clients can connect only through ${unix}`);
  }
  const wildcardFamilies = new Set(clients.filter((stanza) => isUnspecifiedIp(stanza.address)).map((stanza) => ipFamily(stanza.address)));
  const listeners = new Set<string>();
  for (const stanza of clients) {
    const coveredByWildcard = !isUnspecifiedIp(stanza.address) && wildcardFamilies.has(ipFamily(stanza.address));
    if (coveredByWildcard) {
      warn(stanza.line, `client interface ${stanza.address} is already covered by the unspecified address of its family; not listened on separately`);
      continue;
    }
    listeners.add(formatListenAddress({ kind: 'tcp', host: stanza.address, port }));
  }
  return [...listeners, unix];
}
