/**
 * Concurrent idle sessions held by one ringlogd, and the RSS each costs, against a bare Node
 * server holding the same number of plain connections (the baseline, same run).
 */
import { tmpdir } from 'node:os';
import { readFileLimit } from '@ringlog/daemon';
import { ask, forkTs, freePort, REPO_ROOT, rssKiB, startDaemonProcess, stopChild, waitForConnect } from './processes.ts';
import { printTable, round, type Row, writeJson } from './report.ts';

interface HoldResult {
  readonly opened: number;
  readonly failed: number;
  readonly firstError: string | null;
}

const SETTLE_MS = 2_000;
const SESSIONS_PER_HOLDER = 15_000;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

async function holdSessions(serverPid: number, port: number, unixPath: string, count: number, handshake: boolean): Promise<Row & { opened: number }> {
  await settle();
  const idleKiB = rssKiB(serverPid);
  // Each client process stays well under the per-process descriptor limit.
  const holders = Array.from({ length: Math.ceil(count / SESSIONS_PER_HOLDER) }, () => forkTs(`${REPO_ROOT}test/bench/src/session-holder.ts`, []));
  const started = Date.now();
  const results: HoldResult[] = [];
  for (const [i, holder] of holders.entries()) {
    const share = Math.min(SESSIONS_PER_HOLDER, count - i * SESSIONS_PER_HOLDER);
    results.push(await ask<HoldResult>(holder, { open: { count: share, port, unixPath, handshake, batch: 500, firstIndex: i * SESSIONS_PER_HOLDER } }));
  }
  const openSecs = (Date.now() - started) / 1000;
  const result = {
    opened: results.reduce((sum, r) => sum + r.opened, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
  };
  await settle();
  const heldKiB = rssKiB(serverPid);
  for (const holder of holders) {
    await ask(holder, { close: true });
    await stopChild(holder);
  }
  const perSessionKiB = result.opened > 0 ? (heldKiB - idleKiB) / result.opened : 0;
  if (result.firstError !== null) process.stderr.write(`  first failure: ${result.firstError}\n`);
  return {
    server: handshake ? 'ringlogd (Spread sessions)' : 'bare Node net server (baseline)',
    requested: count,
    opened: result.opened,
    failed: result.failed,
    open_secs: round(openSecs),
    idle_rss_mib: round(idleKiB / 1024),
    held_rss_mib: round(heldKiB / 1024),
    kib_per_session: round(perSessionKiB, 2),
  };
}

export async function sessionsBench(count: number): Promise<void> {
  const unixPath = `${tmpdir()}/ringlog-bench-${process.pid}.sock`;
  const port = await freePort();
  const daemon = await startDaemonProcess(port, unixPath);
  const ringlog = await holdSessions(daemon.child.pid as number, port, unixPath, count, true);
  await daemon.stop();

  // The baseline holds as many connections as ringlogd did, so RSS per connection compares like for like.
  const basePort = await freePort();
  const bare = forkTs(`${REPO_ROOT}test/bench/src/bare-server.ts`, [String(basePort), `${unixPath}.bare`]);
  await waitForConnect({ port: basePort, host: '127.0.0.1' });
  const baseline = await holdSessions(bare.pid as number, basePort, `${unixPath}.bare`, ringlog.opened, false);
  await stopChild(bare);

  const rows = [ringlog, baseline];
  printTable(`Concurrent idle sessions (${count} requested; half TCP over 4 loopback source addresses, half unix socket)`, rows);
  const ratio = Number(ringlog.kib_per_session) / Math.max(0.001, Number(baseline.kib_per_session));
  process.stdout.write(`RSS per ringlogd session is ${round(ratio, 2)}× a bare Node connection's.\n`);
  const limit = readFileLimit();
  if (limit !== null && ringlog.opened < count) {
    process.stdout.write(
      `ringlogd held ${ringlog.opened} of ${count}: the per-process open-file limit here is ${limit.soft} (hard ${limit.hard}), ` +
        'and ringlogd logged that this OS limit, not the daemon, is what stopped it.\n',
    );
  }
  const path = writeJson('sessions', { rows, ratioToBaseline: round(ratio, 3), fileLimit: limit });
  process.stdout.write(`JSON: ${path}\n`);
}
