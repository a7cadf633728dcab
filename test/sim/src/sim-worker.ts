/** Runs every `stride`-th seed from `first` (argv: first count stride) in a child process and sends each result back. */
import { runSeed } from './run-seed.ts';

const [first, count, stride] = process.argv.slice(2, 5).map(Number) as [number, number, number];
for (let index = 0; index < count; index += 1) process.send!(runSeed(first + index * stride));
process.disconnect();
