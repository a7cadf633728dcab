import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpreadConf } from '../src/index.ts';
import { problemsOf, summaries } from './helpers.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (text: string) => parseSpreadConf(text, 'spread.conf');
const errors = (text: string): string[] => summaries(problemsOf(() => parse(text)));
const ONE = 'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\n';

describe('spread.conf - reference documents', () => {
  it('spread.conf - the LAMP article example (completed as the article describes)', () => {
    const conf = parseSpreadConf(fixture('lamp-and-spread.conf'), 'lamp.conf');
    expect(conf.segments).toEqual([
      {
        line: 8,
        port: 4804,
        addresses: ['192.168.0.255'],
        daemons: [
          { line: 9, name: 'machine1', address: '192.168.0.3', needsDns: false },
          { line: 10, name: 'machine2', address: '192.168.0.4', needsDns: false },
        ],
      },
    ]);
    expect(conf.warnings).toEqual([]);
  });

  it('spread.conf - the web-logs segment with C/D stanzas, EventLogFile and bare EventTimeStamp', () => {
    const conf = parseSpreadConf(fixture('spread-segment-for-web-logs.conf'), 'web.conf');
    const [segment] = conf.segments;
    expect(segment?.port).toBe(4803);
    expect(segment?.addresses).toEqual(['10.50.0.255']);
    expect(segment?.daemons.map((daemon) => `${daemon.name}@${daemon.address}`)).toEqual([
      'box1@10.50.0.1', 'box2@10.50.0.2', 'box3@10.50.0.3', 'box4@10.50.0.4', 'box5@10.50.0.5', 'lbox@10.50.0.20',
    ]);
    expect(segment?.daemons[5]?.interfaces).toEqual([
      { line: 23, types: ['C'], address: '127.0.0.1' },
      { line: 24, types: ['D'], address: '10.50.0.20' },
    ]);
    expect(conf.keys.EventLogFile).toEqual({ value: '/var/log/spread.log', line: 27 });
    expect(conf.keys.EventTimeStamp).toEqual({ value: null, line: 28 });
    expect(conf.warnings).toEqual([{ file: 'web.conf', line: 28, message: 'EventTimeStamp is a Spread setting that ringlog does not use; ignored' }]);
  });

  it('spread.conf - the truncated excerpt as printed ("Spread_Segment {") is reported, not crashed on', () => {
    expect(errors('Spread_Segment {\n')).toEqual([
      '1:Spread_Segment[0]: Spread_Segment needs a segment address (e.g. "Spread_Segment 10.0.0.255:4803 {"), got "{"',
      '2:Spread_Segment[0]: the segment opened on line 1 is not closed with "}" before end of file',
      '2:(top level): no daemons specified',
    ]);
  });
});

