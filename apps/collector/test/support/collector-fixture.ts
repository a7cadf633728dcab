/** Process-level fixtures for the collector: a ringlogd, a collector with its config, a sender. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type SpreadSession } from '@ringlog/client';
import { ChildFixture, ChildTracker, waitUntil, type LogLine } from '../../../daemon/test/support/processes.ts';

export const COLLECTOR_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export class CollectorTracker extends ChildTracker {
  collector(args: readonly string[]): ChildFixture {
    return this.track(new ChildFixture(COLLECTOR_MAIN, args, ['--import', 'tsx']));
  }
}

/** Starts a ringlogd on a unix socket in `dir`; returns the fixture and the Spread name to use. */
export async function startRinglogd(tracker: ChildTracker, dir: string, name = 'd.sock'): Promise<{ daemon: ChildFixture; endpoint: string }> {
  const socket = join(dir, name);
  const daemon = tracker.ringlogdMain(['-l', `unix:${socket}`, '--log-level', 'info']);
  await daemon.waitForLog('ringlogd started');
  return { daemon, endpoint: `unix:${socket}` };
}

export interface CollectorYamlOptions {
  readonly endpoint: string;
  readonly root: string;
  readonly extraOutput?: readonly string[];
  readonly extraSplit?: readonly string[];
  readonly extraCollector?: readonly string[];
}

export async function writeCollectorYaml(dir: string, options: CollectorYamlOptions): Promise<string> {
  const file = join(dir, 'collector.yaml');
  const lines = [
    'collector:',
    `  daemon: ${JSON.stringify(options.endpoint)}`,
    '  reconnect_initial_delay_ms: 50',
    '  reconnect_max_delay_ms: 200',
    `  state_dir: ${JSON.stringify(join(dir, 'collector-state'))}`,
    ...(options.extraCollector ?? []).map((line) => `  ${line}`),
    'admin:',
    '  listen: "127.0.0.1:0"',
    'output:',
    ...(options.extraOutput ?? ['max_open_files: 64']).map((line) => `  ${line}`),
    'logs:',
    '  - name: www',
    '    groups: [www]',
    '    split:',
    `      root: ${JSON.stringify(options.root)}`,
    '      path: "{vhost}/access.log"',
    ...(options.extraSplit ?? []).map((line) => `      ${line}`),
    '',
  ];
  await writeFile(file, lines.join('\n'));
  return file;
}

export interface StatusDocument {
  readonly daemon: { readonly connected: boolean };
  readonly pendingBytes: number;
  readonly messages: number;
  readonly reconnects: number;
  readonly files: { readonly writtenBytes: number; readonly openFiles: number; readonly openFilesMax: number };
  readonly logs: readonly { readonly lines: number; readonly vhosts: number; readonly catchAllLines: Record<string, number> }[];
}

export async function fetchStatus(adminUrl: string): Promise<StatusDocument> {
  return (await (await fetch(`${adminUrl}/status`)).json()) as StatusDocument;
}

/** Waits for "ringlog-collector started" and for the daemon connection; returns the admin URL. */
export async function collectorReady(collector: ChildFixture): Promise<string> {
  const started: LogLine = await collector.waitForLog('ringlog-collector started');
  const adminUrl = String(started['admin']);
  await waitUntil(async () => (await fetchStatus(adminUrl)).daemon.connected, 'collector connected', () => collector.describe());
  return adminUrl;
}

/** A sender session that has seen `members` members in `group` (so the collector's join took effect). */
export async function connectSender(endpoint: string, group = 'www', members = 2): Promise<SpreadSession> {
  const session = await connect({ endpoint, name: 'sender', membership: true });
  let seen = false;
  session.onEvent((event) => {
    if (event.type === 'membership' && event.group === group && event.members.length >= members) seen = true;
  });
  session.join(group);
  await waitUntil(() => seen, `${members} members in ${group}`);
  session.leave(group);
  return session;
}

export async function sendLines(session: SpreadSession, lines: readonly string[], group = 'www', perMessage = 50): Promise<void> {
  for (let index = 0; index < lines.length; index += perMessage) {
    await session.multicast({ service: 'AGREED', groups: [group], data: lines.slice(index, index + perMessage).join('\n') + '\n' });
  }
}
