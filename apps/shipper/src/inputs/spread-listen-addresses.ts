/**
 * The listeners of a spread input, from its `listen` Spread name. A bare port is what a
 * Spread daemon opens for local clients: TCP on the loopback address plus the unix socket
 * `/tmp/<port>`, so senders configured with `4803` (unix) or `4803@localhost` (TCP) both
 * reach the shipper unchanged. TCP comes first: while a real Spread daemon still holds the
 * port, the TCP bind fails before its live unix socket could be replaced.
 */
import { type ListenAddress, parseListenAddress } from '@ringlog/config';

const LOOPBACK_HOST = '127.0.0.1';
const PORT_PATTERN = /^[0-9]{1,5}$/;
const PORT_MAX = 65_535;

/** Parses `listen`; throws the config package's ListenAddressError (or an Error) naming the problem. */
export function spreadInputListeners(listen: string): ListenAddress[] {
  if (PORT_PATTERN.test(listen)) {
    const port = Number(listen);
    if (port < 1 || port > PORT_MAX) throw new Error(`listen port ${listen} is not 1..${PORT_MAX}`);
    return [
      { kind: 'tcp', host: LOOPBACK_HOST, port },
      { kind: 'unix', path: `/tmp/${port}` },
    ];
  }
  if (listen.startsWith('unix:') || listen.startsWith('tcp:')) return [parseListenAddress(listen)];
  if (listen.startsWith('/')) return [parseListenAddress(`unix:${listen}`)];
  return [parseListenAddress(`tcp:${listen}`)];
}
