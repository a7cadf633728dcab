/**
 * Where the collector finds its daemon (`collector.daemon`): `embedded`, or a Spread name as
 * libspread's SP_connect reads it (`4803` = the unix socket /tmp/4803, `4803@host` = TCP),
 * plus an absolute unix socket path. The rules follow packages/client/src/spread-name.ts
 * (`parseSpreadName`), which the config package cannot import; the client's explicit forms
 * `unix:/path` and `tcp:host:port` are accepted too.
 */
import { ipFamily, isHostName } from './ip-address.ts';
import { UNIX_SOCKET_PATH_BYTES_MAX } from './listen-address.ts';

export const EMBEDDED_DAEMON = 'embedded';

/** The problem with a `collector.daemon` value, or undefined when it is valid. */
export function collectorDaemonProblem(text: string): string | undefined {
  if (text === EMBEDDED_DAEMON) return undefined;
  if (text.startsWith('/')) return unixPathProblem(text);
  if (text.startsWith('unix:')) return unixPathProblem(text.slice('unix:'.length));
  if (text.startsWith('tcp:')) return explicitTcpProblem(text.slice('tcp:'.length));
  const at = text.indexOf('@');
  const port = at === -1 ? text : text.slice(0, at);
  if (!isPort(port)) {
    return `must be "embedded", PORT, PORT@HOST or an absolute unix socket path (port ${JSON.stringify(port.slice(0, 40))} is not 1..65535)`;
  }
  return at === -1 ? undefined : hostProblem(text.slice(at + 1));
}

/**
 * The spread name to give the client's `parseSpreadName` for a valid `collector.daemon`;
 * undefined for `embedded`.
 */
export function clientSpreadName(daemon: string): string | undefined {
  if (daemon === EMBEDDED_DAEMON) return undefined;
  return daemon.startsWith('/') ? `unix:${daemon}` : daemon;
}

function isPort(text: string): boolean {
  return /^[0-9]{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535;
}

function hostProblem(host: string): string | undefined {
  if (host === '') return 'has an empty host after "@"';
  if (ipFamily(host) !== undefined || isHostName(host)) return undefined;
  return `host ${JSON.stringify(host.slice(0, 60))} is neither an IP address nor a host name`;
}

function unixPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `unix socket path ${JSON.stringify(path.slice(0, 60))} must be absolute`;
  if (path.includes('\0')) return 'unix socket path must not contain NUL';
  if (Buffer.byteLength(path) > UNIX_SOCKET_PATH_BYTES_MAX) return `unix socket path is longer than ${UNIX_SOCKET_PATH_BYTES_MAX} bytes`;
  return undefined;
}

function explicitTcpProblem(rest: string): string | undefined {
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return 'must be tcp:HOST:PORT';
  const host = rest.slice(0, colon);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!isPort(rest.slice(colon + 1))) return `port ${JSON.stringify(rest.slice(colon + 1).slice(0, 40))} is not 1..65535`;
  return hostProblem(bare);
}
