/**
 * The load's log lines: `<vhost> <writerId>-<seq> <padding>`, about 150 bytes with the newline.
 * The id makes every line unique and names the writer that sent it, so a line found in a file can
 * be traced to its request; the padding is a function of the id, so a line whose bytes were
 * altered (torn, merged with another) no longer matches the text the ledger holds.
 */

/** The vhosts the writers choose from (a seeded choice per line). */
export const VHOSTS = [
  'www.example.com',
  'shop.example.com',
  'api.example.org',
  'blog.example.net',
  'static.example.com',
  'img.example.org',
  'mail.example.net',
  'docs.example.com',
] as const;

/** Bytes of a line with its newline; the padding fills up to it. */
export const LINE_BYTES = 150;
const SEQ_DIGITS = 7;
const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function lineId(writerId: string, seq: number): string {
  return `${writerId}-${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** The line's text without its newline. */
export function formatLine(vhost: string, id: string): string {
  const head = `${vhost} ${id} `;
  const paddingLength = Math.max(1, LINE_BYTES - 1 - head.length);
  const start = id.length % PADDING_ALPHABET.length;
  let padding = '';
  for (let index = 0; index < paddingLength; index += 1) padding += PADDING_ALPHABET[(start + index * 7) % PADDING_ALPHABET.length];
  return head + padding;
}

export interface ParsedLine {
  readonly vhost: string;
  readonly id: string;
  readonly writerId: string;
  readonly seq: number;
}

/** The parts of a line as written, or null when it is not of this form at all. */
export function parseLine(text: string): ParsedLine | null {
  const match = /^(\S+) ([a-z0-9]+)-(\d+) /.exec(text);
  if (match === null) return null;
  const [, vhost, writerId, seqText] = match as unknown as [string, string, string, string];
  return { vhost, id: `${writerId}-${seqText}`, writerId, seq: Number(seqText) };
}