describe('spread.conf - every feature', () => {
  const conf = parseSpreadConf(fixture('every-feature.conf'), 'every.conf');

  it('spread.conf - multihomed stanzas, VirtualID, ";", address-only, quoted, truncated and DNS names', () => {
    const [first, second] = conf.segments;
    expect(first?.port).toBe(4903);
    expect(first?.addresses).toEqual(['225.0.1.1', '225.0.1.2']);
    expect(second).toMatchObject({ port: 4803, addresses: ['225.0.2.1'], daemons: [{ name: 'far1', address: '5.6.7.8' }] });
    const daemons = first?.daemons ?? [];
    expect(daemons.map((daemon) => [daemon.name, daemon.address ?? null])).toEqual([
      ['multihomed1', '1.2.3.4'],
      ['multihomed2', '1.2.3.5'],
      ['multihomed3', '1.2.3.6'],
      ['multihomed4', '1.2.3.7'],
      ['plain', '1.2.3.8'],
      ['1.2.3.9', '1.2.3.9'],
      ['quoted-name', '1.2.3.10'],
      ['a-very-long-daemon-', '1.2.3.11'],
      ['dnsonly', null],
      ['split', '1.2.3.12'],
    ]);
    expect(daemons[0]?.interfaces?.map((entry) => [entry.types, entry.address])).toEqual([[['D'], '1.2.3.4'], [['C'], '192.168.0.4']]);
    expect(daemons[1]?.virtualId).toBe(7);
    expect(daemons[1]?.interfaces?.map((entry) => entry.types.join(''))).toEqual(['D', 'C', 'C', 'M']);
    expect(daemons[2]?.interfaces).toEqual([{ line: 47, types: [], address: '1.2.3.6' }]);
    expect(daemons[8]?.needsDns).toBe(true);
    expect(daemons[4]?.interfaces).toBeUndefined();
  });

  it('spread.conf - every key, typed', () => {
    const { keys } = conf;
    expect(keys.DebugFlags?.value).toEqual([
      'EXIT', 'PRINT', 'DEBUG', 'NETWORK', 'PROTOCOL', 'SESSION', 'CONFIGURATION', 'MEMBERSHIP', 'FLOW_CONTROL', 'STATUS', 'EVENTS', 'GROUPS', 'ACM', 'SECURITY',
    ]);
    expect(keys.EventPriority?.value).toBe('pDEBUG');
    expect(keys.EventLogFile?.value).toBe('/var/log/spread-%h.log');
    expect(keys.EventTimeStamp?.value).toBe('[%a %d %b %Y %H:%M:%S]');
    expect(keys.EventPreciseTimeStamp?.value).toBe(true);
    expect(keys.DangerousMonitor?.value).toBe(false);
    expect(keys.SocketPortReuse?.value).toBe('AUTO');
    expect(keys.RuntimeDir?.value).toBe('/var/run/spread');
    expect(keys.AllowedAuthMethods?.value).toEqual(['NULL']);
    expect(keys.RequiredAuthMethods?.value).toEqual(['NULL']);
    expect(keys.AccessControlPolicy?.value).toBe('PERMIT');
    expect(keys.MaxSessionMessages?.value).toBe(5000);
    expect(keys.ActiveIPVersion?.value).toBe('IPv4');
    expect(keys.WideAreaNetwork?.value).toBe(true);
    expect(keys.AcceleratedRing?.value).toBe(false);
    expect([keys.Window?.value, keys.PersonalWindow?.value, keys.AcceleratedWindow?.value]).toEqual([200, 30, 20]);
    expect(keys.IgnoreMulticastJoinErrors?.value).toBe(true);
    expect(keys.LookupTimeout).toEqual({ value: 45000, line: 36 });
  });

  it('spread.conf - warnings for unused keys, the truncated name and the DNS-only daemon', () => {
    const messages = conf.warnings.map((warning) => `${warning.line}: ${warning.message}`);
    expect(messages).toContain('8: EventPreciseTimeStamp is a Spread setting that ringlog does not use; ignored');
    expect(messages).toContain('51: daemon name "a-very-long-daemon-name-indeed" is longer than 19 characters; truncated to "a-very-long-daemon-" as Spread does');
    expect(messages.some((message) => message.startsWith('52: daemon "dnsonly" has no address'))).toBe(true);
    expect(messages.some((message) => message.includes('EventLogFile'))).toBe(false);
  });

  it('spread.conf - IPv6: [addr]:port, %iface, IPv6 interfaces and ActiveIPVersion', () => {
    const v6 = parseSpreadConf(fixture('ipv6.conf'), 'v6.conf');
    const [segment] = v6.segments;
    expect(segment?.port).toBe(4803);
    expect(segment?.addresses).toEqual(['ff02::1', 'ff02::2']);
    expect(segment?.daemons.map((daemon) => [daemon.name, daemon.address])).toEqual([
      ['v6a', 'fd00::1'],
      ['v6b', 'fd00::2'],
      ['v6c', 'fe80::1%eth0'],
      ['fd00::3', 'fd00::3'],
    ]);
    expect(segment?.daemons[1]?.interfaces?.[1]).toMatchObject({ types: ['C'], address: '::' });
  });
});

