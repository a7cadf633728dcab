/** `pnpm bench <flood|sessions|all> [--sessions N] [--messages N]`: runs benchmarks, prints tables, writes JSON. */
import { parseArgs } from 'node:util';
import { sessionsBench } from './sessions-bench.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    sessions: { type: 'string', default: '50000' },
    messages: { type: 'string', default: '200000' },
    help: { type: 'boolean', short: 'h' },
  },
});

const USAGE = `Usage: pnpm bench <flood|sessions|all> [--sessions N] [--messages N]
  flood     msgs/s and MB/s through ringlogd: self-flood and 1 sender -> 1 receiver,
            100 B and 1000 B, AGREED and SAFE, against a bare Node TCP relay baseline
  sessions  concurrent idle sessions held by one ringlogd and RSS per session,
            against a bare Node server holding as many plain connections
Results: a table on stdout and JSON in .bench-out/<name>.json`;

async function main(): Promise<void> {
  const which = positionals[0] ?? 'all';
  if (values.help === true || !['flood', 'sessions', 'all'].includes(which)) {
    process.stdout.write(`${USAGE}\n`);
    if (values.help !== true) process.exitCode = 2;
    return;
  }
  if (which === 'flood' || which === 'all') {
    const { floodBench } = await import('./flood-bench.ts');
    await floodBench(Number(values.messages));
  }
  if (which === 'sessions' || which === 'all') await sessionsBench(Number(values.sessions));
}

await main();
