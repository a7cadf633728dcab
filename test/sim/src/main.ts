/**
 * pnpm sim: runs the ring protocol simulator over many seeds, on every core, with a progress
 * bar and a summary. A failing seed prints the one command that replays it.
 *
 *   pnpm sim --seeds 1000            seeds 1..1000
 *   pnpm sim --seeds 500 --from 9001 seeds 9001..9500
 *   pnpm sim --seed 42 --verbose     one seed, with its scenario and every violation
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { replayCommand, runSeed, type SeedResult } from './run-seed.ts';
import { scenarioFromSeed } from './scenario.ts';
import { SimSummary } from './sim-summary.ts';

const HELP = `Usage: pnpm sim [--seeds N] [--from S] [--seed S] [--workers W] [--verbose]

Runs the deterministic simulator of the ring protocol: 3-9 daemons, a lossy, duplicating,
reordering network, partitions, crashes and restarts, and a workload of every service,
all drawn from the seed. After each run it checks agreed order, virtual synchrony, SAFE
delivery, FIFO, self delivery, no duplicates or invented messages, and that the healed
network forms one ring in time.

  --seeds N     how many seeds to run (default 100)
  --from S      first seed (default 1)
  --seed S      run exactly this seed (same as --from S --seeds 1)
  --workers W   worker processes (default: the number of cores)
  --verbose     print each failing seed's scenario and all its violations
  --help        this text

Exit status: 0 if every seed passed, 1 if any failed, 2 on bad arguments.`;

function parse(): { from: number; count: number; workers: number; verbose: boolean } {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      from: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (text: string | undefined, fallback: number, name: string): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer, got "${text}"`);
    return value;
  };
  const single = values.seed !== undefined;
  return {
    from: single ? number(values.seed, 1, 'seed') : number(values.from, 1, 'from'),
    count: single ? 1 : Math.max(1, number(values.seeds, 100, 'seeds')),
    workers: Math.max(1, number(values.workers, availableParallelism(), 'workers')),
    verbose: values.verbose ?? false,
  };
}

/**
 * Child processes rather than worker threads: tsx's loader hooks do not reach worker threads.
 * Worker i of n runs seeds from + i, from + i + n, …: a range, not a list, so any count fits argv.
 */
function runInWorkers(from: number, count: number, workers: number, onResult: (result: SeedResult) => void): Promise<void> {
  const stride = Math.min(workers, count);
  const workerPath = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));
  return Promise.all(
    Array.from(
      { length: stride },
      (_, index) =>
        new Promise<void>((resolve, reject) => {
          const share = Math.ceil((count - index) / stride);
          const child = fork(workerPath, [String(from + index), String(share), String(stride)], { execArgv: process.execArgv });
          child.on('message', (result) => onResult(result as SeedResult));
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`simulator worker exited with ${code}`))));
        }),
    ),
  ).then(() => undefined);
}

async function main(): Promise<void> {
  let options;
  try {
    options = parse();
  } catch (error) {
    console.error(`pnpm sim: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  const seeds = Array.from({ length: options.count }, (_, index) => options.from + index);
  const summary = new SimSummary(seeds.length, process.stderr);
  const report = (result: SeedResult): void => {
    summary.add(result);
    if (!result.ok) {
      summary.clearLine();
      console.log(`FAIL seed ${result.seed}: ${result.violations[0]}\n  replay: ${replayCommand(result.seed)}`);
      if (options.verbose) {
        console.log(JSON.stringify(scenarioFromSeed(result.seed), null, 1));
        for (const violation of result.violations) console.log(`  ${violation}`);
      }
    }
  };
  if (seeds.length === 1 || options.workers === 1) for (const seed of seeds) report(runSeed(seed));
  else await runInWorkers(options.from, options.count, options.workers, report);
  summary.finish();
  console.log(summary.text());
  process.exitCode = summary.failed > 0 ? 1 : 0;
}

await main();
