/**
 * `/tail` and `/` of the admin HTTP with a real engine in this process: errors and the page
 * through inject(), streams over a real socket on port 0 (inject waits for a response to end,
 * and a stream never ends).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorEngine, CollectorTelemetry } from '@ringlog/collector';
import { parseCollectorConfigYaml } from '@ringlog/config';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../daemon/test/support/processes.ts';
import { buildAdmin, type AdminServer } from '../src/admin-server.ts';
import { createCollectorMetrics } from '../src/collector-metrics.ts';
import { collectorStatus } from '../src/collector-status.ts';
import { TailHub, type TailHubOptions } from '../src/tail-hub.ts';
import { SseReader } from './support/sse-reader.ts';

let dir: string;
let engine: CollectorEngine;
let telemetry: CollectorTelemetry;
const apps: AdminServer[] = [];
const readers: SseReader[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ringlog-tail-routes-'));
  const yaml = `logs:\n  - name: www\n    groups: [www]\n    split:\n      root: ${JSON.stringify(dir)}\n      path: "{vhost}/access.log"\n`;
  telemetry = new CollectorTelemetry(pino({ level: 'silent' }));
  engine = new CollectorEngine({ config: parseCollectorConfigYaml(yaml, 'test.yaml'), telemetry });
});

afterEach(async () => {
  for (const reader of readers.splice(0)) reader.close();
  for (const app of apps.splice(0)) await app.close();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** The admin HTTP wired as runCollector wires it; `tapped` records the engine tap's changes. */
function admin(options: TailHubOptions = {}): { app: AdminServer; tail: TailHub; tapped: boolean[] } {
  const tapped: boolean[] = [];
  const tail: TailHub = new TailHub({
    ...options,
    onActiveChange: (active) => {
      tapped.push(active);
      engine.tapMessages(active ? tail.publish : null);
    },
  });
  const status = () => collectorStatus({ engine, telemetry, endpoint: 'unix:/tmp/4803', embedded: false, startedAtMs: Date.now(), version: 'test' });
  const app = buildAdmin({ logger: pino({ level: 'silent' }), metrics: createCollectorMetrics({ engine, telemetry, tail }), status, tail });
  apps.push(app);
  return { app, tail, tapped };
}

async function listening(app: AdminServer): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function open(url: string): Promise<SseReader> {
  const reader = await SseReader.open(url);
  readers.push(reader);
  await waitUntil(() => reader.comments.length > 0, 'the stream to start');
  return reader;
}

function deliver(lines: readonly string[]): void {
  engine.deliver(['www'], Buffer.from(lines.map((line) => `${line}\n`).join('')));
}

describe('tail routes - refusals', () => {
  it('tail - an invalid regex is a 400 with the code and the reason', async () => {
    const { app } = admin();
    const response = await app.inject({ method: 'GET', url: '/tail?grep=(a' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ statusCode: 400, code: 'RL_COLLECTOR_BAD_TAIL_FILTER', error: 'Bad Request', message: expect.stringContaining('Unterminated group') });
  });

  it('tail - too many vhosts or an overlong grep is a 400 from the schema', async () => {
    const { app } = admin();
    const vhosts = Array.from({ length: 65 }, (_, index) => `vhost=v${index}.example.com`).join('&');
    expect((await app.inject({ method: 'GET', url: `/tail?${vhosts}` })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: `/tail?grep=${'a'.repeat(1025)}` })).statusCode).toBe(400);
  });

  it('tail - past the client cap a 503 with Retry-After; the slot frees when a client leaves', async () => {
    const { app, tail } = admin({ clientsMax: 1 });
    const base = await listening(app);
    const first = await open(`${base}/tail`);
    const refused = await fetch(`${base}/tail`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'RL_COLLECTOR_TAIL_UNAVAILABLE', message: expect.stringContaining('1 live tails') });
    first.close();
    await waitUntil(() => tail.counters.clients === 0, 'the first client to be forgotten');
    const second = await open(`${base}/tail`);
    expect(second.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('ringlog_collector_tail_clients 1');
    expect(metrics).toContain('ringlog_collector_tail_clients_rejected_total 1');
  });
});

describe('tail routes - streams', () => {
  it('tail - lines stream as data frames; vhost (repeated or single) and grep filter them', async () => {
    const { app } = admin();
    const base = await listening(app);
    const all = await open(`${base}/tail`);
    expect(all.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const two = await open(`${base}/tail?vhost=a.example.com&vhost=B.example.com`);
    const one = await open(`${base}/tail?vhost=c.example.com&grep=${encodeURIComponent('" 5\\d\\d ')}`);
    const lines = ['a.example.com "GET /" 200 1', 'b.example.com "GET /" 500 2', 'c.example.com "GET /" 200 3', 'c.example.com "GET /" 503 4', 'd.example.com "GET /" 500 5'];
    deliver(lines);
    expect(await all.waitForLines(5)).toEqual(lines);
    expect(await two.waitForLines(2)).toEqual(lines.slice(0, 2));
    expect(await one.waitForLines(1)).toEqual([lines[3]]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('ringlog_collector_tail_lines_sent_total 8');
    expect(metrics).toContain('ringlog_collector_tail_lines_dropped_total 0');
  });

  it('tail - a client that disconnects is forgotten and the engine tap removed', async () => {
    const { app, tail, tapped } = admin();
    const base = await listening(app);
    const reader = await open(`${base}/tail`);
    expect(tapped).toEqual([true]);
    deliver(['a.example.com x']);
    await reader.waitForLines(1);
    reader.close();
    await waitUntil(() => tail.counters.clients === 0, 'the client to be forgotten');
    expect(tapped).toEqual([true, false]);
    deliver(['a.example.com y']);
    await engine.flush();
  });

  it('close - closing the admin HTTP ends open streams instead of waiting for them', async () => {
    const { app } = admin();
    const base = await listening(app);
    const reader = await open(`${base}/tail`);
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    await reader.ended;
  });
});

describe('live page', () => {
  it('page - HTML whose inline script and style are exactly the ones the CSP allows', async () => {
    const { app } = admin();
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const policy = String(response.headers['content-security-policy']);
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(response.body)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(response.body)?.[1] ?? '';
    expect(policy).toContain(`script-src ${hash(script)}`);
    expect(policy).toContain(`style-src ${hash(style)}`);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe');
    // Received text reaches the page through textContent only.
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
