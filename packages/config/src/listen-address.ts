/**
 * Listener strings, as written in `daemon.listen`: `tcp:HOST:PORT`, `tcp:[IPv6]:PORT` or
 * `unix:/absolute/path`. Port 0 is allowed so tests can ask the OS for a free port.
 */
import { ListenAddressError } from './errors.ts';
import { ipFamily, isHostName } from './ip-address.ts';

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** Linux `sun_path` holds 108 bytes including the terminating NUL. */
export const UNIX_SOCKET_PATH_BYTES_MAX = 107;

type Parsed = { ok: true; value: ListenAddress } | { ok: false; message: string };

/** Parses one listener; throws `ListenAddressError` (code RL_CONFIG_BAD_LISTEN_ADDRESS). */
export function parseListenAddress(text: string): ListenAddress {
  const parsed = tryParseListenAddress(text);
  if (!parsed.ok) throw new ListenAddressError(text, `Bad listener "${text}": ${parsed.message}`);
  return parsed.value;
}

/** The problem with a listener string, or undefined when it is valid. */
export function listenAddressProblem(text: string): string | undefined {
  const parsed = tryParseListenAddress(text);
  return parsed.ok ? undefined : parsed.message;
}

/** The listener back as text; `tcp:[::1]:4803` style for IPv6 hosts. */
export function formatListenAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `tcp:${host}:${address.port}`;
}

function tryParseListenAddress(text: string): Parsed {
  if (text.startsWith('tcp:')) return parseTcp(text.slice('tcp:'.length));
  if (text.startsWith('unix:')) return parseUnix(text.slice('unix:'.length));
  return { ok: false, message: 'must start with "tcp:" (tcp:HOST:PORT) or "unix:" (unix:/absolute/path)' };
}

function parseTcp(rest: string): Parsed {
  if (rest.startsWith('[')) return parseBracketedTcp(rest);
  const colon = rest.lastIndexOf(':');
  if (colon === -1) return { ok: false, message: 'missing ":PORT" (expected tcp:HOST:PORT)' };
  const host = rest.slice(0, colon);
  const port = parsePort(rest.slice(colon + 1));
  if (port === undefined) return { ok: false, message: `port "${rest.slice(colon + 1)}" must be an integer 0..65535` };
  if (host === '') return { ok: false, message: 'host must not be empty' };
  if (host.includes(':')) return { ok: false, message: `IPv6 hosts go in brackets, e.g. tcp:[${host}]:${port}` };
  if (ipFamily(host) === undefined && !isHostName(host)) {
    return { ok: false, message: `host "${host}" is neither an IP address nor a host name` };
  }
  return { ok: true, value: { kind: 'tcp', host, port } };
}

function parseBracketedTcp(rest: string): Parsed {
  const close = rest.indexOf(']');
  if (close === -1) return { ok: false, message: 'missing "]" after the IPv6 address' };
  const host = rest.slice(1, close);
  if (ipFamily(host) !== 'IPv6') return { ok: false, message: `"${host}" is not an IPv6 address` };
  const after = rest.slice(close + 1);
  if (!after.startsWith(':')) return { ok: false, message: 'missing ":PORT" after "]" (expected tcp:[IPv6]:PORT)' };
  const port = parsePort(after.slice(1));
  if (port === undefined) return { ok: false, message: `port "${after.slice(1)}" must be an integer 0..65535` };
  return { ok: true, value: { kind: 'tcp', host, port } };
}

function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function parseUnix(path: string): Parsed {
  if (!path.startsWith('/')) return { ok: false, message: `unix socket path "${path}" must be absolute` };
  if (path.includes('\0')) return { ok: false, message: 'unix socket path must not contain NUL' };
  if (Buffer.byteLength(path) > UNIX_SOCKET_PATH_BYTES_MAX) {
    return { ok: false, message: `unix socket path is longer than ${UNIX_SOCKET_PATH_BYTES_MAX} bytes` };
  }
  return { ok: true, value: { kind: 'unix', path } };
}
