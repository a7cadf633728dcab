/**
 * Hostile payloads for socket input tests: seeded random bytes, a reference model of what an
 * input must push for a byte stream, and ready-made syslog messages.
 */

/** mulberry32: a small seeded PRNG, so a failing random test reproduces from its seed. */
export { mulberry32 as seededRandom } from '@ringlog/prng';

/** `length` random bytes, LF and CR made frequent so lines stay short enough to be interesting. */
export function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) {
    const roll = random();
    bytes[index] = roll < 0.03 ? 0x0a : roll < 0.05 ? 0x0d : Math.floor(random() * 256);
  }
  return bytes;
}

/** Splits `bytes` into chunks of random sizes (1..maxChunk), as a writer's writes. */
export function randomChunks(random: () => number, bytes: Buffer, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

/**
 * The lines a plain stream input must push for a whole stream: split on LF, CR before LF (or
 * before EOF) dropped, empty lines skipped, overlong lines cut into `lineBytesMax` pieces. As in
 * NewlineDecoder, a line is overlong when the bytes before its LF (CR included) exceed the bound.
 */
export function expectedStreamLines(stream: Buffer, lineBytesMax: number): { lines: Buffer[]; overlong: number } {
  const lines: Buffer[] = [];
  let overlong = 0;
  let start = 0;
  while (start < stream.length) {
    let end = stream.indexOf(0x0a, start);
    if (end < 0) end = stream.length;
    if (end - start > lineBytesMax) overlong += 1;
    let stop = end;
    if (stop > start && stream[stop - 1] === 0x0d) stop -= 1;
    for (let piece = start; piece < stop; piece += lineBytesMax) lines.push(stream.subarray(piece, Math.min(piece + lineBytesMax, stop)));
    start = end + 1;
  }
  return { lines, overlong };
}

/** Bytes that are not valid UTF-8, with NULs and a lone CR. */
export const BINARY_LINE = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x00, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x0d, 0x41, 0xf0, 0x90, 0x28, 0xbc, 0x00]);

export const NGINX_LINE = '192.0.2.1 - - [22/Nov/2024:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "curl/8.0"';
/** What nginx's `access_log syslog:server=...` sends. */
export const NGINX_SYSLOG = `<190>Nov 22 10:00:00 web1 nginx: ${NGINX_LINE}`;
export const RFC3164_SYSLOG = '<34>Oct 11 22:14:15 mymachine su[230]: su root failed for lonvick on /dev/pts/8';
export const RFC3164_MESSAGE = 'su root failed for lonvick on /dev/pts/8';
export const RFC5424_SYSLOG = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event log entry';
export const RFC5424_MESSAGE = 'An application event log entry';
/** Starts with "<" but its PRI is not one: kept whole, counted bad_syslog. */
export const BAD_SYSLOG = '<999>not a syslog message';

/**
 * The lines a plain datagram input must push for one datagram: split on LF, CR before LF (or at
 * the end) dropped, empty lines skipped, lines longer than `lineBytesMax` cut into pieces (and
 * counted; unlike a stream line, a datagram line's bound excludes its CR).
 */
export function expectedDatagramLines(datagram: Buffer, lineBytesMax: number): { lines: Buffer[]; overlong: number } {
  const lines: Buffer[] = [];
  let overlong = 0;
  for (let start = 0; start < datagram.length; ) {
    const newline = datagram.indexOf(0x0a, start);
    const end = newline < 0 ? datagram.length : newline;
    const stop = end > start && datagram[end - 1] === 0x0d ? end - 1 : end;
    if (stop - start > lineBytesMax) overlong += 1;
    for (let piece = start; piece < stop; piece += lineBytesMax) lines.push(datagram.subarray(piece, Math.min(piece + lineBytesMax, stop)));
    start = end + 1;
  }
  return { lines, overlong };
}
