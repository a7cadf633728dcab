import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { HttpInputConfig } from '@ringlog/config';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpInput } from '../src/inputs/http-input.ts';
import { buildHttpIngest, RETRY_AFTER_SECS } from '../src/inputs/http-ingest-server.ts';
import { RecordingIngest } from './support/recording-ingest.ts';

const silent = pino({ level: 'silent' });
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An ingest app over a RecordingIngest whose flushes are logged in order with the pushes. */
function setup(bodyMaxBytes = 64 * 1024) {
  const ingest = new RecordingIngest();
  const events: string[] = [];
  const push = ingest.push.bind(ingest);
  ingest.push = (input, lines, route) => {
    events.push(`push ${lines.length}`);
    return push(input, lines, route);
  };
  const flush = ingest.flushToSpool.bind(ingest);
  ingest.flushToSpool = () => {
    events.push('flush');
    flush();
  };
  const handle = ingest.registerInput('http-0', 'http', { group: 'www', vhostBuckets: 0 });
  const app = buildHttpIngest({ ingest, handle, logger: silent, bodyMaxBytes });
  cleanups.push(() => app.close());
  const post = (url: string, contentType: string | undefined, payload: string | Buffer) =>
    app.inject({ method: 'POST', url, payload, headers: contentType === undefined ? {} : { 'content-type': contentType } });
  return { ingest, handle, app, events, post };
}

describe('http input - text/plain', () => {
  it('http - text/plain: one line per LF, CRLF and blank lines tolerated, flushed before the 200', async () => {
    const { ingest, handle, events, post } = setup();
    const response = await post('/ingest', 'text/plain; charset=utf-8', 'GET /a 200\r\nGET /b 404\n\nGET /c 500');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 3, dropped: 0 });
    expect(ingest.of('www')).toEqual(['GET /a 200', 'GET /b 404', 'GET /c 500']);
    expect(events).toEqual(['push 3', 'flush']);
    expect(ingest.flushes).toBe(1);
    expect(handle.stats.errors.bad_request).toBe(0);
  });

  it('http - /ingest/:group routes every line to that group', async () => {
    const { ingest, post } = setup();
    const response = await post('/ingest/api-logs', 'text/plain', 'one\ntwo\n');
    expect(response.statusCode).toBe(200);
    expect(ingest.of('api-logs')).toEqual(['one', 'two']);
    expect(ingest.of('www')).toEqual([]);
  });

  it('http - illegal group names are refused and counted', async () => {
    const { ingest, handle, post } = setup();
    for (const group of ['a'.repeat(32), '%23private', 'sp%20ace', '%C3%A9t%C3%A9']) {
      const response = await post(`/ingest/${group}`, 'text/plain', 'x\n');
      expect(response.statusCode, group).toBe(400);
    }
    expect(ingest.total).toBe(0);
    expect(handle.stats.errors.bad_request).toBe(4);
  });

  it('http - random bytes and invalid UTF-8 pass through as bytes', async () => {
    const { ingest, post } = setup();
    const invalid = Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x80, 0x0a]);
    expect((await post('/ingest', 'text/plain', invalid)).json()).toEqual({ accepted: 2, dropped: 0 });
    expect(ingest.of('www')).toEqual([Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff, 0xfe, 0xc3, 0x28]).toString('latin1'), '\x80']);
    const random = randomBytes(8192);
    const response = await post('/ingest/random', 'text/plain', random);
    expect(response.statusCode).toBe(200);
    const expected = random.toString('latin1').split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line.length > 0);
    expect(ingest.of('random')).toEqual(expected);
  });

  it('http - an empty body is a 200 with nothing accepted', async () => {
    const { ingest, post, handle } = setup();
    const response = await post('/ingest', 'text/plain', '');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 0, dropped: 0 });
    expect(ingest.total).toBe(0);
    expect(handle.stats.errors.bad_request).toBe(0);
  });
});

