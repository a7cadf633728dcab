#!/usr/bin/env node
// Entry for `npm start` / `npm test` on a machine that has only Node and npm:
// fetch the pinned pnpm through the npm registry (corepack is not usable everywhere),
// install the workspace, then run what does the real work: a pnpm script, or a bin run by
// this Node directly.
import { spawn } from 'node:child_process';
import os from 'node:os';

const PNPM_SPEC = 'pnpm@12.21.0';
const ACTIONS = {
  install: [],
  // The whole stack on this machine (apps/stack; `pnpm start:stack` runs the same);
  // `npm start -- --demo` adds demo traffic. Run directly rather than through `pnpm run`, whose
  // script shell re-raises a Ctrl-C after the child exits: `npm start` would end 130 after a
  // clean stop, and a second pnpm would start for nothing.
  start: [{ bin: 'apps/stack/bin/ringlog-stack.mjs' }],
  test: ['test:ci'],
};

const action = process.argv[2] ?? 'test';
const follow = ACTIONS[action];
if (follow === undefined) {
  console.error(`Unknown action "${action}"; expected one of: ${Object.keys(ACTIONS).join(', ')}`);
  process.exit(2);
}

// While a child runs, this wrapper stays until it exits, so `npm start` returns only once the
// stack has stopped. A terminal's Ctrl-C (SIGINT) or hangup reaches the child's process group
// directly; SIGTERM sent to this wrapper alone (by npm, or kill) is passed on.
let current = null;
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('SIGTERM', () => current?.kill('SIGTERM'));
// `kill <npm pid>`: npm passes SIGTERM to the shell that runs this script and exits, and the
// shell dies without passing it on. Left an orphan, stop the child as if told to.
const parentPid = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parentPid) return;
  clearInterval(orphanWatch);
  current?.kill('SIGTERM');
}, 500);

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    current = child;
    child.once('error', reject);
    child.once('close', (code, signal) => {
      current = null;
      resolve(code ?? (signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0)));
    });
  });
}

function pnpm(args) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return run(npx, ['--yes', PNPM_SPEC, ...args]);
}

const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
let status = await pnpm(['install', ...frozen]);
for (const step of follow) {
  if (status !== 0) break;
  const extra = process.argv.slice(3);
  status = typeof step === 'string' ? await pnpm(['run', step, ...extra]) : await run(process.execPath, [step.bin, ...extra]);
}
clearInterval(orphanWatch);
process.exit(status);
