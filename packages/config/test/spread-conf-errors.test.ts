import { describe, expect, it } from 'vitest';
import { parseSpreadConf } from '../src/index.ts';
import { problemsOf, summaries } from './helpers.ts';

const errors = (text: string): string[] => summaries(problemsOf(() => parseSpreadConf(text, 'spread.conf')));
const ONE = 'Spread_Segment 10.0.0.255 { a 10.0.0.1 }\n';

describe('spread.conf - errors', () => {
  it('spread.conf - duplicate addresses (ports count), names and VirtualIDs', () => {
    expect(
      errors('Spread_Segment 10.0.0.255 {\n a 10.0.0.1 VirtualID = 5\n b 10.0.0.1\n a 10.0.0.3 VirtualID = 5\n}\nSpread_Segment 10.1.0.255:4900 { c 10.0.0.1 }'),
    ).toEqual([
      '3:Spread_Segment[0].daemons[1]: daemon address 10.0.0.1:4803 is not unique (also "a" on line 2)',
      '4:Spread_Segment[0].daemons[2]: daemon name "a" is not unique (also on line 2)',
      '4:Spread_Segment[0].daemons[2]: VirtualID 5 is already used by "a" (line 2)',
    ]);
  });

  it('spread.conf - an interface stanza needs a D or untyped entry for the primary address', () => {
    expect(errors('Spread_Segment 10.0.0.255 {\n a 10.0.0.1 { C 127.0.0.1 M 10.0.0.1 }\n}')).toEqual([
      "2:Spread_Segment[0].daemons[0]: the interface list must include a D (or untyped) entry for the daemon's own address 10.0.0.1",
    ]);
    expect(() => parseSpreadConf('Spread_Segment 10.0.0.255 { a 10.0.0.1 { D 0.0.0.0 C 127.0.0.1 } }', 'x')).not.toThrow();
    expect(errors('Spread_Segment 10.0.0.255 { a 10.0.0.1 { } }')).toEqual(['1:Spread_Segment[0].daemons[0]: interface list declared but no actual interfaces specified'.replace('no actual interfaces', 'no interfaces')]);
  });

  it('spread.conf - interface types are separate words and interfaces carry no port', () => {
    expect(errors('Spread_Segment 10.0.0.255 { a 10.0.0.1 { DC 10.0.0.1 D 10.0.0.1:5 } }')).toEqual([
      '1:Spread_Segment[0].daemons[0]: expected an interface IP address, got "DC" (type letters are separate words: "D C", not "DC")',
      '1:Spread_Segment[0].daemons[0]: interface addresses cannot carry a port',
    ]);
  });

  it('spread.conf - limits: 10 interfaces, 5 segment addresses, 128 daemons, 20 segments', () => {
    const interfaces = Array.from({ length: 11 }, (_, index) => `D 10.0.0.${index + 1}`).join(' ');
    expect(errors(`Spread_Segment 10.0.0.255 { a 10.0.0.1 { ${interfaces} } }`)).toEqual(['1:Spread_Segment[0].daemons[0]: too many interfaces (at most 10 per daemon)']);
    expect(errors('Spread_Segment 225.0.0.1 225.0.0.2 225.0.0.3 225.0.0.4 225.0.0.5 225.0.0.6 { a 10.0.0.1 }')).toEqual([
      '1:Spread_Segment[0]: too many segment addresses (at most 5)',
    ]);
    const daemons = Array.from({ length: 129 }, (_, index) => `d${index} 10.0.${Math.floor(index / 200)}.${(index % 200) + 1}`).join('\n');
    expect(errors(`Spread_Segment 10.0.0.255 {\n${daemons}\n}`)).toEqual([
      '130:Spread_Segment[0]: too many daemons in the segment (at most 128)',
      '131:(top level): too many daemons (129; at most 128 in all segments)',
    ]);
    const segments = Array.from({ length: 21 }, (_, index) => `Spread_Segment 10.${index}.0.255 { s${index} 10.${index}.0.1 }`).join('\n');
    expect(errors(segments)).toEqual(['21:Spread_Segment: too many segments (at most 20)']);
  });

  it('spread.conf - timeouts are all nine or none', () => {
    expect(errors(`${ONE}TokenTimeout = 5000\nHurryTimeout = 1500\n`)).toEqual([
      '2:TokenTimeout: the nine timeouts are all or none; missing AliveTimeout, JoinTimeout, RepTimeout, SegTimeout, GatherTimeout, FormTimeout, LookupTimeout',
    ]);
    const all = ['Token', 'Hurry', 'Alive', 'Join', 'Rep', 'Seg', 'Gather', 'Form', 'Lookup'].map((name) => `${name}Timeout = 100`).join('\n');
    expect(() => parseSpreadConf(`${ONE}${all}`, 'x')).not.toThrow();
    expect(errors(`${ONE}${all.replace('Token' + 'Timeout = 100', 'TokenTimeout = 0')}`)).toEqual(['2:TokenTimeout: TokenTimeout must be greater than 0 milliseconds']);
  });

  it('spread.conf - window rules', () => {
    expect(errors(`${ONE}Window = 10\nPersonalWindow = 20`)).toEqual(['3:PersonalWindow: PersonalWindow (20) > Window (10)']);
    expect(errors(`${ONE}AcceleratedRing = yes\nAcceleratedWindow = 30`)).toEqual(['3:AcceleratedWindow: AcceleratedWindow (30) > PersonalWindow (20)']);
    expect(() => parseSpreadConf(`${ONE}AcceleratedWindow = 30`, 'x')).not.toThrow();
  });

  it('spread.conf - address rules: unspecified, multicast, families', () => {
    expect(
      errors('Spread_Segment 0.0.0.0 {\n a 0.0.0.0\n b 224.0.0.9\n c fd00::1\n d 10.0.0.4:4803\n}'),
    ).toEqual([
      '1:Spread_Segment[0]: segment address 0.0.0.0 must not be the unspecified address',
      "2:Spread_Segment[0].daemons[0]: a daemon's address must not be the unspecified address",
      "3:Spread_Segment[0].daemons[1]: a daemon's address can't be a multicast address",
      '4:Spread_Segment[0].daemons[2]: daemon address fd00::1 is not IPv4',
    ]);
    expect(errors('ActiveIPVersion = IPv6\nSpread_Segment 10.0.0.255 { a fd00::1 }')).toEqual(['2:Spread_Segment[0]: segment address 10.0.0.255 is not IPv6']);
    const loopback = parseSpreadConf('Spread_Segment 127.0.0.255 { a 127.0.0.1 }', 'x');
    expect(loopback.warnings[0]?.message).toBe('segment address 127.0.0.255 is a loopback address: only daemons on this host can join');
  });

  it('spread.conf - daemon ports: address and port together are unique, also against the segment port', () => {
    expect(errors('Spread_Segment 127.0.0.255:4901 {\n a 127.0.0.1:4911\n b 127.0.0.1:4911\n c 127.0.0.1\n d 127.0.0.1:4901\n e 127.0.0.2:4911\n}')).toEqual([
      '3:Spread_Segment[0].daemons[1]: daemon address 127.0.0.1:4911 is not unique (also "a" on line 2)',
      '5:Spread_Segment[0].daemons[3]: daemon address 127.0.0.1:4901 is not unique (also "c" on line 4)',
    ]);
    expect(errors('Spread_Segment [ff02::1]:4803 {\n a [fd00::1]:4901\n b [fd00:0::1]:4901\n}')).toEqual([
      '3:Spread_Segment[0].daemons[1]: daemon address [fd00:0::1]:4901 is not unique (also "a" on line 2)',
    ]);
  });

  it('spread.conf - daemon ports one apart on one address clash: the token uses port + 1', () => {
    expect(errors('Spread_Segment 127.0.0.255 {\n a 127.0.0.1:4901\n b 127.0.0.1:4902\n}')).toEqual([
      '3:Spread_Segment[0].daemons[1]: port 4902 on 127.0.0.1 is next to "a" (line 2)\'s port 4901: each daemon also uses port + 1 for the token, so daemons on one address need ports at least 2 apart',
    ]);
    expect(() => parseSpreadConf('Spread_Segment 127.0.0.255 { a 127.0.0.1:4901 b 127.0.0.1:4903 c 127.0.0.2:4902 }', 'x')).not.toThrow();
  });

  it('spread.conf - daemon ports out of range', () => {
    expect(errors('Spread_Segment 10.0.0.255 {\n a 10.0.0.1:0\n b 10.0.0.2:65535\n c 10.0.0.3:70000\n 10.0.0.4:0\n}')).toEqual([
      "2:Spread_Segment[0].daemons[0]: a daemon's port must be 1..65534 (it also uses port + 1, for the token), got 0",
      "3:Spread_Segment[0].daemons[1]: a daemon's port must be 1..65534 (it also uses port + 1, for the token), got 65535",
      '4:(syntax): port 70000 is out of range (0..65535)',
      "5:Spread_Segment[0].daemons[3]: a daemon's port must be 1..65534 (it also uses port + 1, for the token), got 0",
    ]);
  });

  it('spread.conf - values of the wrong kind', () => {
    expect(
      errors(`${ONE}MaxSessionMessages = many\nDangerousMonitor = maybe\nEventPriority = LOUD\nActiveIPVersion = ipv4\nWindow = 1234567890\nSocketPortReuse = sometimes\nRuntimeDir = 5\nVirtualID = 3`),
    ).toEqual([
      '2:MaxSessionMessages: MaxSessionMessages needs a number, got "many"',
      '3:DangerousMonitor: DangerousMonitor must be true, yes, false or no, got "maybe"',
      '4:EventPriority: EventPriority must be pDEBUG, INFO, WARNING, ERROR, CRITICAL, FATAL, got "LOUD"',
      '5:ActiveIPVersion: ActiveIPVersion must be IPv4 or IPv6, got "ipv4"',
      '6:Window: Window: number has more than 9 digits',
      '7:SocketPortReuse: SocketPortReuse must be ON, OFF or AUTO, got "sometimes"',
      '8:RuntimeDir: RuntimeDir needs a string value (bare or quoted), got "5"',
      '9:(top level): unexpected "VirtualID"; expected Spread_Segment or a Key = value setting',
      '9:(top level): unexpected "="; expected Spread_Segment or a Key = value setting',
      '9:(top level): unexpected "3"; expected Spread_Segment or a Key = value setting',
    ]);
  });

  it('spread.conf - VirtualID must be a positive number', () => {
    expect(errors('Spread_Segment 10.0.0.255 { a 10.0.0.1 VirtualID = 0 b 10.0.0.2 VirtualID = x }')).toEqual([
      '1:Spread_Segment[0].daemons[0]: VirtualID must be an integer greater than zero',
      '1:Spread_Segment[0].daemons[1]: VirtualID must be a number of at most 9 digits, got "x"',
    ]);
  });

  it('spread.conf - no segment, no daemons, reserved words as names', () => {
    expect(errors('EventPriority = INFO\n')).toEqual(['2:(top level): no Spread_Segment: at least one segment is required']);
    expect(errors('Spread_Segment 10.0.0.255 { }')).toEqual(['1:(top level): no daemons specified']);
    expect(errors('Spread_Segment 10.0.0.255 { INFO 10.0.0.1 }')[0]).toBe(
      '1:Spread_Segment[0].daemons[0]: expected a daemon name or IP address, got "INFO" (a reserved word cannot name a daemon)',
    );
    expect(() => parseSpreadConf('Spread_Segment 10.0.0.255 { "INFO" 10.0.0.1 }', 'x')).not.toThrow();
  });

  it('spread.conf - a missing "}" is reported where the next top-level keyword starts, and parsing goes on', () => {
    expect(errors('Spread_Segment 10.0.0.255 {\n a 10.0.0.1\nEventPriority = LOUD\n')).toEqual([
      '3:Spread_Segment[0]: the segment opened on line 1 is not closed with "}" before "EventPriority"',
      '3:EventPriority: EventPriority must be pDEBUG, INFO, WARNING, ERROR, CRITICAL, FATAL, got "LOUD"',
    ]);
  });

  it('spread.conf - several problems in one file are all reported, sorted by line', () => {
    const text = ['Spread_Segment 10.0.0.255 {', ' a 10.0.0.1', ' a 10.0.0.2 { C 1.1.1.1 }', '}', 'MaxSessionMessages = x', 'TokenTimeout = 1', 'Window = 1'].join('\n');
    expect(errors(text).map((line) => Number(line.split(':')[0]))).toEqual([3, 3, 5, 6, 7]);
  });
});
