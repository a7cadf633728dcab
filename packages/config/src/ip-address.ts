/**
 * IP literal helpers shared by the YAML checks and the spread.conf reader. Addresses may carry
 * an IPv6 zone (`fe80::1%eth0`), which names a local interface and is not part of the address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 'IPv4' | 'IPv6';

/** Removes a trailing `%zone` from an IPv6 literal. */
export function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/** `IPv4`, `IPv6` or undefined when the text is not an IP literal (a zone is allowed on IPv6). */
export function ipFamily(address: string): IpFamily | undefined {
  if (isIPv4(address)) return 'IPv4';
  const bare = withoutZone(address);
  if (isIPv6(bare) && (bare === address || address.length > bare.length + 1)) return 'IPv6';
  return undefined;
}

/** A canonical spelling for comparing addresses: lower-case, compressed IPv6, zone dropped. */
export function canonicalIp(address: string): string {
  const family = ipFamily(address);
  if (family !== 'IPv6') return address;
  return new URL(`http://[${withoutZone(address)}]`).hostname.slice(1, -1);
}

/** 0.0.0.0 or :: (bind to every interface). */
export function isUnspecifiedIp(address: string): boolean {
  const canonical = canonicalIp(address);
  return canonical === '0.0.0.0' || canonical === '::';
}

/** 224.0.0.0/4 or ff00::/8. */
export function isMulticastIp(address: string): boolean {
  const family = ipFamily(address);
  if (family === 'IPv4') {
    const first = Number(address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return family === 'IPv6' && canonicalIp(address).startsWith('ff');
}

/** 127.0.0.0/8 or ::1. */
export function isLoopbackIp(address: string): boolean {
  const family = ipFamily(address);
  if (family === 'IPv4') return address.startsWith('127.');
  return family === 'IPv6' && canonicalIp(address) === '::1';
}

/** A DNS host name: letters, digits, dots, hyphens and underscores, at most 253 characters. */
export function isHostName(text: string): boolean {
  return text.length > 0 && text.length <= 253 && /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(text);
}
