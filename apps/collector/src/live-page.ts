/**
 * The status and live-tail page (`GET /`): live-page.html, served as is with a strict
 * Content-Security-Policy. The page's one inline script and one inline style are allowed by
 * their SHA-256 hashes, computed here when the file is loaded, so editing the page needs no
 * build step and cannot leave a stale hash behind; nothing else may run or load, and the page
 * may only talk to this server (`connect-src 'self'` for /status and /tail).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginCallback } from 'fastify';

export interface LivePage {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

const PAGE_FILE = new URL('./live-page.html', import.meta.url);

function inlineBody(html: string, tag: 'script' | 'style'): string {
  const matches = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))];
  if (matches.length !== 1) throw new Error(`Bug: live-page.html must hold exactly one inline <${tag}>, found ${matches.length}`);
  return (matches[0] as RegExpMatchArray)[1] as string;
}

function sourceHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The CSP for a page whose only script and style are `script` and `style`. */
export function livePagePolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${sourceHash(script)}`,
    `style-src ${sourceHash(style)}`,
    "connect-src 'self'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Reads the page and builds its headers (once per admin HTTP: the file is small and static). */
export function loadLivePage(): LivePage {
  const html = readFileSync(PAGE_FILE, 'utf8');
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': livePagePolicy(inlineBody(html, 'script'), inlineBody(html, 'style')),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}

/** `GET /`: the page, with its headers. */
export const livePageRoutes: FastifyPluginCallback = (app, _options, done) => {
  const page = loadLivePage();
  app.get('/', (_request, reply) => reply.headers(page.headers).send(page.html));
  done();
};
