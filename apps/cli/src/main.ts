// The ringlog entry point: the only place that exits the process.
import { runCli } from './cli.ts';

const status = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = status;
process.exit(status);
