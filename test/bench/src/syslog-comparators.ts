/**
 * Comparison rows of the collector benchmark: rsyslog and syslog-ng doing ringlog's collector job
 * (access-log lines in over TCP, one output file per vhost, vhost token stripped — spsplit
 * behaviour) on the same lines. Each daemon runs as its own instance with its config, state and
 * output under the run's work dir. Configurations and figures: docs/benchmarks-syslog.md.
 *
 * Check it by hand:
 *   tsx test/bench/src/syslog-comparators.ts --lines 1000000 --vhosts 50
 *   tsx test/bench/src/syslog-comparators.ts --lines 200000 --vhosts 50 --variant all --repeat 3
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateAccessLines } from './access-lines.ts';
import { type ComparatorOptions, type ComparatorResult, type Skipped, isSkipped } from './syslog/common.ts';
import { DEFAULT_RSYSLOG_VARIANT, RSYSLOG_VARIANTS, runRsyslog } from './syslog/rsyslog.ts';
import { DEFAULT_SYSLOG_NG_VARIANT, SYSLOG_NG_VARIANTS, runSyslogNg } from './syslog/syslog-ng.ts';

export type { ComparatorOptions, ComparatorResult, Skipped } from './syslog/common.ts';
export { isSkipped } from './syslog/common.ts';
export { DEFAULT_RSYSLOG_VARIANT, RSYSLOG_VARIANTS, rsyslogBinary, rsyslogVersion, runRsyslog } from './syslog/rsyslog.ts';
export { DEFAULT_SYSLOG_NG_VARIANT, SYSLOG_NG_VARIANTS, runSyslogNg, syslogNgBinary, syslogNgVersion } from './syslog/syslog-ng.ts';

type Runner = (options: ComparatorOptions) => Promise<ComparatorResult | Skipped>;

/** The better of two results: an honest one beats one that is not, then more lines/s wins. */
export function better(a: ComparatorResult | undefined, b: ComparatorResult): ComparatorResult {
  if (a === undefined) return b;
  const aHonest = a.problems.length === 0;
  const bHonest = b.problems.length === 0;
  if (aHonest !== bHonest) return aHonest ? a : b;
  return b.linesPerSecond > a.linesPerSecond ? b : a;
}

/**
 * Runs `runner` `repeat` times, each in a fresh sub-directory of workDir, and returns the best
 * result (see better). The sub-directories are left for the caller to remove at the end: deleting
 * 100k files between runs (ext4 with `discard` here) slows the next run down.
 */
export async function bestOf(runner: Runner, options: ComparatorOptions, repeat: number): Promise<ComparatorResult | Skipped> {
  let best: ComparatorResult | undefined;
  for (let i = 0; i < repeat; i++) {
    const result = await runner({ ...options, workDir: mkdtempSync(join(options.workDir, 'run-')) });
    if (isSkipped(result)) return result;
    best = better(best, result);
  }
  return best as ComparatorResult;
}

