/**
 * The live tail over HTTP: `GET /tail?vhost=a&vhost=b&grep=REGEX` streams every line the
 * collector receives that passes the filter, as server-sent events (`data: <line>`), with
 * `event: dropped` (data: the count) where a slow client lost lines. Registered as a plugin of
 * the admin HTTP (admin-server.ts); the page at `/` (live-page.ts) reads it.
 */
import { compileTailFilter, TailFilterError, type TailFilter } from '@ringlog/collector';
import { VHOST_LENGTH_MAX } from '@ringlog/vhost-files';
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { adminErrorBody, CollectorAppError, CollectorAppErrorCode } from './errors.ts';
import type { TailHub } from './tail-hub.ts';

/** Bounds on one request's filter: the filter runs on the collector's hot path. */
export const TAIL_VHOSTS_MAX = 64;
export const TAIL_GREP_LENGTH_MAX = 1024;

/** Seconds a refused client is asked to wait. */
const RETRY_AFTER_SECONDS = 5;

const ERROR_BODY_SCHEMA = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
} as const;

const TAIL_SCHEMA = {
  querystring: {
    type: 'object',
    properties: {
      vhost: { type: 'array', items: { type: 'string', minLength: 1, maxLength: VHOST_LENGTH_MAX }, maxItems: TAIL_VHOSTS_MAX },
      grep: { type: 'string', maxLength: TAIL_GREP_LENGTH_MAX },
    },
    additionalProperties: false,
  },
  response: { 400: ERROR_BODY_SCHEMA, 503: ERROR_BODY_SCHEMA },
} as const;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // A proxy (nginx) in front must not buffer the stream.
  'x-accel-buffering': 'no',
} as const;

/** First bytes of a stream: EventSource's redial delay, and a comment that sends the headers now. */
const STREAM_START = 'retry: 2000\n: ringlog-collector live tail\n\n';

interface TailQuery {
  readonly vhost?: readonly string[];
  readonly grep?: string;
}

export interface TailRoutesOptions {
  readonly hub: TailHub;
}

function refuse(reply: FastifyReply, hub: TailHub): FastifyReply {
  const reason = `${hub.clientsMax} live tails are streaming already, or the collector is stopping`;
  return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(adminErrorBody(new CollectorAppError(CollectorAppErrorCode.TAIL_UNAVAILABLE, reason)));
}

export const tailRoutes: FastifyPluginCallback<TailRoutesOptions> = (app, { hub }, done) => {
  // Streams never end by themselves; closing the server waits for them unless they end first.
  app.addHook('preClose', (hookDone) => {
    hub.close();
    hookDone();
  });
  app.get<{ Querystring: TailQuery }>('/tail', { schema: TAIL_SCHEMA }, (request, reply) => {
    let filter: TailFilter;
    try {
      filter = compileTailFilter({ vhosts: request.query.vhost ?? [], grep: request.query.grep ?? '' });
    } catch (error) {
      if (error instanceof TailFilterError) return reply.code(400).send(adminErrorBody(error));
      throw error;
    }
    const response = reply.raw;
    const client = hub.subscribe(filter, response);
    if (client === null) return refuse(reply, hub);
    reply.hijack();
    response.writeHead(200, SSE_HEADERS);
    response.write(STREAM_START);
    const forget = (): void => hub.unsubscribe(client);
    response.on('close', forget);
    response.on('error', forget);
    return reply;
  });
  done();
};
