import { describe, expect, it } from 'vitest';
import { parseSyslogMessage, type Rfc5424Message } from '../src/index.ts';

const BOM = '\u{feff}';

function parse5424(text: string | Buffer): Rfc5424Message {
  const result = parseSyslogMessage(typeof text === 'string' ? Buffer.from(text) : text);
  if (!result.ok || result.format !== 'rfc5424') throw new Error(`expected an RFC 5424 message, got ${JSON.stringify(result)}`);
  return result;
}

describe('rfc5424 - RFC 5424 §6.5 examples', () => {
  it('rfc5424 - example 1: no STRUCTURED-DATA, BOM before MSG', () => {
    const message = parse5424(`<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`);
    expect(message).toMatchObject({
      ok: true,
      format: 'rfc5424',
      facility: 4,
      severity: 2,
      timestamp: '2003-10-11T22:14:15.003Z',
      hostname: 'mymachine.example.com',
      appName: 'su',
      procId: null,
      msgId: 'ID47',
      structuredData: [],
    });
    expect(message.message.toString()).toBe("'su root' failed for lonvick on /dev/pts/8");
  });

  it('rfc5424 - example 2: microseconds, offset, no MSGID', () => {
    const message = parse5424("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
    expect(message).toMatchObject({ facility: 20, severity: 5, timestamp: '2003-08-24T05:14:15.000003-07:00', hostname: '192.0.2.1', appName: 'myproc', procId: '8710', msgId: null });
    expect(message.message.toString()).toBe("%% It's time to make the do-nuts.");
  });

  it('rfc5424 - example 3: STRUCTURED-DATA and MSG', () => {
    const message = parse5424(
      `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${BOM}An application event log entry...`,
    );
    expect(message.structuredData).toEqual([
      { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
    ]);
    expect(message.appName).toBe('evntslog');
    expect(message.message.toString()).toBe('An application event log entry...');
  });

  it('rfc5424 - example 4: two SD-ELEMENTs, no MSG', () => {
    const message = parse5424(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    expect(message.structuredData.map((element) => element.id)).toEqual(['exampleSDID@32473', 'examplePriority@32473']);
    expect(message.structuredData[1]!.params).toEqual([['class', 'high']]);
    expect(message.message.length).toBe(0);
  });
});

describe('rfc5424 - fields', () => {
  it('rfc5424 - all NILVALUEs', () => {
    const message = parse5424('<0>1 - - - - - -');
    expect(message).toMatchObject({ facility: 0, severity: 0, timestamp: null, hostname: null, appName: null, procId: null, msgId: null, structuredData: [] });
    expect(message.message.length).toBe(0);
  });

  it('rfc5424 - rsyslog RSYSLOG_SyslogProtocol23Format', () => {
    const message = parse5424('<30>1 2024-01-15T10:00:00.123456+00:00 web1 systemd 1 - - Started Session 4 of user root.\n');
    expect(message).toMatchObject({ facility: 3, severity: 6, hostname: 'web1', appName: 'systemd', procId: '1' });
    expect(message.message.toString()).toBe('Started Session 4 of user root.');
  });

  it('rfc5424 - escaped quote, backslash and bracket in PARAM-VALUE; other backslashes kept', () => {
    const message = parse5424('<13>1 - h a - - [x@1 a="q\\"b\\\\c\\]d" b="]" c="\\n"] m');
    expect(message.structuredData[0]!.params).toEqual([['a', 'q"b\\c]d'], ['b', ']'], ['c', '\\n']]);
    expect(message.message.toString()).toBe('m');
  });

  it('rfc5424 - repeated PARAM-NAMEs are kept in order', () => {
    const message = parse5424('<13>1 - h a - - [origin ip="192.0.2.1" ip="192.0.2.2"]');
    expect(message.structuredData[0]!.params).toEqual([['ip', '192.0.2.1'], ['ip', '192.0.2.2']]);
  });

  it('rfc5424 - SD-ELEMENT without params; UTF-8 in values', () => {
    const message = parse5424('<13>1 - h a - - [meta][x@1 name="héllo"] body');
    expect(message.structuredData).toEqual([{ id: 'meta', params: [] }, { id: 'x@1', params: [['name', 'héllo']] }]);
  });

  it('rfc5424 - MSG is a view into the frame with invalid UTF-8 kept byte for byte', () => {
    const frame = Buffer.concat([Buffer.from('<13>1 - h a - - - '), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28])]);
    const message = parse5424(frame);
    expect([...message.message]).toEqual([0xff, 0xfe, 0x00, 0xc3, 0x28]);
    expect(message.message.buffer).toBe(frame.buffer);
    expect(message.message.byteOffset).toBe(frame.byteOffset + 18);
  });

  it('rfc5424 - MSG that is only a BOM is empty; a BOM inside MSG is kept', () => {
    expect(parse5424(`<13>1 - h a - - - ${BOM}`).message.length).toBe(0);
    expect(parse5424(`<13>1 - h a - - - x${BOM}`).message.toString()).toBe(`x${BOM}`);
  });

  it('rfc5424 - timestamps: lower-case t and z, no fraction, nanoseconds accepted', () => {
    for (const timestamp of ['2024-01-15t10:00:00z', '2024-01-15T10:00:00Z', '2024-01-15T10:00:00.123456789+05:30']) {
      expect(parse5424(`<13>1 ${timestamp} h a - - -`).timestamp).toBe(timestamp);
    }
  });
});

describe('rfc5424 - failures', () => {
  const cases: Array<[string, string]> = [
    ['<13>1 2024-13-15T10:00:00Z h a - - -', 'bad_timestamp'],
    ['<13>1 2024-01-15 h a - - -', 'bad_timestamp'],
    ['<13>1 Nov 22 10:00:00 h a - - -', 'bad_timestamp'],
    ['<13>1 - h a - -', 'bad_header'],
    ['<13>1 - h a - ', 'bad_header'],
    ['<13>1  h a - - -', 'bad_header'],
    [`<13>1 - h ${'a'.repeat(49)} - - -`, 'bad_header'],
    [`<13>1 - h a - ${'m'.repeat(33)} -`, 'bad_header'],
    ['<13>1 - h a - - ', 'bad_structured_data'],
    ['<13>1 - h a - - [x@1 a="b"', 'bad_structured_data'],
    ['<13>1 - h a - - [x@1 a="b]', 'bad_structured_data'],
    ['<13>1 - h a - - [x@1 a="b\\"]', 'bad_structured_data'],
    ['<13>1 - h a - - [x@1 a=b]', 'bad_structured_data'],
    ['<13>1 - h a - - []', 'bad_structured_data'],
    ['<13>1 - h a - - [x@1 a="b"]x', 'bad_structured_data'],
    ['<13>1 - h a - - -x', 'bad_structured_data'],
    ['<13>1 - h a - - x', 'bad_structured_data'],
  ];
  for (const [frame, reason] of cases) {
    it(`rfc5424 - ${JSON.stringify(frame)} fails with ${reason}`, () => {
      expect(parseSyslogMessage(Buffer.from(frame))).toEqual({ ok: false, reason });
    });
  }
});
