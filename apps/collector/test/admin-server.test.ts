/** The admin HTTP through fastify's inject(): no port, a real engine writing to a temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorEngine, CollectorTelemetry } from '@ringlog/collector';
import { parseCollectorConfigYaml } from '@ringlog/config';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAdmin, healthOf } from '../src/admin-server.ts';
import { createCollectorMetrics } from '../src/collector-metrics.ts';
import { collectorStatus } from '../src/collector-status.ts';
import { TailHub } from '../src/tail-hub.ts';

let dir: string;
let engine: CollectorEngine;
let telemetry: CollectorTelemetry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ringlog-admin-'));
  const yaml = `logs:\n  - name: www\n    groups: [www]\n    split:\n      root: ${JSON.stringify(dir)}\n      path: "{vhost}/access.log"\n`;
  telemetry = new CollectorTelemetry(pino({ level: 'silent' }));
  engine = new CollectorEngine({ config: parseCollectorConfigYaml(yaml, 'test.yaml'), telemetry });
});

afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

function admin(tail = new TailHub()) {
  const status = () => collectorStatus({ engine, telemetry, endpoint: 'unix:/tmp/4803', embedded: false, startedAtMs: Date.now(), version: 'test' });
  return buildAdmin({ logger: pino({ level: 'silent' }), metrics: createCollectorMetrics({ engine, telemetry, tail }), status, tail });
}

describe('admin - endpoints', () => {
  it('healthz - 503 with a reason while not connected, 200 once connected', async () => {
    const app = admin();
    const down = await app.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unhealthy', connected: false, reason: expect.stringContaining('unix:/tmp/4803') });
    telemetry.connected('unix:/tmp/4803', '#rlcollect#d', ['www']);
    const up = await app.inject({ method: 'GET', url: '/healthz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: 'ok', connected: true, paused: false });
    await app.close();
  });

  it('metrics - Prometheus text with lines, buckets, catch-all reasons, open files and reconnects', async () => {
    engine.deliver(['www'], Buffer.from('a.example.com GET /\nb.example.com GET /\n../x GET /\n'));
    await engine.flush();
    const app = admin();
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('ringlog_collector_lines_total{log="www"} 3');
    expect(text).toMatch(/ringlog_collector_catch_all_lines_total\{log="www",reason="(dot_segment|path_separator)"\} 1/);
    expect(text).toContain('ringlog_collector_vhosts{log="www"} 2');
    expect(text).toMatch(/ringlog_collector_open_files \d+/);
    expect(text).toContain('ringlog_collector_reconnects_total 0');
    const bucketTotal = [...text.matchAll(/ringlog_collector_vhost_bucket_lines_total\{[^}]*\} (\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(bucketTotal).toBe(2);
    await app.close();
  });

  it('status - JSON with per-log counts and file stats', async () => {
    engine.deliver(['www'], Buffer.from('a.example.com GET /\n'));
    await engine.flush();
    const app = admin();
    const response = await app.inject({ method: 'GET', url: '/status' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.logs[0]).toMatchObject({ name: 'www', groups: ['www'], lines: 1, vhosts: 1 });
    expect(body.files.writtenBytes).toBe('GET /\n'.length);
    expect(body.daemon).toEqual({ endpoint: 'unix:/tmp/4803', connected: false, embedded: false });
    await app.close();
  });

  it('health - paused output is unhealthy', () => {
    const status = collectorStatus({ engine, telemetry, endpoint: 'x', embedded: false, startedAtMs: 0, version: 't' });
    expect(healthOf({ ...status, daemon: { ...status.daemon, connected: true }, paused: true }).code).toBe(503);
  });
});
