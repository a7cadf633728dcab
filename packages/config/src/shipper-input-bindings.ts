/**
 * What a shipper input listens on, and when two listeners would fight over one socket. The
 * config checks use this to refuse a file whose inputs (or admin.listen, or the daemon the
 * shipper sends to) share an address, which would otherwise fail at bind time with EADDRINUSE
 * after the other inputs had started, or loop the shipper's output back into itself.
 */
import { posix } from 'node:path';
import { adminListenProblem, parseAdminListen } from './admin-listen.ts';
import { canonicalIp, ipFamily, isLoopbackIp } from './ip-address.ts';
import type { ListenAddress } from './listen-address.ts';
import { UNIX_SOCKET_PATH_BYTES_MAX } from './listen-address.ts';
import { describeValue } from './schema-error-message.ts';
import { LISTEN_LENGTH_MAX } from './shipper-limits.ts';
import type { InputType } from './shipper-config-types.ts';
import { collectorDaemonProblem, EMBEDDED_DAEMON } from './spread-name.ts';

/** A socket an input binds: a unix socket file, or a TCP or UDP address. */
export type InputBinding = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' | 'udp'; readonly host: string; readonly port: number };

/** Inputs whose `path` is a unix socket they create. */
export const SOCKET_FILE_INPUT_TYPES: ReadonlySet<InputType> = new Set(['unix', 'syslog_unix', 'pipe', 'unix_dgram', 'syslog_unix_dgram']);

const UNIX_TYPES = 'unix, unix_dgram, syslog_unix, syslog_unix_dgram, pipe and spread';
const HOST_PORT = 'must be HOST:PORT or [IPv6]:PORT, such as "127.0.0.1:5140"';
const SPREAD_LISTEN = 'must be a port ("4803" = TCP 127.0.0.1:4803 and unix socket /tmp/4803), HOST:PORT, [IPv6]:PORT or unix:/path';

/** "a unix input", "an http input". */
export function inputNoun(type: InputType): string {
  return `${type === 'http' ? 'an' : 'a'} ${type} input`;
}

/** The problem with a unix socket path, or undefined when a socket can be bound there. */
export function socketPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL';
  if (!path.startsWith('/')) return `must be an absolute path (got ${JSON.stringify(path.slice(0, 60))})`;
  if (path.endsWith('/')) return 'must name a socket file, not end with "/"';
  const bytes = Buffer.byteLength(path);
  if (bytes > UNIX_SOCKET_PATH_BYTES_MAX) {
    return `is ${bytes} bytes long; a unix socket path holds at most ${UNIX_SOCKET_PATH_BYTES_MAX} bytes (the sun_path limit), so choose a shorter one`;
  }
  return undefined;
}

/** The problem with `listen` for an input of this type, or undefined when it is valid. */
export function inputListenProblem(type: InputType, listen: unknown): string | undefined {
  if (typeof listen === 'number' && type !== 'spread') return `${HOST_PORT}; a bare port is not enough (got ${describeValue(listen)})`;
  if (typeof listen !== 'string') return `must be a string (got ${describeValue(listen)})`;
  if (listen.length > LISTEN_LENGTH_MAX) return `must not be longer than ${LISTEN_LENGTH_MAX} characters`;
  const scheme = /^(tcp|udp):/i.exec(listen)?.[0];
  if (scheme !== undefined) return `${HOST_PORT}, without "${scheme}" (the input's type says which protocol it uses)`;
  if (type === 'spread' && listen.startsWith('/')) return `a unix socket is written unix:/path (got ${describeValue(listen)})`;
  if (type !== 'spread') {
    if (listen.startsWith('unix:') || listen.startsWith('/')) return `${HOST_PORT}: ${inputNoun(type)} listens on TCP or UDP (unix sockets are for the ${UNIX_TYPES} inputs)`;
    return listen.includes(':') ? adminListenProblem(listen) : `${HOST_PORT} (got ${describeValue(listen)})`;
  }
  if (/^[0-9]+$/.test(listen)) return spreadPort(listen) === undefined ? `port ${describeValue(listen)} must be 1..65535` : undefined;
  if (listen.startsWith('unix:')) {
    const problem = socketPathProblem(listen.slice('unix:'.length));
    return problem === undefined ? undefined : `the unix socket path ${problem}`;
  }
  return listen.includes(':') ? adminListenProblem(listen) : `${SPREAD_LISTEN} (got ${describeValue(listen)})`;
}

/**
 * Where a spread input with this (valid) `listen` accepts clients, as libspread clients name
 * it: a bare port is TCP 127.0.0.1:PORT plus the unix socket /tmp/PORT, like a Spread daemon.
 */
