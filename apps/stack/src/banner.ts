/** What ringlog-stack prints once everything is up: what runs where, and what to try. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shownPath, type StackLayout } from './stack-layout.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface BannerFacts {
  readonly layout: StackLayout;
  /** The directory paths are shown relative to (the launcher's working directory). */
  readonly cwd: string;
  readonly ringId: string;
  readonly startMs: number;
  readonly keyCreated: boolean;
  readonly demoLinesPerSecond: number | null;
}

export function readyBanner(facts: BannerFacts): string[] {
  const { layout } = facts;
  const at = (target: string): string => shownPath(facts.cwd, target);
  const ringlog = `node ${at(path.join(REPO_ROOT, 'apps/cli/bin/ringlog.mjs'))}`;
  const [d1, d2, d3] = layout.daemons;
  const example = (vhost: string, request: string): string => `${vhost} 192.0.2.10 - - [22/Nov/2026:10:00:00 +0000] "${request} HTTP/1.1" 200 512 "-" "curl/8.5.0"`;
  return [
    '',
    `ringlog stack ready in ${(facts.startMs / 1000).toFixed(1)} s, in ${layout.dir}`,
    '',
    `  segment    d1 127.0.0.1:${d1.port}, d2 127.0.0.1:${d2.port}, d3 127.0.0.1:${d3.port} (TCP clients; UDP port and port+1 for the ring), ring ${facts.ringId}`,
    `             client sockets ${at(layout.runDir)}/d{1,2,3}.sock; config ${at(layout.segmentConf)}; key ${at(layout.keyFile)}${facts.keyCreated ? ' (created now, mode 0600)' : ''}`,
    `  shipper    sends to ${layout.shipperDaemon.name}; inputs: unix ${at(layout.accessSocket)}, pipe ${at(layout.pipeSocket)}, tcp 127.0.0.1:${layout.ports.tcpInput}, ${layout.httpIngestUrl}`,
    `             admin ${layout.shipperAdminUrl}/status (and /healthz, /metrics); spool ${at(layout.shipperStateDir)}; config ${at(layout.shipperConfig)}`,
    `  collector  reads group www from ${layout.collectorDaemon.name}; writes ${at(layout.logRoot)}/<vhost>/access.log`,
    `             admin ${layout.collectorAdminUrl}/status (and /healthz, /metrics); config ${at(layout.collectorConfig)}`,
    '',
    'Send lines (the vhost first, then Apache combined format):',
    `  printf '${example('www.example.com', 'GET /')}\\n' | nc -U ${at(layout.accessSocket)}`,
    `  printf '${example('shop.example.com', 'GET /cart')}\\n' | ${ringlog} pipe --group www --socket ${at(layout.pipeSocket)}`,
    `  printf '${example('blog.example.org', 'GET /feed')}\\n' | curl -s -H 'Content-Type: text/plain' --data-binary @- ${layout.httpIngestUrl}`,
    `See them:       ls ${at(layout.logRoot)}; tail -f ${at(layout.logRoot)}/www.example.com/access.log`,
    `Watch the ring: ${ringlog} monitor -c ${at(layout.segmentConf)}`,
    `Be a client:    ${ringlog} user -u alice -s ${d2.spreadName}     (j www: see every line go by)`,
    ...(facts.demoLinesPerSecond === null ? [] : [`Demo traffic:   ${facts.demoLinesPerSecond} lines/s for 6 vhosts into ${at(layout.accessSocket)}`]),
    'Stop:           Ctrl-C (or SIGTERM): the shipper, then the collector, then the daemons; exit 0.',
    '',
  ];
}
