/**
 * rsyslog as a comparator of the collector: its own rsyslogd instance (config, pid file and work
 * directory under the run's work dir, never /etc/rsyslog.conf) takes the lines over TCP and writes
 * each, less its first token, to `<out>/<vhost>.log` with omfile dynaFile.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ComparatorOptions, type ComparatorResult, type Skipped, measure, startDaemon } from './common.ts';

export interface RsyslogVariant {
  readonly description: string;
  /** TCP connections that suit this variant best (measured). */
  readonly connections: number;
  config(p: { port: number; outDir: string; stateDir: string; vhosts: number }): string;
}

/** The cache of open files: every vhost up to rsyslog's hard maximum of 10,000 (omfile clamps larger values). */
function cacheSize(vhosts: number, cap = 10_000): number {
  return Math.max(1, Math.min(vhosts, cap));
}

interface Knobs {
  /** Input module: imtcp (one poller thread) or imptcp (epoll, its own worker threads). */
  readonly input: 'imtcp' | 'imptcp';
  /**
   * How the vhost is cut off: 'script' = RainerScript field() + substring() into local variables;
   * 'fieldtpl' = file name by the property replacer's field extraction, rest by substring();
   * 'regex' = ERE regexes in the templates; 'hostname-quirk' = a pmrfc3164 parser instance that
   * takes the vhost as HOSTNAME and the rest as MSG (no script at all, but only right while the
   * vhost looks like a hostname and the client address does not end in ':').
   */
  readonly split: 'script' | 'fieldtpl' | 'regex' | 'hostname-quirk';
  /** The ruleset's queue; 'main' = no ruleset queue (the default main queue, FixedArray of 100k). */
  readonly queue: 'main' | 'direct' | 'linkedlist';
  readonly batch?: number;
  readonly workers?: number;
  /** omfile: asyncWriting with flushInterval 1 s, or synchronous writes of each batch (flushOnTXEnd). */
  readonly asyncWriting: boolean;
  readonly ioBufferSize?: string;
  /** Open-file cache cap (rsyslog's maximum is 10,000). */
  readonly cacheCap?: number;
}

