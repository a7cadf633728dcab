import { describe, expect, it } from 'vitest';
import { formatListenAddress, ListenAddressError, parseListenAddress } from '../src/index.ts';

describe('listen address - parse', () => {
  it('listen address - tcp with IPv4, host name, bracketed IPv6 and port 0', () => {
    expect(parseListenAddress('tcp:127.0.0.1:4803')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 4803 });
    expect(parseListenAddress('tcp:localhost:0')).toEqual({ kind: 'tcp', host: 'localhost', port: 0 });
    expect(parseListenAddress('tcp:[::1]:4803')).toEqual({ kind: 'tcp', host: '::1', port: 4803 });
    expect(parseListenAddress('tcp:[fe80::1%eth0]:65535')).toEqual({ kind: 'tcp', host: 'fe80::1%eth0', port: 65535 });
    expect(parseListenAddress('tcp:0.0.0.0:4803')).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 4803 });
  });

  it('listen address - unix with an absolute path', () => {
    expect(parseListenAddress('unix:/tmp/4803')).toEqual({ kind: 'unix', path: '/tmp/4803' });
  });

  it.each([
    ['udp:1.2.3.4:5', /must start with/],
    ['tcp:127.0.0.1', /missing ":PORT"/],
    ['tcp:127.0.0.1:65536', /0\.\.65535/],
    ['tcp:127.0.0.1:-1', /0\.\.65535/],
    ['tcp:127.0.0.1:', /0\.\.65535/],
    ['tcp::4803', /host must not be empty/],
    ['tcp:::1:4803', /brackets/],
    ['tcp:[::1]', /missing ":PORT"/],
    ['tcp:[::1:4803', /missing "\]"/],
    ['tcp:[1.2.3.4]:4803', /not an IPv6/],
    ['tcp:bad host:1', /neither an IP/],
    ['unix:tmp/4803', /absolute/],
    ['unix:', /absolute/],
    [`unix:/${'x'.repeat(200)}`, /longer than 107/],
    ['unix:/tmp/a\0b', /NUL/],
    ['', /must start with/],
  ])('listen address - rejects %j', (text, pattern) => {
    expect(() => parseListenAddress(text)).toThrow(ListenAddressError);
    expect(() => parseListenAddress(text)).toThrow(pattern);
  });

  it('listen address - format round-trips', () => {
    for (const text of ['tcp:127.0.0.1:4803', 'tcp:[::1]:4803', 'unix:/tmp/4803', 'tcp:example.org:80']) {
      expect(formatListenAddress(parseListenAddress(text))).toBe(text);
    }
  });
});
