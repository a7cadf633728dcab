/** Runs a share of the seeds (argv[2], comma-separated) in a child process and sends each result back. */
import { runSeed } from './run-seed.ts';

const seeds = (process.argv[2] ?? '').split(',').filter(Boolean).map(Number);
for (const seed of seeds) process.send!(runSeed(seed));
process.disconnect();