function buildConfig(k: Knobs, p: { port: number; outDir: string; stateDir: string; vhosts: number }): string {
  const input =
    k.input === 'imtcp'
      ? `module(load="imtcp" maxSessions="64")\ninput(type="imtcp" port="${p.port}" address="127.0.0.1" ruleset="split")`
      : `module(load="imptcp" threads="2")\ninput(type="imptcp" port="${p.port}" address="127.0.0.1" ruleset="split")`;
  const templates = {
    script: `template(name="vhostFile" type="string" string="${p.outDir}/%$.vhost%.log")
template(name="restOfLine" type="string" string="%$.rest%\\n")`,
    fieldtpl: `template(name="vhostFile" type="string" string="${p.outDir}/%rawmsg:F,32:1%.log")
template(name="restOfLine" type="string" string="%$.rest%\\n")`,
    regex: `template(name="vhostFile" type="string" string="${p.outDir}/%rawmsg:R,ERE,1,FIELD:^([^ ]+) --end%.log")
template(name="restOfLine" type="string" string="%rawmsg:R,ERE,1,FIELD:^[^ ]+ (.*)$--end%\\n")`,
    'fieldtpl-imptcp': variant('as script-fieldtpl, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', input: 'imptcp' }),
  'fieldtpl-ll-2w': variant('as script-fieldtpl, ruleset queue LinkedList with 2 workers', 1, { ...BASE, split: 'fieldtpl', queue: 'linkedlist', batch: 1024, workers: 2 }),
  'fieldtpl-async': variant('as script-fieldtpl, omfile asyncWriting on (flushInterval 1 s)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true }),
  'fieldtpl-async-imptcp': variant('as fieldtpl-async, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true, input: 'imptcp' }),
  'hostname-quirk': `template(name="vhostFile" type="string" string="${p.outDir}/%hostname%.log")
template(name="restOfLine" type="string" string="%msg%\\n")`,
  }[k.split];
  const script = {
    script: `  set $.vhost = field($rawmsg, 32, 1);
  set $.rest = substring($rawmsg, strlen($.vhost) + 1, 1000000);
`,
    fieldtpl: `  set $.rest = substring($rawmsg, strlen(field($rawmsg, 32, 1)) + 1, 1000000);
`,
    regex: '',
    'fieldtpl-imptcp': variant('as script-fieldtpl, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', input: 'imptcp' }),
  'fieldtpl-ll-2w': variant('as script-fieldtpl, ruleset queue LinkedList with 2 workers', 1, { ...BASE, split: 'fieldtpl', queue: 'linkedlist', batch: 1024, workers: 2 }),
  'fieldtpl-async': variant('as script-fieldtpl, omfile asyncWriting on (flushInterval 1 s)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true }),
  'fieldtpl-async-imptcp': variant('as fieldtpl-async, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true, input: 'imptcp' }),
  'hostname-quirk': '',
  }[k.split];
  const parser =
    k.split === 'hostname-quirk'
      ? `parser(name="vhostFirst" type="pmrfc3164" force.tagEndingByColon="on" remove.msgFirstSpace="on")\n`
      : '';
  const parserName = k.split === 'hostname-quirk' ? 'vhostFirst' : 'rsyslog.rfc3164';
  const queue =
    k.queue === 'main'
      ? ''
      : k.queue === 'direct'
        ? ' queue.type="Direct"'
        : ` queue.type="LinkedList" queue.size="500000" queue.dequeueBatchSize="${k.batch ?? 1024}" queue.workerThreads="${k.workers ?? 1}"`;
  const writing = k.asyncWriting ? 'asyncWriting="on" flushInterval="1" flushOnTXEnd="off"' : 'asyncWriting="off" flushOnTXEnd="on"';
  return `# ringlog collector benchmark: rsyslog splitting access-log lines into one file per vhost.
# Started as: rsyslogd -n -f <this file> -i <pid file>  (no /etc config is read)
global(
  workDirectory="${p.stateDir}"
  net.enableDNS="off"
  parser.escapeControlCharactersOnReceive="off"
  maxMessageSize="64k"
)
main_queue(queue.type="FixedArray" queue.size="100000" queue.dequeueBatchSize="1024")
${parser}${input}

${k.split === 'hostname-quirk' ? '# vhostFirst parses the vhost as %hostname% and leaves the rest in %msg%.' : '# The raw line is %rawmsg%: its first space-separated token is the vhost.'}
${templates}

ruleset(name="split" parser=["${parserName}"]${queue}) {
${script}  action(type="omfile" dynaFile="vhostFile" template="restOfLine"
         dynaFileCacheSize="${cacheSize(p.vhosts, k.cacheCap)}" ioBufferSize="${k.ioBufferSize ?? '256k'}" ${writing}
         createDirs="off" fileCreateMode="0644")
}
`;
}

function variant(description: string, connections: number, knobs: Knobs): RsyslogVariant {
  return { description, connections, config: (p) => buildConfig(knobs, p) };
}

const BASE: Knobs = { input: 'imtcp', split: 'script', queue: 'main', asyncWriting: false };

/** Configurations tried (docs/benchmarks-syslog.md has their figures); DEFAULT_RSYSLOG_VARIANT is the fastest honest one. */
export const RSYSLOG_VARIANTS: Readonly<Record<string, RsyslogVariant>> = {
  'regex-template': variant('imtcp, vhost split by ERE regexes in the templates, main queue', 1, { ...BASE, split: 'regex' }),
  script: variant('imtcp, vhost split in RainerScript (field/substring), main queue', 1, BASE),
  'script-fieldtpl': variant(
    'as script, file name by the property replacer (%rawmsg:F,32:1%), only the rest in RainerScript; dynaFileCacheSize min(vhosts, 256)',
    1,
    { ...BASE, split: 'fieldtpl', cacheCap: 256 },
  ),
  'fieldtpl-imptcp': variant('as script-fieldtpl, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', input: 'imptcp' }),
  'fieldtpl-ll-2w': variant('as script-fieldtpl, ruleset queue LinkedList with 2 workers', 1, { ...BASE, split: 'fieldtpl', queue: 'linkedlist', batch: 1024, workers: 2 }),
  'fieldtpl-async': variant('as script-fieldtpl, omfile asyncWriting on (flushInterval 1 s)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true }),
  'fieldtpl-async-imptcp': variant('as fieldtpl-async, imptcp (2 threads)', 1, { ...BASE, split: 'fieldtpl', asyncWriting: true, input: 'imptcp' }),
  'hostname-quirk': variant('no script: a pmrfc3164 parser (force.tagEndingByColon) reads the vhost as HOSTNAME, the rest as MSG', 1, { ...BASE, split: 'hostname-quirk' }),
  'script-4conn': variant('as script, lines over 4 TCP connections', 4, BASE),
  'script-direct': variant('as script, ruleset queue Direct (work done on the input thread)', 1, { ...BASE, queue: 'direct' }),
  'script-ll': variant('as script, ruleset queue LinkedList 500k, dequeueBatchSize 1024', 1, { ...BASE, queue: 'linkedlist', batch: 1024 }),
  'script-ll8k': variant('as script, ruleset queue LinkedList 500k, dequeueBatchSize 8192', 1, { ...BASE, queue: 'linkedlist', batch: 8192 }),
  'script-ll-2w': variant('as script-ll, 2 queue worker threads', 1, { ...BASE, queue: 'linkedlist', batch: 1024, workers: 2 }),
  'script-async': variant('as script, omfile asyncWriting on (flushInterval 1 s)', 1, { ...BASE, asyncWriting: true }),
  'script-imptcp': variant('as script, imptcp (2 threads) instead of imtcp', 1, { ...BASE, input: 'imptcp' }),
  'script-imptcp-4conn': variant('as script-imptcp, 4 TCP connections', 4, { ...BASE, input: 'imptcp' }),
  'script-io1m': variant('as script, ioBufferSize 1m', 1, { ...BASE, ioBufferSize: '1m' }),
  'fieldtpl-cache16': variant('as script-fieldtpl, dynaFileCacheSize capped at 16', 1, { ...BASE, split: 'fieldtpl', cacheCap: 16 }),
  'fieldtpl-cache64': variant('as script-fieldtpl, dynaFileCacheSize capped at 64', 1, { ...BASE, split: 'fieldtpl', cacheCap: 64 }),
  'fieldtpl-cache256': variant("as script-fieldtpl, dynaFileCacheSize capped at 256 (ringlog's cap)", 1, { ...BASE, split: 'fieldtpl', cacheCap: 256 }),
  'fieldtpl-cache1000': variant('as script-fieldtpl, dynaFileCacheSize capped at 1000', 1, { ...BASE, split: 'fieldtpl', cacheCap: 1000 }),
  'fieldtpl-cache10000': variant("as script-fieldtpl, dynaFileCacheSize capped at 10,000 (rsyslog's maximum)", 1, { ...BASE, split: 'fieldtpl', cacheCap: 10_000 }),
};

/**
 * The fastest honest one measured: imtcp, file name by field extraction, rest by substring(), one
 * main-queue worker (two reorder lines), synchronous writes per batch, cache ≤ 256 open files.
 */
export const DEFAULT_RSYSLOG_VARIANT = 'script-fieldtpl';

export function rsyslogBinary(): string | undefined {
  const candidates = [process.env.RINGLOG_RSYSLOGD, '/usr/sbin/rsyslogd', '/usr/local/sbin/rsyslogd'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export function rsyslogVersion(binary: string): string {
  try {
    const out = execFileSync(binary, ['-v'], { encoding: 'utf8' });
    return /rsyslogd\s+([\d.]+)/.exec(out)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs the lines through an rsyslogd of its own; see ComparatorOptions. */
export async function runRsyslog(options: ComparatorOptions): Promise<ComparatorResult | Skipped> {
  const binary = rsyslogBinary();
  if (binary === undefined) return { skipped: 'rsyslogd not installed (run scripts/install-bench-tools.sh)' };
  const variantName = options.variant ?? DEFAULT_RSYSLOG_VARIANT;
  const chosen = RSYSLOG_VARIANTS[variantName];
  if (chosen === undefined) throw new Error(`unknown rsyslog variant ${variantName}: ${Object.keys(RSYSLOG_VARIANTS).join(', ')}`);
  const dir = join(options.workDir, 'rsyslog');
  const outDir = join(dir, 'out');
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const connections = options.connections ?? chosen.connections;
  const version = rsyslogVersion(binary);
  let config = '';
  return measure(options, outDir, {
    name: `rsyslog ${version}`,
    variant: variantName,
    connections,
    get config() {
      return config;
    },
    start(port) {
      config = chosen.config({ port, outDir, stateDir, vhosts: options.vhosts });
      const confPath = join(dir, 'rsyslog.conf');
      writeFileSync(confPath, config);
      return startDaemon(binary, ['-n', '-f', confPath, '-i', join(dir, 'rsyslogd.pid')], dir);
    },
  });
}
