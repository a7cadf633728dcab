/**
 * syslog-ng as a comparator of the collector: its own syslog-ng instance (config, persist file,
 * pid file and control socket under the run's work dir, never /etc/syslog-ng) takes the lines
 * over TCP and writes each, less its first token, to `<out>/<vhost>.log` with a templated file().
 *
 * Debian cannot install syslog-ng beside rsyslog, so scripts/install-bench-tools.sh unpacks it into
 * /opt/ringlog-bench/syslog-ng with a wrapper that sets LD_LIBRARY_PATH and --module-path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ComparatorOptions, type ComparatorResult, type Skipped, measure, startDaemon } from './common.ts';

export interface SyslogNgVariant {
  readonly description: string;
  /** TCP connections that suit this variant best (measured). */
  readonly connections: number;
  config(p: { port: number; outDir: string; vhosts: number }): string;
}

interface Knobs {
  /**
   * How the vhost is cut off: csv-parser with flags(greedy), regexp-parser, or 'program-quirk':
   * syslog-ng's own RFC 3164 parsing, which with no timestamp takes the first token as PROGRAM and
   * the rest as MSG (no parser at all, but wrong for a vhost with ':' or '[' in it).
   */
  readonly split: 'csv' | 'regexp' | 'program-quirk';
  /** flags(flow-control) on the log path (without it, a full destination queue drops lines). */
  readonly flowControl: boolean;
  readonly threaded: boolean;
  readonly flushLines: number;
  readonly fetchLimit: number;
  /** Source window (messages in flight per source, split between its connections). */
  readonly iwSize: number;
  /** Seconds an idle output file stays open. */
  readonly timeReap?: number;
}

function buildConfig(k: Knobs, p: { port: number; outDir: string; vhosts: number }): string {
  const quirk = k.split === 'program-quirk';
  const parser = quirk
    ? '# No parser: the source parses the line as RFC 3164 and the file name takes ${PROGRAM}.'
    : k.split === 'csv'
      ? `parser p_split {
  # VHOST = first space-separated token; REST = the rest of the line, verbatim (greedy).
  csv-parser(columns("VHOST", "REST") delimiters(chars(" ")) flags(greedy) dialect(escape-none) quote-pairs(""));
};`
      : `parser p_split {
  regexp-parser(patterns("^(?<VHOST>[^ ]+) (?<REST>.*)$") prefix(""));
};`;
  const fifo = Math.max(k.iwSize * 2, 10_000);
  return `@version: 3.38
# ringlog collector benchmark: syslog-ng splitting access-log lines into one file per vhost.
# Started as: syslog-ng -F -e -f <this file> --persist-file … --pidfile … --control …  (no /etc config is read)
options {
  use-dns(no); dns-cache(no); use-fqdn(no); keep-hostname(yes); chain-hostnames(no);
  stats-freq(0); mark-freq(0);
  threaded(${k.threaded ? 'yes' : 'no'});
  log-fifo-size(${fifo});
  flush-lines(${k.flushLines});
  time-reap(${k.timeReap ?? 60});
  create-dirs(no);
};

source s_net {
  # ${quirk ? 'RFC 3164 parsing with no timestamp: ${PROGRAM} = first token, ${MSG} = the rest.' : 'no-parse: the whole line is ${MSG}, with no syslog header parsed out of it.'}
  network(ip("127.0.0.1") port(${p.port}) transport("tcp")${quirk ? '' : ' flags(no-parse)'}
          max-connections(64) log-iw-size(${k.iwSize}) log-fetch-limit(${k.fetchLimit}) log-msg-size(65536));
};

${parser}

destination d_vhost {
  file("${p.outDir}/\${${quirk ? 'PROGRAM' : 'VHOST'}}.log" template("\${${quirk ? 'MSG' : 'REST'}}\\n") template-escape(no) log-fifo-size(${fifo}) flush-lines(${k.flushLines}));
};

log { source(s_net);${quirk ? '' : ' parser(p_split);'} destination(d_vhost);${k.flowControl ? ' flags(flow-control);' : ''} };
`;
}

function variant(description: string, connections: number, knobs: Knobs): SyslogNgVariant {
  return { description, connections, config: (p) => buildConfig(knobs, p) };
}

const BASE: Knobs = { split: 'csv', flowControl: true, threaded: true, flushLines: 1000, fetchLimit: 1000, iwSize: 100_000 };

