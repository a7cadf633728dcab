/**
 * ringlog-shipper as a process between writers and a real ringlogd: lines arrive once and in
 * per-writer order; the daemon going away costs nothing (spool, then replay); a shipper killed
 * with -9 keeps what it acknowledged; a clean stop spools what it had read.
 */
import { appendFile, copyFile, mkdir, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { startRinglogd } from '../../collector/test/support/collector-fixture.ts';
import {
  ShipperTracker,
  groupReceiver,
  range,
  sequencesByWriter,
  shipperDrained,
  shipperReady,
  shipperStatus,
  writeShipperYaml,
  writeUnixLines,
  accessLine,
} from './support/shipper-fixture.ts';

const tracker = new ShipperTracker();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await tracker.killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const { dir, remove } = await makeTempDir();
  cleanups.push(remove);
  return dir;
}

function unixInput(dir: string): string {
  return `{ type: unix, path: ${JSON.stringify(join(dir, 'in.sock'))}, group: www }`;
}

describe('ringlog-shipper process', () => {
  it('delivers - 20 writers through one upstream session, each writer in order, with metrics', async () => {
    const dir = await tempDir();
    const { endpoint } = await startRinglogd(tracker, dir);
    const rx = await groupReceiver(endpoint);
    cleanups.push(() => rx.session.disconnect());
    const config = await writeShipperYaml(dir, { endpoint, stateDir: join(dir, 'state'), inputs: [unixInput(dir), '{ type: http, listen: "127.0.0.1:0", group: www }'] });
    const shipper = tracker.shipper(['-c', config]);
    const { adminUrl, inputs } = await shipperReady(shipper);
    await writeUnixLines(join(dir, 'in.sock'), 20, 0, 500);
    const http = inputs.find((at) => at.startsWith('http'));
    const response = await fetch(String(http), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `${accessLine(99, 0)}\n${accessLine(99, 1)}\n` });
    expect(response.status).toBe(200);
    await waitUntil(() => rx.lines.length >= 10_002, 'all lines received', () => shipper.describe());
    const byWriter = sequencesByWriter(rx.lines);
    for (let writer = 0; writer < 20; writer++) expect(byWriter.get(writer)).toEqual(range(0, 500));
    expect(byWriter.get(99)).toEqual([0, 1]);
    expect(rx.lines).toHaveLength(10_002);
    await shipperDrained(adminUrl, shipper);
    expect((await fetch(`${adminUrl}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/ringlog_shipper_input_lines_total\{input="unix-0",type="unix"\} 10000/);
    expect(metrics).toMatch(/ringlog_shipper_upstream_connected 1/);
    expect(metrics).toMatch(/ringlog_shipper_spool_bytes 0/);
    const status = await shipperStatus(adminUrl);
    expect(status.upstream.connects).toBe(1);
  });

  it('daemon down - lines are spooled, then replayed in per-writer order with nothing lost or repeated', async () => {
    const dir = await tempDir();
    const { daemon, endpoint } = await startRinglogd(tracker, dir);
    const rx1 = await groupReceiver(endpoint, 'www', 'rx1');
    cleanups.push(() => rx1.session.disconnect());
    const config = await writeShipperYaml(dir, { endpoint, stateDir: join(dir, 'state'), inputs: [unixInput(dir)] });
    const shipper = tracker.shipper(['-c', config]);
    const { adminUrl } = await shipperReady(shipper);
    await writeUnixLines(join(dir, 'in.sock'), 10, 0, 300);
    await waitUntil(() => rx1.lines.length >= 3000, 'phase 1 received');
    await shipperDrained(adminUrl, shipper);
    await daemon.kill();
    await waitUntil(async () => (await shipperStatus(adminUrl)).upstream.state !== 'connected', 'shipper saw the daemon go');
    await writeUnixLines(join(dir, 'in.sock'), 10, 300, 700);
    await waitUntil(async () => (await shipperStatus(adminUrl)).spool.pendingRecords > 0, 'lines spooled');
    expect((await fetch(`${adminUrl}/healthz`)).status).toBe(503);
    // The new daemon gets its receiver before the shipper can reach it: bound elsewhere, then moved into place.
    const { endpoint: staging } = await startRinglogd(tracker, dir, 'staging.sock');
    const rx2 = await groupReceiver(staging, 'www', 'rx2');
    cleanups.push(() => rx2.session.disconnect());
    await rename(join(dir, 'staging.sock'), join(dir, 'd.sock'));
    await shipperDrained(adminUrl, shipper);
    await waitUntil(() => rx2.lines.length >= 7000, 'phase 2 received', () => shipper.describe());
    const all = [...rx1.lines, ...rx2.lines];
    expect(all).toHaveLength(10_000);
    const byWriter = sequencesByWriter(all);
    for (let writer = 0; writer < 10; writer++) expect(byWriter.get(writer)).toEqual(range(0, 1000));
  });

  it('kill -9 - lines acknowledged over HTTP while the daemon is away survive and are sent by the next shipper', async () => {
    const dir = await tempDir();
    const endpoint = `unix:${join(dir, 'd.sock')}`;
    const stateDir = join(dir, 'state');
    const config = await writeShipperYaml(dir, { endpoint, stateDir, inputs: ['{ type: http, listen: "127.0.0.1:0", group: www }'] });
    const first = tracker.shipper(['-c', config]);
    const { inputs } = await shipperReady(first);
    for (let request = 0; request < 20; request++) {
      const body = range(request * 50, 50).map((seq) => accessLine(1, seq)).join('\n');
      expect((await fetch(String(inputs[0]), { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status).toBe(200);
    }
    await first.kill();
    const { endpoint: live } = await startRinglogd(tracker, dir);
    expect(live).toBe(endpoint);
    const rx = await groupReceiver(endpoint);
    cleanups.push(() => rx.session.disconnect());
    const second = tracker.shipper(['-c', config]);
    const { adminUrl } = await shipperReady(second);
    await shipperDrained(adminUrl, second);
    await waitUntil(() => rx.lines.length >= 1000, 'acknowledged lines received', () => second.describe());
    expect(sequencesByWriter(rx.lines).get(1)).toEqual(range(0, 1000));
  });

  it('clean stop - SIGTERM spools every line read, and the next start sends them', async () => {
    const dir = await tempDir();
    const endpoint = `unix:${join(dir, 'd.sock')}`;
    const config = await writeShipperYaml(dir, { endpoint, stateDir: join(dir, 'state'), inputs: [unixInput(dir)], extra: ['batch:', '  max_delay_ms: 10000'] });
    const first = tracker.shipper(['-c', config]);
    const { adminUrl } = await shipperReady(first);
    await writeUnixLines(join(dir, 'in.sock'), 5, 0, 200);
    await waitUntil(async () => (await shipperStatus(adminUrl)).inputs[0]?.lines === 1000, 'lines read');
    first.child.kill('SIGTERM');
    expect((await first.exit()).code).toBe(0);
    await startRinglogd(tracker, dir);
    const rx = await groupReceiver(endpoint);
    cleanups.push(() => rx.session.disconnect());
    const second = tracker.shipper(['-c', config]);
    await shipperReady(second);
    await waitUntil(() => rx.lines.length >= 1000, 'spooled lines received', () => second.describe());
    const byWriter = sequencesByWriter(rx.lines);
    for (let writer = 0; writer < 5; writer++) expect(byWriter.get(writer)).toEqual(range(0, 200));
  });
});

describe('ringlog-shipper process - file input', () => {
  it('file tail - rename rotation, copytruncate and a shipper restart in between: every line once, in order', async () => {
    const dir = await tempDir();
    const { endpoint } = await startRinglogd(tracker, dir);
    const rx = await groupReceiver(endpoint);
    cleanups.push(() => rx.session.disconnect());
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const file = join(logs, 'access.log');
    await writeFile(file, '');
    const fileInput = `{ type: file, paths: [${JSON.stringify(join(logs, 'access.log'))}], start_at: beginning, group: www, checkpoint_interval_ms: 50 }`;
    const config = await writeShipperYaml(dir, { endpoint, stateDir: join(dir, 'state'), inputs: [fileInput] });
    const append = (first: number, count: number) => appendFile(file, range(first, count).map((seq) => `${accessLine(7, seq)}\n`).join(''));
    let shipper = tracker.shipper(['-c', config]);
    await shipperReady(shipper);
    await append(0, 500);
    await waitUntil(() => rx.lines.length >= 500, 'first lines', () => shipper.describe());
    await rename(file, `${file}.1`);
    await writeFile(file, '');
    await append(500, 500);
    await waitUntil(() => rx.lines.length >= 1000, 'lines after rename', () => shipper.describe());
    shipper.child.kill('SIGTERM');
    expect((await shipper.exit()).code).toBe(0);
    await append(1000, 500);
    shipper = tracker.shipper(['-c', config]);
    await shipperReady(shipper);
    await waitUntil(() => rx.lines.length >= 1500, 'lines written while stopped', () => shipper.describe());
    await copyFile(file, `${file}.2`);
    await truncate(file, 0);
    await append(1500, 500);
    await waitUntil(() => rx.lines.length >= 2000, 'lines after copytruncate', () => shipper.describe());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sequencesByWriter(rx.lines).get(7)).toEqual(range(0, 2000));
  });
});
