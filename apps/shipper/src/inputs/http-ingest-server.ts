/**
 * The HTTP input's routes: `POST /ingest` and `POST /ingest/:group`, bodies `text/plain` (one
 * line per LF) or `application/x-ndjson` (`{"line": …, "group"?: …}` per line). Lines are
 * pushed, made durable with `flushToSpool()`, and only then is the request answered 200; a
 * client that sees 200 may forget its lines. `buildHttpIngest` returns an instance that is not
 * listening: the input listens, tests use inject().
 */
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { splitLines, type InputHandle, type InputRoute, type LineIngest } from '@ringlog/shipper';
import type { Logger } from 'pino';
import { HttpIngestPause } from './http-ingest-pause.ts';
import { parseNdjson, type NdjsonBatch } from './http-ndjson.ts';

export interface HttpIngestDependencies {
  readonly ingest: LineIngest;
  readonly handle: InputHandle;
  readonly logger: Logger;
  readonly bodyMaxBytes: number;
}

export const TEXT_MEDIA_TYPE = 'text/plain';
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';
/** Told to clients on 503: the spool drains in seconds once the daemon takes batches again. */
export const RETRY_AFTER_SECS = 2;

const countsBody = {
  type: 'object',
  properties: { accepted: { type: 'integer' }, dropped: { type: 'integer' }, message: { type: 'string' } },
  required: ['accepted', 'dropped'],
};
const errorBody = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, line: { type: 'integer' } },
  required: ['error', 'message'],
};
const response = { 200: countsBody, 503: countsBody, '4xx': errorBody };
/** A legal Spread group name: 1..31 characters in 0x24..0x7e ('#' is 0x23, so never in it). */
const groupParams = { type: 'object', properties: { group: { type: 'string', pattern: '^[\\x24-\\x7e]{1,31}$' } }, required: ['group'] };

type IngestRequest = FastifyRequest<{ Params: { group?: string } }>;

export type HttpIngestServer = ReturnType<typeof buildHttpIngest>;

export function buildHttpIngest(dependencies: HttpIngestDependencies) {
  // Request lines are logged at info: one per POST would drown the shipper's own log.
  const app = Fastify({ loggerInstance: dependencies.logger.child({ component: 'http' }, { level: 'warn' }), bodyLimit: dependencies.bodyMaxBytes });
  // Any bytes pass: the route checks the media type, and text/plain keeps invalid UTF-8 as is.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: dependencies.bodyMaxBytes }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      dependencies.logger.error({ err: error }, 'HTTP ingest failed');
      return reply.code(500).send({ error: 'internal', message: 'The shipper could not take the lines' });
    }
    dependencies.handle.stats.error('bad_request');
    return reply.code(status).send({ error: error.code ?? 'bad_request', message: error.message });
  });
  const pause = new HttpIngestPause(dependencies.ingest);
  const handler = (request: IngestRequest, reply: FastifyReply) => ingestRequest(dependencies, pause, request, reply);
  app.post('/ingest', { schema: { response } }, handler);
  app.post('/ingest/:group', { schema: { params: groupParams, response } }, handler);
  return app;
}

function ingestRequest(dependencies: HttpIngestDependencies, pause: HttpIngestPause, request: IngestRequest, reply: FastifyReply): FastifyReply {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== TEXT_MEDIA_TYPE && mediaType !== NDJSON_MEDIA_TYPE) {
    dependencies.handle.stats.error('bad_request');
    return reply.code(415).send({ error: 'unsupported_media_type', message: `Content-Type must be ${TEXT_MEDIA_TYPE} or ${NDJSON_MEDIA_TYPE}` });
  }
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  let batches: NdjsonBatch[];
  if (mediaType === TEXT_MEDIA_TYPE) {
    batches = [{ group: null, lines: splitLines(body) }];
  } else {
    const parsed = parseNdjson(body);
    if (!parsed.ok) {
      dependencies.handle.stats.error('bad_request');
      return reply.code(400).send({ error: 'bad_ndjson', message: parsed.message, line: parsed.lineNumber });
    }
    batches = parsed.batches;
  }
  if (pause.paused) {
    reply.header('retry-after', String(RETRY_AFTER_SECS));
    return reply.code(503).send({ accepted: 0, dropped: 0, message: 'The shipper spool is full and inputs are paused (on_full: block); nothing was accepted' });
  }
  const counts = pushBatches(dependencies, pause, batches, request.params.group ?? null);
  if (counts.accepted + counts.dropped > 0) dependencies.ingest.flushToSpool();
  if (counts.dropped === 0) return reply.code(200).send(counts);
  reply.header('retry-after', String(RETRY_AFTER_SECS));
  return reply.code(503).send({ ...counts, message: 'The shipper spool is full: dropped lines were not stored' });
}

function pushBatches(dependencies: HttpIngestDependencies, pause: HttpIngestPause, batches: readonly NdjsonBatch[], urlGroup: string | null): { accepted: number; dropped: number } {
  let accepted = 0;
  let dropped = 0;
  for (const batch of batches) {
    if (batch.lines.length === 0) continue;
    const group = batch.group ?? urlGroup;
    // A client that names its group gets exactly that group: bucketing would send it elsewhere.
    const route: InputRoute | undefined = group === null ? undefined : { group, vhostBuckets: 0 };
    const outcome = dependencies.ingest.push(dependencies.handle, batch.lines, route);
    pause.observe(outcome.paused);
    accepted += batch.lines.length - outcome.dropped;
    dropped += outcome.dropped;
  }
  return { accepted, dropped };
}
