/** Runs a share of the seeds in a worker thread and posts each result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './run-seed.ts';

const { seeds } = workerData as { seeds: number[] };
for (const seed of seeds) parentPort!.postMessage(runSeed(seed));
