/**
 * The collector engine alone, in this process: the same batches delivered straight to
 * CollectorEngine, timed until every byte is written. No daemon, no sockets: the floor the
 * full path is compared with.
 */
import { join } from 'node:path';
import { CollectorEngine, CollectorTelemetry } from '@ringlog/collector';
import { parseCollectorConfigYaml } from '@ringlog/config';
import pino from 'pino';
import { splitIntoBatches } from './access-lines.ts';
import { round, type Row } from './report.ts';
import { verifySplitTree } from './verify-split-tree.ts';

export async function engineOnly(
  lines: Buffer,
  lineCount: number,
  perVhost: ReadonlyMap<string, number>,
  expectedBytes: number,
  testCase: { readonly vhosts: number; readonly maxOpenFiles: number },
  workDir: string,
  batchBytes: number,
): Promise<Row> {
  const outDir = join(workDir, 'out');
  const yaml = [
    'output:',
    `  max_open_files: ${testCase.maxOpenFiles}`,
    'logs:',
    '  - name: www',
    '    groups: [www]',
    '    split:',
    `      root: ${JSON.stringify(outDir)}`,
    '      path: "{vhost}/access.log"',
    `      max_vhosts: ${Math.max(100_000, testCase.vhosts)}`,
    '',
  ].join('\n');
  const config = parseCollectorConfigYaml(yaml, 'bench.yaml');
  const engine = new CollectorEngine({ config, telemetry: new CollectorTelemetry(pino({ level: 'silent' })) });
  const batches = splitIntoBatches(lines, batchBytes);
  const groups = ['www'];
  const startedAtMs = performance.now();
  for (let index = 0; index < batches.length; index++) {
    engine.deliver(groups, batches[index] as Buffer);
    // Let flushes run between deliveries, as they do between socket reads.
    if (index % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  await engine.flush();
  const seconds = (performance.now() - startedAtMs) / 1000;
  const openFilesMax = engine.fileStats().openFilesMax;
  await engine.close();
  const verified = await verifySplitTree(outDir, perVhost);
  return {
    system: 'engine only (in-process, no daemon)',
    vhosts: testCase.vhosts,
    lines: lineCount,
    lines_per_sec: Math.round(lineCount / seconds),
    mb_per_sec: round(expectedBytes / seconds / 1e6),
    seconds: round(seconds, 2),
    open_files_max: openFilesMax,
    verified: verified.ok ? `${verified.lines} lines, ${verified.files} files` : `FAILED: ${verified.problem}`,
  };
}
