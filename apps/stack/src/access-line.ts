/**
 * One realistic access-log line: Apache "combined" with the vhost first
 * (`%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`, what mod_log_spread and the
 * shipper's vhost split expect). Shared by the stack's demo traffic and the benchmarks, so both
 * feed the same kind of line.
 */
import type { Random } from '@ringlog/prng';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'HEAD'] as const;
const SECTIONS = ['', '/pages', '/static/css/site', '/static/js/app', '/images/products', '/blog/2026', '/api/v2/items', '/search', '/cart', '/account/orders'] as const;
const EXTENSIONS = ['', '.html', '.css', '.js', '.png', '.jpg', '.json', ''] as const;
const STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 304, 304, 301, 302, 404, 404, 500, 206] as const;
const REFERERS = ['-', '-', 'https://www.google.com/', 'https://www.bing.com/search?q=widgets', 'https://duckduckgo.com/', 'https://news.example.org/article/4711'] as const;
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'curl/8.5.0',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
] as const;

export function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)] as T;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Apache's %t in UTC: `22/Nov/2026:10:00:00 +0000` (without the brackets). */
export function clfTime(date: Date): string {
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export interface AccessLineParts {
  readonly vhost: string;
  /** The client address (%h). */
  readonly ip: string;
  /** %t, as clfTime gives it. */
  readonly time: string;
  /** Paths end in a number below this. */
  readonly pathNumbers: number;
}

/** The rest of the line drawn from `random`; no newline. */
export function accessLine(parts: AccessLineParts, random: Random): string {
  const path = `${pick(SECTIONS, random)}/${Math.floor(random() * parts.pathNumbers)}${pick(EXTENSIONS, random)}`;
  const status = pick(STATUSES, random);
  const size = status === 304 ? '-' : String(Math.floor(random() * 60_000) + 128);
  const user = random() < 0.05 ? `user${Math.floor(random() * 1000)}` : '-';
  return `${parts.vhost} ${parts.ip} - ${user} [${parts.time}] "${pick(METHODS, random)} ${path} HTTP/1.1" ${status} ${size} "${pick(REFERERS, random)}" "${pick(AGENTS, random)}"`;
}
