/** `pnpm bench <flood|sessions|collector|shipper|ring|e2e|all> [--sessions N] [--messages N] [--lines N] ...`: runs benchmarks, prints tables, writes JSON. */
import { parseArgs } from 'node:util';
import type { CollectorBenchSystem } from './collector-bench.ts';
import type { E2eBenchSystem } from './e2e-bench.ts';
import type { ShipperBenchPart } from './shipper-bench.ts';
import { sessionsBench } from './sessions-bench.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    sessions: { type: 'string', default: '50000' },
    messages: { type: 'string', default: '200000' },
    lines: { type: 'string', default: '1000000' },
    systems: { type: 'string' },
    vhosts: { type: 'string' },
    writers: { type: 'string', default: '50000' },
    'spool-lines': { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'batch-bytes': { type: 'string' },
    parts: { type: 'string' },
    window: { type: 'string', default: '500,2000' },
    'paced-secs': { type: 'string', default: '10' },
    'paced-rate': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const BENCHES = ['flood', 'sessions', 'collector', 'shipper', 'ring', 'e2e', 'all'];

const USAGE = `Usage: pnpm bench <flood|sessions|collector|shipper|ring|e2e|all> [--sessions N] [--messages N] [--lines N]
         [--systems engine,ringlog,ringlog-queue,rsyslog,syslog-ng] [--vhosts 50,100000]
         [--writers N] [--spool-lines N] [--runs N] [--batch-bytes 65536,131072] [--parts writers,lines,spool]
         [--window 500,2000] [--paced-secs N] [--paced-rate N]
  flood     msgs/s and MB/s through ringlogd: self-flood and 1 sender -> 1 receiver,
            100 B and 1000 B, AGREED and SAFE, against a bare Node TCP relay baseline
  sessions  concurrent idle sessions held by one ringlogd and RSS per session,
            against a bare Node server holding as many plain connections
  collector lines/s of ~200 B access lines split into per-vhost files (50 vhosts, and
            100,000 vhosts with max_open_files 256): ringlog (sender -> ringlogd ->
            collector), the collector engine alone, rsyslog and syslog-ng
            (install them with scripts/install-bench-tools.sh)
  shipper   ringlog-shipper between local writers and ringlogd, each part --runs times
            (median) beside its baseline: writers = --writers unix connections held, RSS
            each (vs a bare Node server); lines = --lines access lines/s from 20 writers
            through shipper -> ringlogd -> receiver (vs a newline-counting sink), per
            --batch-bytes; spool = daemon down for --spool-lines lines, then back: drain
            time and lines lost
  ring      three ringlogd processes in one segment: d1 sender -> d3 receiver, AGREED,
            100 B and 1000 B, --messages each, per flood --window, median of --runs (vs the
            same flood through one ringlogd); then kill -9 of d3 --runs times: time to the network
            membership at a client of d1, and restart to one ring of three
  e2e       --lines access lines (default 1,000,000, 50 vhosts) from 20 writers through
            ringlog-shipper (unix socket) -> one ringlogd -> ringlog-collector -> per-vhost
            files: lines/s and MB/s from the first line written to the last on disk, CPU
            seconds and peak RSS per process, every line checked (once, unaltered, in its
            vhost's file, in order per writer); then --paced-secs (default 10) at half that
            rate (or --paced-rate lines/s) for the p50/p99 write-to-file latency. Rows:
            ringlog (defaults), ringlog-queue (ringlogd's session queue raised to 1 GiB),
            and the same lines into rsyslog and syslog-ng splitting per vhost; --systems
            ringlog,ringlog-queue,rsyslog,syslog-ng picks rows. --runs times (default 3), medians
Results: a table on stdout and JSON in .bench-out/<name>.json`;

async function main(): Promise<void> {
  const which = positionals[0] ?? 'all';
  if (values.help === true || !BENCHES.includes(which)) {
    process.stdout.write(`${USAGE}\n`);
    if (values.help !== true) process.exitCode = 2;
    return;
  }
  if (which === 'flood' || which === 'all') {
    const { floodBench } = await import('./flood-bench.ts');
    await floodBench(Number(values.messages));
  }
  if (which === 'sessions' || which === 'all') await sessionsBench(Number(values.sessions));
  if (which === 'collector' || which === 'all') {
    const { collectorBench } = await import('./collector-bench.ts');
    await collectorBench({
      lines: Number(values.lines),
      ...(values.systems === undefined ? {} : { systems: values.systems.split(',') as CollectorBenchSystem[] }),
      ...(values.vhosts === undefined ? {} : { vhosts: values.vhosts.split(',').map(Number) }),
    });
  }
  if (which === 'shipper' || which === 'all') {
    const { shipperBench } = await import('./shipper-bench.ts');
    await shipperBench({
      writers: Number(values.writers),
      lines: Number(values.lines),
      spoolLines: Number(values['spool-lines']),
      runs: Number(values.runs),
      ...(values['batch-bytes'] === undefined ? {} : { batchBytes: values['batch-bytes'].split(',').map(Number) }),
      ...(values.parts === undefined ? {} : { parts: values.parts.split(',') as ShipperBenchPart[] }),
    });
  }
  if (which === 'ring' || which === 'all') {
    const { ringBench } = await import('./ring-bench.ts');
    await ringBench({ messages: Number(values.messages), runs: Number(values.runs), windows: values.window.split(',').map(Number) });
  }
  if (which === 'e2e' || which === 'all') {
    const { e2eBench } = await import('./e2e-bench.ts');
    await e2eBench({
      lines: Number(values.lines),
      runs: Number(values.runs),
      pacedSeconds: Number(values['paced-secs']),
      ...(values['paced-rate'] === undefined ? {} : { pacedRate: Number(values['paced-rate']) }),
      ...(values.systems === undefined || which === 'all' ? {} : { systems: values.systems.split(',') as E2eBenchSystem[] }),
    });
  }
}

await main();
