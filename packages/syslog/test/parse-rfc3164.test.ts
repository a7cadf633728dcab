import { describe, expect, it } from 'vitest';
import { parseSyslogMessage, type Rfc3164Message } from '../src/index.ts';

function parse3164(text: string | Buffer): Rfc3164Message {
  const result = parseSyslogMessage(typeof text === 'string' ? Buffer.from(text) : text);
  if (!result.ok || result.format !== 'rfc3164') throw new Error(`expected an RFC 3164 message, got ${JSON.stringify(result)}`);
  return result;
}

const NGINX_LINE = '192.0.2.1 - - [22/Nov/2024:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.0.1"';

describe('rfc3164 - nginx', () => {
  it('rfc3164 - nginx access_log syslog: with hostname', () => {
    const message = parse3164(`<190>Nov 22 10:00:00 web1 nginx: ${NGINX_LINE}`);
    expect(message).toMatchObject({ ok: true, format: 'rfc3164', facility: 23, severity: 6, timestamp: 'Nov 22 10:00:00', hostname: 'web1', appName: 'nginx', procId: null });
    expect(message.message.toString()).toBe(NGINX_LINE);
  });

  it('rfc3164 - nginx nohostname and a single-digit day padded with a space', () => {
    const message = parse3164(`<190>Nov  2 09:05:01 nginx: ${NGINX_LINE}`);
    expect(message).toMatchObject({ timestamp: 'Nov  2 09:05:01', hostname: null, appName: 'nginx' });
    expect(message.message.toString()).toBe(NGINX_LINE);
  });

  it('rfc3164 - nginx custom tag and an error_log line', () => {
    const line = '2024/11/22 10:00:00 [error] 1234#1234: *1 open() "/srv/x" failed (2: No such file or directory)';
    const message = parse3164(`<187>Nov 22 10:00:00 web-2.example.com vhost_example: ${line}`);
    expect(message).toMatchObject({ facility: 23, severity: 3, hostname: 'web-2.example.com', appName: 'vhost_example' });
    expect(message.message.toString()).toBe(line);
  });

  it('rfc3164 - the MSG keeps invalid UTF-8 byte for byte and is a view', () => {
    const frame = Buffer.concat([Buffer.from('<190>Nov 22 10:00:00 web1 nginx: GET /'), Buffer.from([0xc0, 0xaf, 0xff]), Buffer.from(' 200\n')]);
    const message = parse3164(frame);
    expect([...message.message]).toEqual([...Buffer.from('GET /'), 0xc0, 0xaf, 0xff, ...Buffer.from(' 200')]);
    expect(message.message.buffer).toBe(frame.buffer);
  });
});

describe('rfc3164 - RFC 3164 §5.4 examples', () => {
  it('rfc3164 - example 1', () => {
    const message = parse3164("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    expect(message).toMatchObject({ facility: 4, severity: 2, timestamp: 'Oct 11 22:14:15', hostname: 'mymachine', appName: 'su', procId: null });
    expect(message.message.toString()).toBe("'su root' failed for lonvick on /dev/pts/8");
  });

  it('rfc3164 - example 2: no PRI', () => {
    expect(parseSyslogMessage(Buffer.from('Use the BFG!'))).toEqual({ ok: false, reason: 'no_pri' });
  });

  it('rfc3164 - example 3: a time zone where the hostname belongs', () => {
    const message = parse3164("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.");
    expect(message).toMatchObject({ facility: 20, severity: 5, timestamp: 'Aug 24 05:34:00', hostname: 'CST', appName: null });
    expect(message.message.toString()).toBe("1987 mymachine myproc[10]: %% It's time to make the do-nuts.");
  });

  it('rfc3164 - example 4: an invalid TIMESTAMP makes everything MSG', () => {
    const rest = "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!";
    const message = parse3164(`<0>${rest}`);
    expect(message).toMatchObject({ facility: 0, severity: 0, timestamp: null, hostname: null, appName: null, procId: null });
    expect(message.message.toString()).toBe(rest);
  });

  it('rfc3164 - relayed form with a hostname and no TAG', () => {
    const message = parse3164('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!');
    expect(message).toMatchObject({ facility: 1, severity: 5, hostname: '10.0.0.99', appName: null });
    expect(message.message.toString()).toBe('Use the BFG!');
  });
});

describe('rfc3164 - real senders', () => {
  it('rfc3164 - rsyslog traditional forward format with TAG[pid]', () => {
    const message = parse3164('<86>Jan 15 10:00:00 web1 sshd[4242]: Accepted publickey for deploy from 192.0.2.9 port 50000 ssh2\n');
    expect(message).toMatchObject({ facility: 10, severity: 6, hostname: 'web1', appName: 'sshd', procId: '4242' });
    expect(message.message.toString()).toBe('Accepted publickey for deploy from 192.0.2.9 port 50000 ssh2');
  });

  it('rfc3164 - rsyslog RSYSLOG_ForwardFormat (RFC 3339 timestamp)', () => {
    const message = parse3164('<30>2024-01-15T10:00:00.123456+00:00 web1 systemd[1]: Started foo.service.');
    expect(message).toMatchObject({ timestamp: '2024-01-15T10:00:00.123456+00:00', hostname: 'web1', appName: 'systemd', procId: '1' });
    expect(message.message.toString()).toBe('Started foo.service.');
  });

  it('rfc3164 - TAG[pid] without colon, unpadded day, tag with no message', () => {
    expect(parse3164('<13>Nov 2 10:00:00 h cron[7] job done')).toMatchObject({ timestamp: 'Nov 2 10:00:00', appName: 'cron', procId: '7' });
    const empty = parse3164('<13>Nov 22 10:00:00 h app:');
    expect(empty).toMatchObject({ hostname: 'h', appName: 'app' });
    expect(empty.message.length).toBe(0);
  });

  it('rfc3164 - a colon not followed by a space is not a TAG', () => {
    const message = parse3164('<13>Nov 22 10:00:00 h http://example.com/ is down');
    expect(message).toMatchObject({ hostname: 'h', appName: null });
    expect(message.message.toString()).toBe('http://example.com/ is down');
    expect(parse3164('<13>Nov 22 10:00:00 fe80::1 app: x')).toMatchObject({ hostname: 'fe80::1', appName: 'app' });
  });

  it('rfc3164 - PRI only, timestamp only, timestamp and hostname only', () => {
    expect(parse3164('<13>')).toMatchObject({ timestamp: null, hostname: null, appName: null });
    expect(parse3164('<13>Nov 22 10:00:00')).toMatchObject({ timestamp: 'Nov 22 10:00:00', hostname: null });
    const hostOnly = parse3164('<13>Nov 22 10:00:00 web1');
    expect(hostOnly).toMatchObject({ hostname: 'web1', appName: null });
    expect(hostOnly.message.length).toBe(0);
  });

  it('rfc3164 - version other than 1 and a bare "1" are not RFC 5424', () => {
    expect(parse3164('<13>2 - - - - - -').message.toString()).toBe('2 - - - - - -');
    expect(parse3164('<13>1').message.toString()).toBe('1');
  });

  it('rfc3164 - bad dates are not timestamps', () => {
    for (const rest of ['Foo 22 10:00:00 h a: m', 'Nov 32 10:00:00 h a: m', 'Nov 22 24:00:00 h a: m', 'Nov 22 10:00:00x h a: m', 'Nov 00 10:00:00 h a: m']) {
      expect(parse3164(`<13>${rest}`)).toMatchObject({ timestamp: null, hostname: null });
    }
  });
});