export function spreadInputListeners(listen: string): ListenAddress[] {
  const port = spreadPort(listen);
  if (port !== undefined) return [{ kind: 'tcp', host: '127.0.0.1', port }, { kind: 'unix', path: `/tmp/${port}` }];
  if (listen.startsWith('unix:')) return [{ kind: 'unix', path: listen.slice('unix:'.length) }];
  const address = parseAdminListen(listen);
  return address === undefined ? [] : [{ kind: 'tcp', ...address }];
}

/** The sockets an input binds, from those of its settings that are valid (others are reported elsewhere). */
export function inputBindings(input: Record<string, unknown>, type: InputType): { readonly key: 'path' | 'listen'; readonly binding: InputBinding }[] {
  const { path, listen } = input;
  if (SOCKET_FILE_INPUT_TYPES.has(type)) {
    return typeof path === 'string' && socketPathProblem(path) === undefined ? [{ key: 'path', binding: { kind: 'unix', path: posix.normalize(path) } }] : [];
  }
  if (typeof listen !== 'string' || inputListenProblem(type, listen) !== undefined) return [];
  if (type === 'spread') {
    return spreadInputListeners(listen).map((address) => ({ key: 'listen', binding: address.kind === 'unix' ? { kind: 'unix', path: posix.normalize(address.path) } : { ...address, kind: 'tcp' } }));
  }
  const address = parseAdminListen(listen);
  if (address === undefined) return [];
  return [{ key: 'listen', binding: { kind: type === 'syslog_udp' ? 'udp' : 'tcp', ...address } }];
}

/** Where a valid `shipper.daemon` connects (undefined for `embedded`), spelled as a binding. */
export function daemonBinding(daemon: string): InputBinding | undefined {
  if (daemon === EMBEDDED_DAEMON || collectorDaemonProblem(daemon) !== undefined) return undefined;
  if (daemon.startsWith('/')) return { kind: 'unix', path: posix.normalize(daemon) };
  if (daemon.startsWith('unix:')) return { kind: 'unix', path: posix.normalize(daemon.slice('unix:'.length)) };
  if (daemon.startsWith('tcp:')) {
    const rest = daemon.slice('tcp:'.length);
    const colon = rest.lastIndexOf(':');
    const host = rest.slice(0, colon);
    return { kind: 'tcp', host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(rest.slice(colon + 1)) };
  }
  const at = daemon.indexOf('@');
  if (at === -1) return { kind: 'unix', path: `/tmp/${Number(daemon)}` };
  return { kind: 'tcp', host: daemon.slice(at + 1), port: Number(daemon.slice(0, at)) };
}

/** A valid `admin.listen` as a binding; undefined for `off`. */
export function adminBinding(listen: unknown): InputBinding | undefined {
  const address = typeof listen === 'string' ? parseAdminListen(listen) : undefined;
  return address === undefined ? undefined : { kind: 'tcp', ...address };
}

/**
 * True when binding both would fail (or one would steal the other's traffic): the same socket
 * file, or the same protocol and port on addresses that overlap. Port 0 asks the OS for a free
 * port, so it never clashes.
 */
export function bindingsClash(a: InputBinding, b: InputBinding): boolean {
  if (a.kind === 'unix' || b.kind === 'unix') return a.kind === 'unix' && b.kind === 'unix' && a.path === b.path;
  if (a.kind !== b.kind || a.port !== b.port || a.port === 0) return false;
  return hostsOverlap(a.host, b.host);
}

/** `TCP 127.0.0.1:514`, `UDP [::1]:514`, `unix socket /run/x.sock`. */
export function describeBinding(binding: InputBinding): string {
  if (binding.kind === 'unix') return `unix socket ${binding.path}`;
  const host = binding.host.includes(':') ? `[${binding.host}]` : binding.host;
  return `${binding.kind.toUpperCase()} ${host}:${binding.port}`;
}

/**
 * Node binds `::` dual-stack, so it takes the port on every address; `0.0.0.0` takes it on
 * every IPv4 address; `localhost` may resolve to either loopback address. Other host names are
 * compared as written: resolving them here would make validation depend on DNS.
 */
function hostsOverlap(a: string, b: string): boolean {
  const first = hostKey(a);
  const second = hostKey(b);
  if (first === second || first === '::' || second === '::') return true;
  return coversHost(first, second) || coversHost(second, first);
}

function coversHost(wide: string, host: string): boolean {
  if (wide === '0.0.0.0') return ipFamily(host) === 'IPv4' || host === 'localhost';
  return wide === 'localhost' && isLoopbackIp(host);
}

function hostKey(host: string): string {
  return ipFamily(host) === undefined ? host.toLowerCase() : canonicalIp(host);
}

function spreadPort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}
