#!/usr/bin/env node
// Entry for `npm start` / `npm test` on a machine that has only Node and npm:
// fetch the pinned pnpm through the npm registry (corepack is not usable everywhere),
// install the workspace, then run the pnpm script that does the real work.
import { spawnSync } from 'node:child_process';

const PNPM_SPEC = 'pnpm@12.21.0';
const ACTIONS = {
  install: [],
  start: ['start:stack'],
  test: ['test:ci'],
};

const action = process.argv[2] ?? 'test';
const follow = ACTIONS[action];
if (follow === undefined) {
  console.error(`Unknown action "${action}"; expected one of: ${Object.keys(ACTIONS).join(', ')}`);
  process.exit(2);
}

function pnpm(args) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const result = spawnSync(npx, ['--yes', PNPM_SPEC, ...args], { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
let status = pnpm(['install', ...frozen]);
for (const script of follow) {
  if (status !== 0) break;
  status = pnpm(['run', script, ...process.argv.slice(3)]);
}
process.exit(status);
