/**
 * `admin.listen`: `off`, `HOST:PORT` or `[IPv6]:PORT`. Port 0 lets the OS pick one (tests).
 */
import { ipFamily, isHostName } from './ip-address.ts';

export const ADMIN_LISTEN_OFF = 'off';

export interface AdminListenAddress {
  readonly host: string;
  readonly port: number;
}

/** The address of a valid `admin.listen`; undefined for `off` or an invalid value. */
export function parseAdminListen(text: string): AdminListenAddress | undefined {
  const parsed = tryParse(text);
  return typeof parsed === 'string' ? undefined : parsed;
}

/** The problem with an `admin.listen` value, or undefined when it is valid. */
export function adminListenProblem(text: string): string | undefined {
  if (text === ADMIN_LISTEN_OFF) return undefined;
  const parsed = tryParse(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

function tryParse(text: string): AdminListenAddress | string {
  if (text === ADMIN_LISTEN_OFF) return 'off';
  const colon = text.lastIndexOf(':');
  if (colon === -1) return 'must be "off", HOST:PORT or [IPv6]:PORT';
  const portText = text.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65_535) {
    return `port ${JSON.stringify(portText.slice(0, 40))} must be an integer 0..65535`;
  }
  const port = Number(portText);
  const hostText = text.slice(0, colon);
  if (hostText.startsWith('[') && hostText.endsWith(']')) {
    const host = hostText.slice(1, -1);
    return ipFamily(host) === 'IPv6' ? { host, port } : `${JSON.stringify(host.slice(0, 60))} is not an IPv6 address`;
  }
  if (hostText === '') return 'host must not be empty (use 0.0.0.0 for every interface)';
  if (hostText.includes(':')) return `IPv6 hosts go in brackets, e.g. [${hostText.slice(0, 60)}]:${port}`;
  if (ipFamily(hostText) === undefined && !isHostName(hostText)) {
    return `host ${JSON.stringify(hostText.slice(0, 60))} is neither an IP address nor a host name`;
  }
  return { host: hostText, port };
}
