/**
 * Spread names (spec §6.1): where a client connects, as SP_connect reads its `spread_name`.
 *   ""             → unix socket /tmp/4803
 *   "<port>"       → unix socket /tmp/<port>
 *   "<port>@<host>"→ TCP host:port
 * plus two explicit forms of our own: "tcp:<host>:<port>" (IPv6 hosts in brackets) and
 * "unix:<path>". Anything else is ILLEGAL_SPREAD, as in libspread.
 */
import { ResultCode } from '@ringlog/wire';
import { ClientErrorCode, SpreadConnectError } from './errors.ts';

export type Endpoint =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export const DEFAULT_SPREAD_PORT = 4803;

const PORT_PATTERN = /^[0-9]{1,5}$/;

function illegal(text: string, why: string): SpreadConnectError {
  return new SpreadConnectError(ClientErrorCode.ILLEGAL_SPREAD, ResultCode.ILLEGAL_SPREAD, `Illegal spread name ${JSON.stringify(text)}: ${why}`);
}

function parsePort(text: string, portText: string): number {
  const port = PORT_PATTERN.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65_535)) throw illegal(text, `port ${JSON.stringify(portText)} is not 1..65535`);
  return port;
}

function unixPathForPort(port: number): string {
  return `/tmp/${port}`;
}

function parseExplicitTcp(text: string, rest: string): Endpoint {
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) throw illegal(text, 'expected tcp:<host>:<port>');
  let host = rest.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.length === 0) throw illegal(text, 'empty host');
  return { kind: 'tcp', host, port: parsePort(text, rest.slice(colon + 1)) };
}

/** Parses a spread name; throws SpreadConnectError (ILLEGAL_SPREAD, -1) when it is not one. */
export function parseSpreadName(text: string): Endpoint {
  if (text.length === 0) return { kind: 'unix', path: unixPathForPort(DEFAULT_SPREAD_PORT) };
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (path.length === 0) throw illegal(text, 'empty unix socket path');
    return { kind: 'unix', path };
  }
  if (text.startsWith('tcp:')) return parseExplicitTcp(text, text.slice('tcp:'.length));
  const at = text.indexOf('@');
  if (at === -1) return { kind: 'unix', path: unixPathForPort(parsePort(text, text)) };
  const host = text.slice(at + 1);
  if (host.length === 0) throw illegal(text, 'empty host after "@"');
  return { kind: 'tcp', host, port: parsePort(text, text.slice(0, at)) };
}

/** A spread name that parses back to `endpoint` ("4803@127.0.0.1", "unix:/tmp/x"). */
export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return `unix:${endpoint.path}`;
  return endpoint.host.includes(':') ? `tcp:[${endpoint.host}]:${endpoint.port}` : `${endpoint.port}@${endpoint.host}`;
}
