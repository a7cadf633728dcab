/**
 * `listen` of tcp and udp inputs: `HOST:PORT`, `[IPv6]:PORT`, or a bare `PORT` on 127.0.0.1
 * (a sidecar serves its own node; listening wider is an explicit choice).
 */
import { isIPv6 } from 'node:net';
import { parseAdminListen } from '@ringlog/config';
import { ShipperAppError, ShipperAppErrorCode } from '../errors.ts';

export const SOCKET_DEFAULT_HOST = '127.0.0.1';

export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `listen`; throws ShipperAppError (RL_SHIPPER_INPUT_CONFIG) naming the input. */
export function parseSocketAddress(input: string, listen: string): SocketAddress {
  const text = /^[0-9]{1,5}$/.test(listen) ? `${SOCKET_DEFAULT_HOST}:${listen}` : listen;
  const address = text === 'off' ? undefined : parseAdminListen(text);
  if (address === undefined) {
    throw new ShipperAppError(ShipperAppErrorCode.INPUT_CONFIG, `input ${input}: listen "${listen}" is not HOST:PORT, [IPv6]:PORT or PORT`);
  }
  return address;
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatSocketAddress(address: SocketAddress): string {
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