function formatRow(label: string, r: ComparatorResult | Skipped): string {
  if (isSkipped(r)) return `| ${label} | skipped: ${r.skipped} | | | | | | |`;
  const honest = r.problems.length === 0 ? 'yes' : `NO: ${r.problems.slice(0, 3).join('; ')}`;
  return `| ${r.name} | ${r.variant} | ${r.connections} | ${r.lineCountVerified.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | **${r.linesPerSecond.toLocaleString('en-US')}** | ${r.filesWritten.toLocaleString('en-US')} | ${honest} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      lines: { type: 'string', default: '1000000' },
      vhosts: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      connections: { type: 'string' },
      only: { type: 'string' },
      variant: { type: 'string', multiple: true },
      repeat: { type: 'string', default: '1' },
      'timeout-ms': { type: 'string', default: '300000' },
      'work-dir': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'show-config': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`Usage: tsx test/bench/src/syslog-comparators.ts [--lines N] [--vhosts N] [--seed N]
    [--only rsyslog|syslog-ng] [--variant NAME[,NAME…]|all] [--connections N] [--repeat N (best of N)]
    [--timeout-ms MS] [--work-dir DIR (default: the OS temp dir)] [--keep] [--show-config]
rsyslog variants:   ${Object.keys(RSYSLOG_VARIANTS).join(', ')} (default ${DEFAULT_RSYSLOG_VARIANT})
syslog-ng variants: ${Object.keys(SYSLOG_NG_VARIANTS).join(', ')} (default ${DEFAULT_SYSLOG_NG_VARIANT})
`);
    return;
  }
  const count = Number(values.lines);
  const vhosts = Number(values.vhosts);
  const repeat = Number(values.repeat);
  const t0 = Date.now();
  const generated = generateAccessLines({ count, vhosts, seed: Number(values.seed) });
  process.stderr.write(
    `${count.toLocaleString('en-US')} lines (${(generated.bytes / 1e6).toFixed(1)} MB, ${generated.perVhost.size.toLocaleString('en-US')} vhosts) generated in ${Date.now() - t0} ms\n`,
  );
  const parent = values['work-dir'] ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'ringlog-syslog-bench-'));
  const base: ComparatorOptions = {
    lines: generated.buffer,
    lineCount: generated.lines,
    expectedBytes: generated.expectedBytes,
    vhosts: generated.perVhost.size,
    perVhost: generated.perVhost,
    workDir: root,
    timeoutMs: Number(values['timeout-ms']),
    ...(values.connections === undefined ? {} : { connections: Number(values.connections) }),
  };
  const wanted = (values.variant ?? []).flatMap((v) => v.split(',')).filter((v) => v !== '');
  const plan: { label: string; runner: Runner; variant: string }[] = [];
  const add = (label: string, runner: Runner, all: Record<string, unknown>, fallback: string): void => {
    const names = wanted.includes('all') ? Object.keys(all) : wanted.filter((v) => v in all);
    for (const variant of names.length > 0 || wanted.length > 0 ? names : [fallback]) plan.push({ label, runner, variant });
  };
  if (values.only === undefined || values.only === 'rsyslog') add('rsyslog', runRsyslog, RSYSLOG_VARIANTS, DEFAULT_RSYSLOG_VARIANT);
  if (values.only === undefined || values.only === 'syslog-ng') add('syslog-ng', runSyslogNg, SYSLOG_NG_VARIANTS, DEFAULT_SYSLOG_NG_VARIANT);

  // Round-robin: each round runs every variant once, so that a busy spell on this shared machine
  // does not fall on all the runs of one variant. Each variant keeps its best run.
  const results: (ComparatorResult | Skipped | undefined)[] = plan.map(() => undefined);
  for (let round = 1; round <= repeat; round++) {
    for (const [i, { runner, variant }] of plan.entries()) {
      const previous = results[i];
      if (previous !== undefined && isSkipped(previous)) continue;
      const result = await runner({ ...base, variant, workDir: mkdtempSync(join(root, 'run-')) });
      results[i] = isSkipped(result) ? result : better(previous, result);
      if (isSkipped(result)) {
        process.stderr.write(`${plan[i]?.label}: skipped: ${result.skipped}\n`);
        continue;
      }
      process.stderr.write(`round ${round}: ${result.name} ${variant} ${result.connections} conn: ${result.linesPerSecond.toLocaleString('en-US')} lines/s in ${result.seconds.toFixed(2)} s${result.problems.length > 0 ? ` NOT HONEST: ${result.problems.slice(0, 5).join('; ')}` : ''}\n`);
    }
  }
  const rows = results.map((r, i) => formatRow(plan[i]?.label ?? '', r ?? { skipped: 'not run' }));
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  process.stdout.write(`\n${count.toLocaleString('en-US')} lines × ${generated.perVhost.size.toLocaleString('en-US')} vhosts, best of ${repeat}\n\n`);
  process.stdout.write('| daemon | variant | TCP conns | lines written | seconds | lines/s | files | honest |\n|---|---|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
  if (values['show-config'] === true) {
    for (const r of results) if (r !== undefined && !isSkipped(r)) process.stdout.write(`\n### ${r.name} — ${r.variant}\n\n\`\`\`\n${r.config}\`\`\`\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