/** Configurations tried (docs/benchmarks-syslog.md has their figures); DEFAULT_SYSLOG_NG_VARIANT is the fastest honest one. */
export const SYSLOG_NG_VARIANTS: Readonly<Record<string, SyslogNgVariant>> = {
  'csv-noflow': variant('csv-parser greedy split, no flow-control (may drop lines)', 1, { ...BASE, flowControl: false }),
  csv: variant('csv-parser greedy split, flow-control, threaded, flush-lines 1000, fetch-limit 1000', 1, BASE),
  'csv-4conn': variant('as csv, lines over 4 TCP connections', 4, BASE),
  regexp: variant('as csv, regexp-parser split (PCRE)', 1, { ...BASE, split: 'regexp' }),
  'regexp-4conn': variant('as regexp, 4 TCP connections', 4, { ...BASE, split: 'regexp' }),
  'regexp-4conn-flush10k': variant('as regexp-4conn, flush-lines 10000, fetch-limit 10000', 4, { ...BASE, split: 'regexp', flushLines: 10_000, fetchLimit: 10_000 }),
  'csv-unthreaded': variant('as csv, threaded(no)', 1, { ...BASE, threaded: false }),
  'csv-flush10k': variant('as csv, flush-lines 10000, fetch-limit 10000', 1, { ...BASE, flushLines: 10_000, fetchLimit: 10_000 }),
  'csv-flush100': variant('as csv, flush-lines 100, fetch-limit 100', 1, { ...BASE, flushLines: 100, fetchLimit: 100 }),
  'csv-flush10k-4conn': variant('as csv-flush10k, 4 TCP connections', 4, { ...BASE, flushLines: 10_000, fetchLimit: 10_000 }),
  'csv-flush10k-iw1m': variant('as csv-flush10k, log-iw-size 1,000,000 (log-fifo-size 2,000,000)', 1, { ...BASE, flushLines: 10_000, fetchLimit: 10_000, iwSize: 1_000_000 }),
  'program-quirk': variant('no parser: RFC 3164 parsing puts the vhost in PROGRAM and the rest in MSG; flow-control, threaded', 1, { ...BASE, split: 'program-quirk' }),
  'program-quirk-4conn': variant('as program-quirk, 4 TCP connections', 4, { ...BASE, split: 'program-quirk' }),
  'csv-reap1': variant('as csv, time-reap(1): idle files closed after 1 s', 1, { ...BASE, timeReap: 1 }),
};

/** The fastest honest one measured: regexp-parser split, flow-control, threaded, 4 connections. */
export const DEFAULT_SYSLOG_NG_VARIANT = 'regexp-4conn';

export function syslogNgBinary(): string | undefined {
  const candidates = [process.env.RINGLOG_SYSLOG_NG, `${process.env.RINGLOG_BENCH_PREFIX ?? '/opt/ringlog-bench'}/syslog-ng/bin/syslog-ng`, '/usr/sbin/syslog-ng'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export function syslogNgVersion(binary: string): string {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
    return /^syslog-ng \d+ \(([\d.]+)\)/m.exec(out)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs the lines through a syslog-ng of its own; see ComparatorOptions. */
export async function runSyslogNg(options: ComparatorOptions): Promise<ComparatorResult | Skipped> {
  const binary = syslogNgBinary();
  if (binary === undefined) return { skipped: 'syslog-ng not installed (run scripts/install-bench-tools.sh)' };
  const variantName = options.variant ?? DEFAULT_SYSLOG_NG_VARIANT;
  const chosen = SYSLOG_NG_VARIANTS[variantName];
  if (chosen === undefined) throw new Error(`unknown syslog-ng variant ${variantName}: ${Object.keys(SYSLOG_NG_VARIANTS).join(', ')}`);
  const dir = join(options.workDir, 'syslog-ng');
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  const connections = options.connections ?? chosen.connections;
  const version = syslogNgVersion(binary);
  let config = '';
  return measure(options, outDir, {
    name: `syslog-ng ${version}`,
    variant: variantName,
    connections,
    get config() {
      return config;
    },
    start(port) {
      config = chosen.config({ port, outDir, vhosts: options.vhosts });
      const confPath = join(dir, 'syslog-ng.conf');
      writeFileSync(confPath, config);
      return startDaemon(
        binary,
        ['-F', '-e', '--no-caps', '-f', confPath, '--persist-file', join(dir, 'syslog-ng.persist'), '--pidfile', join(dir, 'syslog-ng.pid'), '--control', join(dir, 'syslog-ng.ctl')],
        dir,
      );
    },
  });
}
