import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigDaemonNotFoundError, parseSpreadConf, segmentDaemonPort, spreadConfToDaemonConfig } from '../src/index.ts';
import type { SpreadConfConversionOptions } from '../src/index.ts';
import { KEY_FILE_REQUIRED_MESSAGE } from '../src/internal.ts';
import { problemsOf, summaries } from './helpers.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const convert = (text: string, options: SpreadConfConversionOptions = {}) => spreadConfToDaemonConfig(parseSpreadConf(text, 'spread.conf'), options);
/** The fixtures are upstream Spread files, which cannot carry RinglogKeyFile; the key file comes as an option. */
const KEY = { segmentKeyFile: '/etc/ringlog/segment.key' } as const;

describe('spread.conf to daemon config - selecting the daemon', () => {
  const web = parseSpreadConf(fixture('spread-segment-for-web-logs.conf'), 'web.conf');

  it('spread.conf to daemon config - by name, like spread -n', () => {
    expect(spreadConfToDaemonConfig(web, { ...KEY, daemonName: 'box3' }).config.daemon.name).toBe('box3');
  });

  it('spread.conf to daemon config - by a local address when no name is given', () => {
    expect(spreadConfToDaemonConfig(web, { ...KEY, localAddresses: ['127.0.0.1', '10.50.0.20', '::1'] }).config.daemon.name).toBe('lbox');
  });

  it('spread.conf to daemon config - a clear error for an unknown name, no local match, or several matches', () => {
    expect(() => spreadConfToDaemonConfig(web, { daemonName: 'box9' })).toThrow(ConfigDaemonNotFoundError);
    expect(() => spreadConfToDaemonConfig(web, { daemonName: 'box9' })).toThrow('web.conf: daemon "box9" is not in the config (its daemons: box1, box2, box3, box4, box5, lbox)');
    expect(() => spreadConfToDaemonConfig(web, { localAddresses: ['192.0.2.1'] })).toThrow(/no daemon has an address of this host \(local addresses: 192\.0\.2\.1;.*-n NAME/);
    expect(() => spreadConfToDaemonConfig(web, { localAddresses: ['10.50.0.1', '10.50.0.2'] })).toThrow(/several daemons have a local address \(box1, box2\)/);
  });

  it('spread.conf to daemon config - defaults to this host\'s addresses (no daemon of the fixture is local)', () => {
    expect(() => spreadConfToDaemonConfig(web)).toThrow(ConfigDaemonNotFoundError);
  });
});

describe('spread.conf to daemon config - mapping', () => {
  it('spread.conf to daemon config - the web-logs segment, as box1', () => {
    const { config, warnings } = spreadConfToDaemonConfig(parseSpreadConf(fixture('spread-segment-for-web-logs.conf'), 'web.conf'), { ...KEY, daemonName: 'box1' });
    expect(config.daemon.listen).toEqual(['tcp:127.0.0.1:4803', 'unix:/tmp/4803']);
    expect(config.log).toEqual({ level: 'info', file: '/var/log/spread.log' });
    expect(config.segment?.addresses).toEqual(['10.50.0.255']);
    expect(config.segment?.daemons).toHaveLength(6);
    expect(config.segment?.daemons[0]).toEqual({
      name: 'box1',
      address: '10.50.0.1',
      interfaces: [
        { types: ['C'], address: '127.0.0.1' },
        { types: ['D'], address: '10.50.0.1' },
      ],
    });
    expect(config.segment?.timeouts_ms).toBeUndefined();
    expect(warnings.map((warning) => warning.line)).toEqual([28]);
    expect(Object.isFrozen(config.segment?.daemons)).toBe(true);
  });

  it('spread.conf to daemon config - no stanza: every interface on the segment port plus /tmp/<port>, with a warning', () => {
    const { config, warnings } = convert(fixture('lamp-and-spread.conf'), { ...KEY, daemonName: 'machine1' });
    expect(config.daemon.listen).toEqual(['tcp:0.0.0.0:4804', 'unix:/tmp/4804']);
    expect(warnings).toEqual([
      {
        file: 'spread.conf',
        line: 9,
        message: 'daemon "machine1" has no interface list, so clients are accepted on every interface (tcp:0.0.0.0:4804), as in Spread; add "{ D <ip> C 127.0.0.1 }" to restrict',
      },
    ]);
  });

  it('spread.conf to daemon config - C and untyped interfaces listen; D and M do not; 0.0.0.0 covers its family', () => {
    const text = fixture('every-feature.conf');
    expect(convert(text, { daemonName: 'multihomed2' }).config.daemon.listen).toEqual(['tcp:192.168.0.5:4903', 'tcp:127.0.0.1:4903', 'unix:/tmp/4903']);
    expect(convert(text, { daemonName: 'multihomed3' }).config.daemon.listen).toEqual(['tcp:1.2.3.6:4903', 'unix:/tmp/4903']);
    expect(convert(text, { daemonName: 'multihomed4' }).config.daemon.listen).toEqual(['tcp:0.0.0.0:4903', 'unix:/tmp/4903']);
    const both = convert('Spread_Segment 10.0.0.255 { a 10.0.0.1 { D 10.0.0.1 C 0.0.0.0 C 127.0.0.1 } }', { daemonName: 'a' });
    expect(both.config.daemon.listen).toEqual(['tcp:0.0.0.0:4803', 'unix:/tmp/4803']);
    expect(both.warnings[0]?.message).toMatch(/127\.0\.0\.1 is already covered/);
    const none = convert('Spread_Segment 10.0.0.255 { a 10.0.0.1 { D 10.0.0.1 } }', { daemonName: 'a' });
    expect(none.config.daemon.listen).toEqual(['unix:/tmp/4803']);
    expect(none.warnings[0]?.message).toMatch(/no C \(client\) interface/);
  });

  it('spread.conf to daemon config - every-feature: log level, queue size, auth, timeouts, VirtualID and one segment', () => {
    const { config, warnings } = convert(fixture('every-feature.conf'), { daemonName: 'multihomed2' });
    expect(config.log).toEqual({ level: 'debug', file: '/var/log/spread-%h.log' });
    expect(config.daemon.session_queue_max_messages).toBe(5000);
    expect(config.daemon.auth_methods).toEqual(['NULL']);
    expect(config.segment?.port).toBe(4903);
    expect(config.segment?.timeouts_ms).toEqual({ token: 5000, hurry: 1500, alive: 250, join: 250, rep: 1250, seg: 500, gather: 2500, form: 2500, lookup: 45000 });
    expect(config.segment?.daemons.find((daemon) => daemon.name === 'multihomed2')?.virtual_id).toBe(7);
    expect(config.segment?.daemons.find((daemon) => daemon.name === 'dnsonly')?.address).toBe('dnsonly');
    expect(config.segment?.key_file).toBe('/etc/ringlog/segment.key');
    const messages = warnings.map((warning) => warning.message);
    expect(messages).toContain('ringlog runs one segment: only Spread_Segment[0] (this daemon\'s) is used, the other 1 are ignored');
    expect(messages.some((message) => message.startsWith('DebugFlags { EXIT PRINT DEBUG'))).toBe(true);
  });

  it('spread.conf to daemon config - IPv6 daemon without C stanza listens on [::]; with one on its C addresses', () => {
    const text = fixture('ipv6.conf');
    expect(convert(text, { ...KEY, daemonName: 'v6a' }).config.daemon.listen).toEqual(['tcp:[::1]:4803', 'unix:/tmp/4803']);
    expect(convert(text, { ...KEY, daemonName: 'v6c' }).config.daemon.listen).toEqual(['tcp:[::]:4803', 'unix:/tmp/4803']);
    expect(convert(text, { ...KEY, localAddresses: ['fd00:0:0::2'] }).config.daemon.name).toBe('v6b');
  });

  it.each([
    ['pDEBUG', undefined, 'debug'],
    ['pDEBUG', '{ ALL }', 'trace'],
    ['INFO', '{ ALL }', 'info'],
    ['WARNING', undefined, 'warn'],
    ['ERROR', undefined, 'error'],
    ['CRITICAL', undefined, 'fatal'],
    ['FATAL', undefined, 'fatal'],
  ])('spread.conf to daemon config - EventPriority %s with DebugFlags %s gives log.level %s', (priority, flags, level) => {
    const text = `Spread_Segment 10.0.0.255 { a 10.0.0.1 }\nEventPriority = ${priority}\n${flags === undefined ? '' : `DebugFlags = ${flags}`}`;
    expect(convert(text, { daemonName: 'a' }).config.log.level).toBe(level);
  });

  it('spread.conf to daemon config - Spread\'s default DebugFlags { PRINT EXIT } gives no warning', () => {
    const { warnings } = convert('Spread_Segment 10.0.0.255 { a 10.0.0.1 { D 10.0.0.1 C 127.0.0.1 } }\nDebugFlags = { PRINT EXIT }', { daemonName: 'a' });
    expect(warnings).toEqual([]);
  });

  it('spread.conf to daemon config - values ringlog cannot use are problems at their spread.conf line', () => {
    const text = [
      'Spread_Segment 10.0.0.255 {',
      ' "has space" 10.0.0.1',
      ' b 10.0.0.2',
      '}',
      'MaxSessionMessages = 0',
      'AllowedAuthMethods = "IP NULL"',
      'RinglogKeyFile = segment.key',
    ].join('\n');
    expect(summaries(problemsOf(() => convert(text, { daemonName: 'b' })))).toEqual([
      '2:segment.daemons[0].name: must be 1..19 characters in 0x24..0x7e (no "#", no whitespace) (got "has space")',
      '5:daemon.session_queue_max_messages: must be >= 1 (got 0)',
      '6:daemon.auth_methods[0]: auth method "IP" is not implemented; ringlog implements only NULL',
    ]);
  });

  it('spread.conf to daemon config - RequiredAuthMethods alone disables NULL unless it lists it', () => {
    const base = 'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\n';
    expect(convert(`${base}RequiredAuthMethods = "NULL"`, { daemonName: 'a' }).config.daemon.auth_methods).toEqual(['NULL']);
    expect(summaries(problemsOf(() => convert(`${base}AllowedAuthMethods = ""`, { daemonName: 'a' })))).toEqual([
      '2:daemon.auth_methods: must list each auth method once, at least one; ringlog implements only NULL (got a list)',
    ]);
  });
});

describe('spread.conf to daemon config - several daemons on one host', () => {
  const THREE = [
    'Spread_Segment 127.0.0.255:4803 {',
    ' d1 127.0.0.1:4901  d2 127.0.0.1:4911',
    ' d3 127.0.0.1:4921 { D 127.0.0.1 C 127.0.0.1 }',
    '}',
    'RinglogKeyFile = segment.key',
  ].join('\n');

  it('spread.conf to daemon config - each daemon listens for clients on its own port, with its own /tmp/<port>', () => {
    const { config } = convert(THREE, { daemonName: 'd3' });
    expect(config.daemon.listen).toEqual(['tcp:127.0.0.1:4921', 'unix:/tmp/4921']);
    expect(convert(THREE, { daemonName: 'd2' }).config.daemon.listen).toEqual(['tcp:0.0.0.0:4911', 'unix:/tmp/4911']);
    const segment = config.segment;
    expect(segment?.port).toBe(4803);
    expect(segment?.daemons.map((daemon) => daemon.port)).toEqual([4901, 4911, 4921]);
    expect(segment === undefined ? [] : segment.daemons.map((daemon) => segmentDaemonPort(segment, daemon))).toEqual([4901, 4911, 4921]);
  });

  it('spread.conf to daemon config - a daemon without a port keeps none in the config (the segment port applies)', () => {
    const { config } = convert('Spread_Segment 10.0.0.255:4805 { a 10.0.0.1 b 10.0.0.1:4901 }\nRinglogKeyFile = /k', { daemonName: 'a' });
    expect(config.segment?.daemons[0]).toEqual({ name: 'a', address: '10.0.0.1' });
    expect(config.daemon.listen).toEqual(['tcp:0.0.0.0:4805', 'unix:/tmp/4805']);
  });
});

describe('spread.conf to daemon config - segment key file', () => {
  const TWO = 'Spread_Segment 10.0.0.255 {\n a 10.0.0.1\n b 10.0.0.2\n}\n';

  it('spread.conf to daemon config - RinglogKeyFile resolves against the spread.conf\'s directory', () => {
    const conf = parseSpreadConf(`${TWO}RinglogKeyFile = keys/segment.key`, '/etc/spread/spread.conf');
    expect(spreadConfToDaemonConfig(conf, { daemonName: 'a' }).config.segment?.key_file).toBe('/etc/spread/keys/segment.key');
    expect(convert(`${TWO}RinglogKeyFile = segment.key`, { daemonName: 'a' }).config.segment?.key_file).toBe(resolve('segment.key'));
    expect(convert(`${TWO}RinglogKeyFile = /srv/segment.key`, { daemonName: 'a' }).config.segment?.key_file).toBe('/srv/segment.key');
  });

  it('spread.conf to daemon config - the segmentKeyFile option overrides RinglogKeyFile, relative to the working directory', () => {
    expect(convert(`${TWO}RinglogKeyFile = /srv/a.key`, { daemonName: 'a', segmentKeyFile: '/srv/b.key' }).config.segment?.key_file).toBe('/srv/b.key');
    expect(convert(TWO, { daemonName: 'a', segmentKeyFile: 'b.key' }).config.segment?.key_file).toBe(resolve('b.key'));
  });

  it('spread.conf to daemon config - several daemons without a key file: one problem at the segment line', () => {
    expect(summaries(problemsOf(() => convert(TWO, { daemonName: 'a' })))).toEqual([`1:segment: ${KEY_FILE_REQUIRED_MESSAGE}`]);
    expect(KEY_FILE_REQUIRED_MESSAGE).toContain('RinglogKeyFile');
    expect(convert('Spread_Segment 10.0.0.255 { a 10.0.0.1 }', { daemonName: 'a' }).config.segment?.key_file).toBeUndefined();
  });

  it('spread.conf to daemon config - an empty, NUL-holding or over-long RinglogKeyFile is a problem at its line', () => {
    const problems = (value: string): string[] => summaries(problemsOf(() => convert(`${TWO}RinglogKeyFile = "${value}"`, { daemonName: 'a' })));
    expect(problems('')).toEqual(['5:segment.key_file: must name the file holding the segment key (got an empty path)']);
    expect(problems('/a\0b')).toEqual(['5:segment.key_file: must not contain NUL']);
    expect(problems(`/${'x'.repeat(5000)}`)[0]).toMatch(/^5:segment\.key_file: must be a path of at most 4096 characters/);
  });
});