describe('http input - NDJSON', () => {
  it('http - NDJSON: line and optional group per record, order kept, URL group as default', async () => {
    const { ingest, events, post } = setup();
    const body = ['{"line":"a1"}', '{"line":"b1","group":"other"}', '', '{"line":"a2","extra":42}', '{"line":"two\\nlines"}'].join('\n');
    const response = await post('/ingest/apps', 'application/x-ndjson', body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 5, dropped: 0 });
    expect(ingest.of('apps')).toEqual(['a1', 'a2', 'two', 'lines']);
    expect(ingest.of('other')).toEqual(['b1']);
    expect(events).toEqual(['push 1', 'push 1', 'push 3', 'flush']);
  });

  it('http - a bad NDJSON record refuses the request, names its line number and accepts nothing', async () => {
    const { ingest, handle, post } = setup();
    const cases = [
      ['{"line":"ok"}\n{"line":"ok"}\n{not json}\n', 3],
      ['{"line":"ok"}\n\n[1,2]', 3],
      ['{"line":42}', 1],
      ['{"text":"no line field"}', 1],
      ['{"line":"x","group":"#bad"}', 1],
      ['null', 1],
    ] as const;
    for (const [body, lineNumber] of cases) {
      const response = await post('/ingest', 'application/x-ndjson', body);
      expect(response.statusCode, body).toBe(400);
      expect(response.json()).toMatchObject({ error: 'bad_ndjson', line: lineNumber });
      expect(response.json().message).toContain(`line ${lineNumber}`);
    }
    expect(ingest.total).toBe(0);
    expect(ingest.flushes).toBe(0);
    expect(handle.stats.errors.bad_request).toBe(cases.length);
  });
});

describe('http input - refusals', () => {
  it('http - a wrong or missing content type is 415 and counted', async () => {
    const { ingest, handle, post } = setup();
    expect((await post('/ingest', 'application/json', '{"line":"x"}')).statusCode).toBe(415);
    expect((await post('/ingest', 'application/octet-stream', randomBytes(100))).statusCode).toBe(415);
    expect((await post('/ingest', undefined, 'no type\n')).statusCode).toBe(415);
    expect(ingest.total).toBe(0);
    expect(handle.stats.errors.bad_request).toBe(3);
  });

  it('http - a body over body_max_bytes is 413, counted, nothing accepted', async () => {
    const { ingest, handle, post } = setup(1024);
    const response = await post('/ingest', 'text/plain', 'x'.repeat(2000));
    expect(response.statusCode).toBe(413);
    expect(ingest.total).toBe(0);
    expect(handle.stats.errors.bad_request).toBe(1);
    expect((await post('/ingest', 'text/plain', 'x'.repeat(1000))).statusCode).toBe(200);
  });

  it('http - a full spool (drop_newest) answers 503 with Retry-After and the counts', async () => {
    const { ingest, handle, post } = setup();
    ingest.dropAll = true;
    const response = await post('/ingest', 'text/plain', 'a\nb\n');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_SECS));
    expect(response.json()).toMatchObject({ accepted: 0, dropped: 2 });
    expect(handle.stats.drops.spool_full).toBe(2);
  });

  it('http - paused (on_full: block): the push that reports it is kept, later requests get 503 until writable', async () => {
    const { ingest, post } = setup();
    ingest.setPaused(true);
    const first = await post('/ingest', 'text/plain', 'kept\n');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 1, dropped: 0 });
    const second = await post('/ingest', 'text/plain', 'refused\n');
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe(String(RETRY_AFTER_SECS));
    expect(second.json()).toMatchObject({ accepted: 0, dropped: 0 });
    ingest.setPaused(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await post('/ingest', 'text/plain', 'again\n')).statusCode).toBe(200);
    expect(ingest.of('www')).toEqual(['kept', 'again']);
  });
});

describe('http input - listening', () => {
  it('http - createHttpInput listens on its address and answers over a real socket', async () => {
    const ingest = new RecordingIngest();
    const config: HttpInputConfig = { type: 'http', name: 'http-x', group: 'www', vhost_buckets: 0, listen: '127.0.0.1:0', body_max_bytes: 1024 };
    const input = createHttpInput(config, { ingest, logger: silent, lineMaxBytes: 8192, stateDir: '/nonexistent' });
    await input.start();
    cleanups.push(() => input.close());
    const url = new URL(input.describe());
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } }, (incoming) => {
        let body = '';
        incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
      });
      outgoing.on('error', reject);
      outgoing.end('over\nthe wire\n');
    });
    expect(answer).toEqual({ status: 200, body: '{"accepted":2,"dropped":0}' });
    expect(ingest.of('www')).toEqual(['over', 'the wire']);
    expect(input.handle.stats.connectionsTotal).toBe(1);
  });
});