describe('spread.conf - syntax', () => {
  it('spread.conf - comments, any whitespace, and keys before or after segments', () => {
    const conf = parse('# c\nMaxSessionMessages = 9 # trailing\n\tSpread_Segment\n10.0.0.255\n{\na\n10.0.0.1\n}\r\nEventPriority = ERROR');
    expect(conf.keys.MaxSessionMessages?.value).toBe(9);
    expect(conf.keys.EventPriority?.value).toBe('ERROR');
    expect(conf.segments[0]?.daemons[0]).toMatchObject({ name: 'a', address: '10.0.0.1', line: 6 });
  });

  it('spread.conf - keywords are case-sensitive, booleans are not', () => {
    expect(parse(`${ONE}DangerousMonitor = TrUe\nWideAreaNetwork = NO`).keys).toMatchObject({ DangerousMonitor: { value: true }, WideAreaNetwork: { value: false } });
    const warnings = parse(`${ONE}maxsessionmessages = 5`).warnings;
    expect(warnings).toEqual([
      { file: 'spread.conf', line: 2, message: 'unknown key "maxsessionmessages" ignored (keywords are case-sensitive: did you mean MaxSessionMessages?)' },
    ]);
    expect(errors('spread_segment 10.0.0.255 { a 10.0.0.1 }')).toEqual(['1:(top level): no Spread_Segment: at least one segment is required']);
  });

  it('spread.conf - the port defaults to 4803; port 0 means the default', () => {
    expect(parse(ONE).segments[0]?.port).toBe(4803);
    expect(parse('Spread_Segment 10.0.0.255:0 { a 10.0.0.1 }').segments[0]?.port).toBe(4803);
  });

  it('spread.conf - a daemon address may carry the daemon\'s own port, IPv4 or IPv6; without one it has none', () => {
    const daemons = parse('Spread_Segment 127.0.0.255:4803 { d1 127.0.0.1:4901  d2 127.0.0.1:4911 127.0.0.1:4921 d4 127.0.0.4 }').segments[0]?.daemons;
    expect(daemons?.map((daemon) => [daemon.name, daemon.address, daemon.port ?? null])).toEqual([
      ['d1', '127.0.0.1', 4901],
      ['d2', '127.0.0.1', 4911],
      ['127.0.0.1', '127.0.0.1', 4921],
      ['d4', '127.0.0.4', null],
    ]);
    expect(daemons?.[3]).not.toHaveProperty('port');
    const v6 = parse('Spread_Segment [ff02::1]:4803 { a [fd00::1]:4901 [fd00::2]:4911 }').segments[0]?.daemons;
    expect(v6?.map((daemon) => [daemon.name, daemon.address, daemon.port])).toEqual([
      ['a', 'fd00::1', 4901],
      ['fd00::2', 'fd00::2', 4911],
    ]);
  });

  it('spread.conf - RinglogKeyFile is ringlog\'s own key, read as a string', () => {
    expect(parse(`${ONE}RinglogKeyFile = segment.key`).keys.RinglogKeyFile).toEqual({ value: 'segment.key', line: 2 });
    expect(parse(`${ONE}RinglogKeyFile = "/etc/ringlog/my key"`).keys.RinglogKeyFile?.value).toBe('/etc/ringlog/my key');
    expect(parse(`${ONE}RinglogKeyFile = k`).warnings).toEqual([]);
    expect(errors(`${ONE}RinglogKeyFile = { x }`)).toEqual(['2:RinglogKeyFile: RinglogKeyFile needs a string value (bare or quoted), got "{"']);
    expect(parse(`${ONE}ringlogkeyfile = k`).warnings[0]?.message).toBe('unknown key "ringlogkeyfile" ignored (keywords are case-sensitive: did you mean RinglogKeyFile?)');
  });

  it('spread.conf - "Key=value" without spaces is one word, as in Spread', () => {
    const conf = parse(`${ONE}EventLogFile=/tmp/x`);
    expect(conf.keys.EventLogFile).toBeUndefined();
    expect(conf.warnings[0]?.message).toBe('unknown key "EventLogFile=/tmp/x" ignored (if this is "Key=value", put spaces around "=")');
    expect(errors(`${ONE}EventLogFile =/tmp/x`)).toEqual(['2:EventLogFile: expected "=" after EventLogFile, got "=/tmp/x" (put spaces around "=")']);
  });

  it('spread.conf - unknown keys are warnings and their values are skipped', () => {
    const conf = parse(`${ONE}Frobnicate = { a b }\nColour = "red"\nBare\nMaxSessionMessages = 7\n`);
    expect(conf.keys.MaxSessionMessages?.value).toBe(7);
    expect(conf.warnings.map((warning) => warning.line)).toEqual([2, 3, 4]);
  });

  it('spread.conf - a key set twice warns; the last value wins', () => {
    const conf = parse(`${ONE}MaxSessionMessages = 1\nMaxSessionMessages = 2\n`);
    expect(conf.keys.MaxSessionMessages).toEqual({ value: 2, line: 3 });
    expect(conf.warnings[0]?.message).toBe('MaxSessionMessages is set again (first on line 2); the last value wins');
  });

  it('spread.conf - DebugFlags: order matters, ALL and NONE, negation', () => {
    expect(parse(`${ONE}DebugFlags = { PRINT EXIT }`).keys.DebugFlags?.value).toEqual(['EXIT', 'PRINT']);
    expect(parse(`${ONE}DebugFlags = { NONE }`).keys.DebugFlags?.value).toEqual([]);
    expect(parse(`${ONE}DebugFlags = { }`).keys.DebugFlags?.value).toEqual([]);
    expect(parse(`${ONE}DebugFlags = { ALL !ALL PRINT }`).keys.DebugFlags?.value).toEqual(['PRINT']);
    expect(parse(`${ONE}DebugFlags = { !PRINT PRINT }`).keys.DebugFlags?.value).toEqual(['PRINT']);
    expect(errors(`${ONE}DebugFlags = { PRINT BOGUS }`)).toEqual(['2:DebugFlags: unknown DebugFlags flag "BOGUS"']);
  });

  it('spread.conf - EventTimeStamp bare or with a format; AllowedAuthMethods splits on spaces', () => {
    expect(parse(`${ONE}EventTimeStamp\nEventPriority = INFO`).keys.EventTimeStamp?.value).toBeNull();
    expect(parse(`${ONE}EventTimeStamp = "%H:%M"`).keys.EventTimeStamp?.value).toBe('%H:%M');
    expect(parse(`${ONE}AllowedAuthMethods = "NULL  IP"`).keys.AllowedAuthMethods?.value).toEqual(['NULL', 'IP']);
    expect(parse(`${ONE}AllowedAuthMethods = NULL`).keys.AllowedAuthMethods?.value).toEqual(['NULL']);
  });

  it('spread.conf - a name alone followed by "name ip" pairs up as in Spread; ";" splits "name ip"', () => {
    const daemons = parse('Spread_Segment 10.0.0.255 { a b 10.0.0.2 c ; 10.0.0.3 }').segments[0]?.daemons;
    expect(daemons?.map((daemon) => [daemon.name, daemon.address ?? null])).toEqual([
      ['a', null],
      ['b', '10.0.0.2'],
      ['c', null],
      ['10.0.0.3', '10.0.0.3'],
    ]);
  });

  it('spread.conf - a name glued to ";" keeps it and warns, as Spread does', () => {
    const conf = parse('Spread_Segment 10.0.0.255 { a; 10.0.0.1 }');
    expect(conf.segments[0]?.daemons[0]?.name).toBe('a;');
    expect(conf.warnings.some((warning) => warning.message.includes('ends with ";"'))).toBe(true);
  });
});
