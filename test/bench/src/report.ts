/** Benchmark output: a table for people and a JSON file for machines (.bench-out/<name>.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { REPO_ROOT } from './processes.ts';

export type Row = Record<string, string | number>;

export function printTable(title: string, rows: readonly Row[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as Row);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${line(columns)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => String(row[c])))}\n`);
}

export function writeJson(name: string, data: unknown): string {
  const dir = `${REPO_ROOT}.bench-out`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}.json`;
  writeFileSync(path, `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...(data as object) }, null, 2)}\n`);
  return path;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
