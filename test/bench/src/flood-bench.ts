/**
 * msgs/s through one ringlogd process for self-flood and 1 sender → 1 receiver, at 100 B and
 * 1000 B, AGREED and SAFE; beside each, a bare Node relay moving frames of the same size with
 * the same window (the baseline: what Node's sockets allow with no protocol work at all).
 */
import { floodRun, resolveFloodOptions } from '@ringlog/cli';
import { tmpdir } from 'node:os';
import { forkTs, freePort, REPO_ROOT, startDaemonProcess, stopChild, waitForConnect } from './processes.ts';
import { relayFlood } from './relay-flood.ts';
import { printTable, round, type Row, writeJson } from './report.ts';

const WINDOW = 500;
/** Header + one group slot: what each message costs on the wire besides its payload. */
const FRAME_OVERHEAD_BYTES = 48 + 32;
const SCENARIOS = [
  { mode: 'self', bytes: 100 },
  { mode: 'one-to-one', bytes: 100 },
  { mode: 'self', bytes: 1000 },
  { mode: 'one-to-one', bytes: 1000 },
] as const;

async function baselines(messages: number): Promise<Map<string, number>> {
  const port = await freePort();
  const relay = forkTs(`${REPO_ROOT}test/bench/src/relay-server.ts`, [String(port)]);
  await waitForConnect({ port, host: '127.0.0.1' });
  const result = new Map<string, number>();
  for (const { mode, bytes } of SCENARIOS) {
    const run = await relayFlood(port, mode, messages, FRAME_OVERHEAD_BYTES + bytes, WINDOW);
    result.set(`${mode}/${bytes}`, run.msgsPerSec);
  }
  await stopChild(relay);
  return result;
}

export async function floodBench(messages: number): Promise<void> {
  const baseline = await baselines(messages);
  const port = await freePort();
  const daemon = await startDaemonProcess(port, `${tmpdir()}/ringlog-flood-${process.pid}.sock`);
  const rows: Row[] = [];
  try {
    for (const service of ['AGREED', 'SAFE'] as const) {
      for (const { mode, bytes } of SCENARIOS) {
        const options = resolveFloodOptions({
          spread: `${port}@127.0.0.1`,
          user: `b${rows.length}`,
          messages,
          bytes,
          service,
          window: WINDOW,
          ...(mode === 'self' ? {} : { receivers: 1, senderMember: false }),
        });
        const result = await floodRun(options);
        const base = baseline.get(`${mode}/${bytes}`) ?? 1;
        rows.push({
          scenario: mode === 'self' ? 'self-flood' : '1 sender -> 1 receiver',
          service,
          bytes,
          messages,
          msgs_per_sec: Math.round(result.messagesPerSecond),
          mb_per_sec: round(result.megabytesPerSecond),
          relay_baseline_msgs_per_sec: Math.round(base),
          ratio_to_baseline: round(result.messagesPerSecond / base, 2),
        });
      }
    }
  } finally {
    await daemon.stop();
  }
  printTable(`Flood through ringlogd (separate process), window ${WINDOW}; baseline = bare Node TCP relay, same frame size and window`, rows);
  process.stdout.write(`Upstream Spread 5.0.1 on this machine: about 34,000 msgs/s for 1->1 AGREED at 100 B (shared/spec §10).\n`);
  process.stdout.write(`JSON: ${writeJson('flood', { window: WINDOW, rows })}\n`);
}
